package dev.procreg.registry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ProcessRegistry#lock}: at most one action runs per key, ever, even when the holder is
 * killed inside its action and its code ignores the kill.
 */
@ExtendWith(RuntimeExtension.class)
class RegistryLockTests {

	private final ProcessRuntime runtime;

	private final ProcessRegistry<String, String> registry;

	private final AtomicInteger inside = new AtomicInteger();

	private final AtomicInteger maxInside = new AtomicInteger();

	RegistryLockTests(ProcessRuntime runtime) {
		this.runtime = runtime;
		this.registry = ProcessRegistry.start(runtime, RegistryOptions.unique("locks"));
	}

	@Test
	void aKilledHolderKeepsTheLockUntilItsActionHasReturned() {
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		Pid holder = this.runtime.spawn((ctx) -> this.registry.lock("L", () -> {
			enter();
			holding.countDown();
			awaitIgnoringInterrupts(finish);
			leave();
			return null;
		}));
		Await.latch(holding);
		CompletableFuture<String> second = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> second.complete(this.registry.lock("L", Duration.ofMinutes(1), () -> {
			enter();
			leave();
			return "got it";
		})));

		this.runtime.exit(holder, ExitReason.KILL);
		assertThat(this.runtime.isAlive(holder)).isFalse();
		// the dead holder's action still runs: the lock must not pass on
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !second.isDone());

		finish.countDown();
		assertThat(Await.result(second)).isEqualTo("got it");
		assertThat(this.maxInside).hasValue(1);
	}

	@Test
	void aWaiterReportsADeadHolderStuckInItsActionRatherThanEnter() {
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		Pid holder = this.runtime.spawn((ctx) -> this.registry.lock("L", () -> {
			enter();
			holding.countDown();
			awaitIgnoringInterrupts(finish);
			leave();
			return null;
		}));
		Await.latch(holding);
		this.runtime.exit(holder, ExitReason.KILL);

		CompletableFuture<Object> second = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			try {
				second.complete(this.registry.lock("L", Duration.ofMillis(200), () -> {
					enter();
					leave();
					return "entered";
				}));
			}
			catch (RuntimeException ex) {
				second.complete(ex);
			}
		});
		assertThat(Await.result(second))
			.isInstanceOfSatisfying(RegistryLockStuckException.class, (ex) -> {
				assertThat(ex.holder()).isEqualTo(holder);
				assertThat(ex.lockKey()).isEqualTo("L");
				assertThat(ex).hasMessageContaining("registry lock L is stuck")
					.hasMessageContaining(holder.toString())
					.hasMessageContaining("200 ms");
			});

		// once the dead holder's action returns, the lock is free again
		finish.countDown();
		CompletableFuture<String> third = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> third.complete(this.registry.lock("L", () -> "free")));
		assertThat(Await.result(third)).isEqualTo("free");
		assertThat(this.maxInside).hasValue(1);
	}

	private void enter() {
		this.maxInside.accumulateAndGet(this.inside.incrementAndGet(), Math::max);
	}

	private void leave() {
		this.inside.decrementAndGet();
	}

	/** The mistake the lock must survive: code that swallows the kill's interrupt and runs on. */
	private static void awaitIgnoringInterrupts(CountDownLatch latch) {
		for (;;) {
			try {
				if (latch.await(30, TimeUnit.SECONDS)) {
					return;
				}
			}
			catch (InterruptedException swallowed) {
				// ignored on purpose
			}
		}
	}

}
