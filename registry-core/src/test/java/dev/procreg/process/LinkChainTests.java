package dev.procreg.process;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegisterResult;
import dev.procreg.registry.RegistryOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Exit signals travel along links without recursion: killing the head of a long chain of linked
 * processes kills every one of them on a constant stack (the old recursive form threw
 * {@code StackOverflowError} to the killer at about 2,700 links), leaves no registry entry
 * behind, and the runtime still closes.
 */
class LinkChainTests {

	/** Seven times the length at which the recursive form overflowed, cheap enough for every build. */
	@Test
	void killingTheHeadOfALongChainKillsEveryLinkedProcess() throws InterruptedException {
		killTheChain(20_000);
	}

	/**
	 * The full size: about 10 s and 1.2 GB of heap on 2 cores, so it runs on request:
	 * {@code ./mvnw -pl registry-core verify -Dtest=LinkChainTests -Dprocreg.millionChain=true}.
	 */
	@Test
	@EnabledIfSystemProperty(named = "procreg.millionChain", matches = "true")
	void aMillionLinkedProcessesDieTogether() throws InterruptedException {
		killTheChain(1_000_000);
	}

	private void killTheChain(int length) throws InterruptedException {
		// its own runtime, not RuntimeExtension's: a longer shutdown for the chain, and the test asserts after close
		ProcessRuntime runtime = ProcessRuntime
			.start(ProcessRuntime.Options.defaults().withShutdownTimeout(Duration.ofSeconds(5)));
		Pid bystander;
		try {
			ProcessRegistry<String, Boolean> registry = ProcessRegistry.start(runtime, RegistryOptions.unique("chain"));
			CountDownLatch linked = new CountDownLatch(length);
			Pid head = runtime.spawn(ReceivingContext::receive);
			Pid previous = head;
			for (int i = 1; i <= length; i++) {
				Pid link = previous;
				boolean last = i == length;
				previous = runtime.spawn((ctx) -> {
					ctx.link(link);
					if (last && !(registry.register("tail", true) instanceof RegisterResult.Registered)) {
						throw new IllegalStateException("tail could not register");
					}
					linked.countDown();
					ctx.receive();
				});
			}
			assertThat(linked.await(2, TimeUnit.MINUTES)).as("every link made").isTrue();
			bystander = runtime.spawn(ReceivingContext::receive);
			assertThat(registry.count()).isOne();
			assertThat(runtime.processCount()).isEqualTo(length + 2);

			assertThatCode(() -> runtime.exit(head, ExitReason.KILL)).doesNotThrowAnyException();

			// propagation is synchronous: when exit returns, the whole chain is dead
			assertThat(runtime.isAlive(previous)).isFalse();
			assertThat(runtime.processes()).containsExactly(bystander);
			assertThat(registry.count()).isZero();
			assertThat(registry.whereis("tail")).isEmpty();
		}
		finally {
			runtime.close();
		}
		assertThat(runtime.isAlive(bystander)).isFalse();
		assertThat(runtime.processCount()).isZero();
	}

}
