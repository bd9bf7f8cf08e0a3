package dev.procreg.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.procreg.testing.Await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

// each test builds and closes its own runtime, not RuntimeExtension's: closing it is what they test
class RuntimeCloseTests {

	sealed interface Job permits Work, Hang {
	}

	record Work(int n) implements Job {
	}

	/** Blocks the server's callback until the runtime kills it. */
	record Hang(CountDownLatch entered) implements Job {
	}

	static final class Worker extends GenServer<Integer> {

		final CompletableFuture<ExitReason> terminated = new CompletableFuture<>();

		@Override
		protected Init<Integer> init(@Nullable Object arg) {
			return ok(0);
		}

		@Override
		protected Result<Integer> handleCast(Object request, Integer done) throws Exception {
			return switch ((Job) request) {
				case Work(int n) -> noReply(done + n);
				case Hang(CountDownLatch entered) -> {
					entered.countDown();
					Await.blockOn(new CountDownLatch(1));
					yield noReply(done);
				}
			};
		}

		@Override
		protected void terminate(ExitReason reason, Integer done) {
			this.terminated.complete(reason);
		}

	}

	@Test
	void closingRunsTerminateWithShutdownOnEveryServer() {
		ProcessRuntime runtime = ProcessRuntime.start();
		List<Worker> workers = new ArrayList<>();
		List<Pid> pids = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			Worker worker = new Worker();
			workers.add(worker);
			Pid pid = GenServer.start(runtime, worker, null).orThrow();
			pids.add(pid);
			for (int j = 0; j < 100; j++) {
				runtime.cast(pid, new Work(1));
			}
		}
		runtime.close();
		assertThat(workers).allSatisfy((w) -> assertThat(w.terminated).isCompletedWithValue(ExitReason.SHUTDOWN));
		assertThat(pids).noneMatch(runtime::isAlive);
		assertThat(runtime.isClosed()).isTrue();
	}

	@Test
	void closingKillsWhatIgnoresShutdownAfterTheTimeout() {
		ProcessRuntime runtime = ProcessRuntime
			.start(ProcessRuntime.Options.defaults().withShutdownTimeout(Duration.ofMillis(200)));
		// a process that traps exits and ignores them
		CountDownLatch trapping = new CountDownLatch(1);
		CompletableFuture<Object> trappedExit = new CompletableFuture<>();
		Pid stubborn = runtime.spawn((ctx) -> {
			ctx.trapExits(true);
			trapping.countDown();
			while (true) {
				Object message = ctx.receive();
				if (message instanceof Exit exit) {
					trappedExit.complete(exit);
				}
			}
		});
		// a server stuck in a callback, that never gets to its shutdown
		Worker stuck = new Worker();
		Pid stuckPid = GenServer.start(runtime, stuck, null).orThrow();
		CountDownLatch entered = new CountDownLatch(1);
		runtime.cast(stuckPid, new Hang(entered));
		// a process busy outside receive
		CountDownLatch busy = new CountDownLatch(1);
		Pid sleeper = runtime.spawn((ctx) -> {
			busy.countDown();
			Await.blockOn(new CountDownLatch(1));
		});
		// an idle server, which terminates in an orderly way
		Worker idle = new Worker();
		Pid idlePid = GenServer.start(runtime, idle, null).orThrow();
		Await.latch(trapping);
		Await.latch(entered);
		Await.latch(busy);

		runtime.close();

		assertThat(List.of(stubborn, stuckPid, sleeper, idlePid)).noneMatch(runtime::isAlive);
		assertThat(Await.result(trappedExit)).isEqualTo(new Exit(null, ExitReason.SHUTDOWN));
		assertThat(((LocalProcess) stubborn.process).exitReason()).isEqualTo(ExitReason.KILLED);
		assertThat(((LocalProcess) stuckPid.process).exitReason()).isEqualTo(ExitReason.KILLED);
		assertThat(stuck.terminated).as("a killed server does not run terminate").isNotDone();
		assertThat(((LocalProcess) sleeper.process).exitReason()).isEqualTo(ExitReason.SHUTDOWN);
		assertThat(idle.terminated).isCompletedWithValue(ExitReason.SHUTDOWN);
		await().until(() -> runtime.processCount() == 0);
	}

	@Test
	void closingReleasesNamesAndWakesCallers() {
		ProcessRuntime runtime = ProcessRuntime
			.start(ProcessRuntime.Options.defaults().withShutdownTimeout(Duration.ofMillis(100)));
		Worker stuck = new Worker();
		Pid pid = GenServer.start(runtime, stuck, null, Name.of("stuck")).orThrow();
		CountDownLatch entered = new CountDownLatch(1);
		runtime.cast(pid, new Hang(entered));
		Await.latch(entered);
		CompletableFuture<Throwable> caller = new CompletableFuture<>();
		Thread.ofPlatform().start(() -> {
			try {
				runtime.call(pid, new Work(1), Await.LONG);
				caller.complete(null);
			}
			catch (Throwable ex) {
				caller.complete(ex);
			}
		});
		await().until(() -> runtime.processInfo(pid).map(ProcessInfo::mailboxLength).orElse(0) == 1);
		runtime.close();
		assertThat(runtime.whereis("stuck")).isEmpty();
		assertThat(runtime.registered()).isEmpty();
		assertThat(Await.result(caller)).isInstanceOfSatisfying(ProcessExitException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(ExitReason.KILLED));
	}

	@Test
	void closeIsIdempotentAndAClosedRuntimeStartsNothing() {
		ProcessRuntime runtime = ProcessRuntime.start();
		Pid pid = runtime.spawn((ctx) -> ctx.receive());
		runtime.close();
		runtime.close();
		assertThat(runtime.isAlive(pid)).isFalse();
		assertThatIllegalStateException().isThrownBy(() -> runtime.spawn((ctx) -> {
		})).withMessageContaining("runtime local is closed");
		assertThatIllegalStateException().isThrownBy(() -> GenServer.start(runtime, new Worker(), null))
			.withMessageContaining("is closed");
	}

	@Test
	void closingAnEmptyRuntimeReturns() {
		ProcessRuntime runtime = ProcessRuntime.start();
		runtime.close();
		assertThat(runtime.isClosed()).isTrue();
		assertThat(runtime.processCount()).isZero();
	}

	@Test
	void closingManyBusyProcessesEndsThemAll() {
		ProcessRuntime runtime = ProcessRuntime
			.start(ProcessRuntime.Options.defaults().withShutdownTimeout(Duration.ofSeconds(5)));
		List<Pid> pids = new ArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			pids.add(runtime.spawn((ctx) -> {
				while (true) {
					ctx.receive();
				}
			}));
			Pid server = GenServer.start(runtime, new Worker(), null).orThrow();
			runtime.cast(server, new Work(i));
			pids.add(server);
		}
		runtime.close();
		assertThat(pids).noneMatch(runtime::isAlive);
		await().until(() -> runtime.processCount() == 0);
	}

}
