package dev.procreg.registry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.Down;
import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whoever learns of an exit (a monitor's Down, {@code awaitExit}) finds the cleanup done: the
 * process's registry entries are counted out and its registered name is free.
 */
@ExtendWith(RuntimeExtension.class)
class ExitOrderTests {

	private final ProcessRuntime runtime;

	ExitOrderTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@RepeatedTest(20)
	void aDownArrivesAfterTheRegistryAndTheNamesWereCleanedUp() throws Exception {
		ProcessRegistry<String, Integer> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("r"));
		CountDownLatch registered = new CountDownLatch(1);
		Pid victim = this.runtime.spawn((ctx) -> {
			registry.register("key", 1);
			registered.countDown();
			ctx.receive();
		});
		registered.await();
		this.runtime.register("victim", victim);
		CompletableFuture<Long> countAtDown = new CompletableFuture<>();
		CompletableFuture<Boolean> nameFreeAtDown = new CompletableFuture<>();
		CountDownLatch monitoring = new CountDownLatch(1);
		this.runtime.spawn((ctx) -> {
			ctx.monitor(victim);
			monitoring.countDown();
			if (ctx.receive() instanceof Down) {
				countAtDown.complete(registry.count());
				nameFreeAtDown.complete(!this.runtime.registered().contains("victim"));
			}
		});
		monitoring.await();
		this.runtime.exit(victim, ExitReason.KILL);
		assertThat(countAtDown.get(10, TimeUnit.SECONDS)).isZero();
		assertThat(nameFreeAtDown.get(10, TimeUnit.SECONDS)).isTrue();
	}

}
