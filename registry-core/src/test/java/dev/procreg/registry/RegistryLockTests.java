package dev.procreg.registry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ProcessRegistry#lock}: at most one action runs per key, ever, even when the holder is
 * killed inside its action and its code ignores the kill.
 */
class RegistryLockTests {

	private final ProcessRuntime runtime = ProcessRuntime
		.start(ProcessRuntime.Options.defaults().withShutdownTimeout(Duration.ofSeconds(2)));

	private final ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
			RegistryOptions.unique("locks"));

	private final AtomicInteger inside = new AtomicInteger();

	private final AtomicInteger maxInside = new AtomicInteger();

	@AfterEach
	void close() {
		this.runtime.close();
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
		assertThat(second.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo("got it");
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
		assertThat(second.orTimeout(10, TimeUnit.SECONDS).join())
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
		assertThat(third.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo("free");
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

	/** Bounded waits. */
	private static final class Await {

		static void latch(CountDownLatch latch) {
			try {
				assertThat(latch.await(10, TimeUnit.SECONDS)).as("latch released in time").isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}

	}

}
