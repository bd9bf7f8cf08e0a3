package dev.procreg.supervisor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.Name;
import dev.procreg.process.Pid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A supervisor restarts a killed child only once the child's thread has left its code, so a
 * supervised singleton never runs twice at once: a kill marks the child dead at once (promise 1),
 * but a handler blocked where an interrupt cannot reach (here {@code lock()}) runs on until it
 * returns, and the replacement's {@code init} waits for that.
 */
class SingletonRestartTests extends SupervisorTestSupport {

	/** Counts instances whose code is running now; records whether two ever overlapped. */
	static final class Running {

		final AtomicInteger inside = new AtomicInteger();

		final AtomicInteger inits = new AtomicInteger();

		final AtomicInteger maxInside = new AtomicInteger();

		final CountDownLatch secondInit = new CountDownLatch(1);

		void enter() {
			this.maxInside.accumulateAndGet(this.inside.incrementAndGet(), Math::max);
		}

		void leave() {
			this.inside.decrementAndGet();
		}

	}

	static final class Singleton extends GenServer<Object> {

		private final Running running;

		private final ReentrantLock lock;

		Singleton(Running running, ReentrantLock lock) {
			this.running = running;
			this.lock = lock;
		}

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			this.running.enter();
			try {
				if (this.running.inits.incrementAndGet() == 2) {
					this.running.secondInit.countDown();
				}
				return ok(Boolean.TRUE);
			}
			finally {
				this.running.leave();
			}
		}

		@Override
		protected Result<Object> handleCast(Object request, Object state) {
			this.running.enter();
			try {
				this.lock.lock(); // not interruptible: a kill cannot cut it short
				this.lock.unlock();
				return noReply(state);
			}
			finally {
				this.running.leave();
			}
		}

	}

	@Test
	void aKilledSingletonIsRestartedOnlyAfterItsThreadLeftItsCode() throws Exception {
		Running running = new Running();
		ReentrantLock lock = new ReentrantLock();
		Pid sup = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(ChildSpec.worker("singleton", () -> new Singleton(running, lock), null, Name.of("singleton"))
					.withShutdown(Shutdown.timeout(Duration.ofSeconds(10)))),
				Supervisor.Options.defaults()).orThrow();
		Pid first = this.runtime.whereis("singleton").orElseThrow();
		lock.lock();
		boolean restartedWhileRunning;
		try {
			this.runtime.cast(first, "work");
			await().until(() -> running.inside.get() == 1);
			this.runtime.exit(first, ExitReason.KILL);
			assertThat(this.runtime.isAlive(first)).as("dead for every observer at once").isFalse();
			// a restart that does not wait starts the replacement now, while the first still runs
			restartedWhileRunning = running.secondInit.await(500, TimeUnit.MILLISECONDS);
		}
		finally {
			lock.unlock();
		}
		assertThat(restartedWhileRunning).as("restarted while the killed instance still ran").isFalse();
		await().until(() -> this.runtime.whereis("singleton").filter((pid) -> !pid.equals(first)).isPresent());
		assertThat(running.inits).hasValue(2);
		assertThat(running.maxInside).as("instances running at once").hasValue(1);
		assertThat(this.runtime.isAlive(sup)).isTrue();
	}

	@Test
	void aChildStuckPastItsShutdownTimeoutIsRestartedAnywayWithAWarning() throws Exception {
		Running running = new Running();
		ReentrantLock lock = new ReentrantLock();
		Pid sup = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(ChildSpec.worker("stuck", () -> new Singleton(running, lock), null, Name.of("stuck"))
					.withShutdown(Shutdown.timeout(Duration.ofMillis(50)))),
				Supervisor.Options.defaults()).orThrow();
		Pid first = this.runtime.whereis("stuck").orElseThrow();
		lock.lock();
		try {
			this.runtime.cast(first, "work");
			await().until(() -> running.inside.get() == 1);
			this.runtime.exit(first, ExitReason.KILL);
			// bounded by the child's shutdown timeout: the supervisor does not hang on a stuck child
			assertThat(running.secondInit.await(10, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			lock.unlock();
		}
		assertThat(Supervisor.whichChildren(this.runtime, sup)).hasSize(1);
	}

}
