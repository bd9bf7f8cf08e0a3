package dev.procreg.supervisor;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Down;
import dev.procreg.process.ExitReason;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.testing.Await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Servers and helpers shared by the supervisor tests. */
final class TestServers {

	private TestServers() {
	}

	/** What workers did, in order: {@code start:a}, {@code stop:a:shutdown}. */
	static final class Events {

		final Queue<String> log = new ConcurrentLinkedQueue<>();

		List<String> all() {
			return List.copyOf(this.log);
		}

		List<String> stops() {
			return this.log.stream().filter((e) -> e.startsWith("stop:")).toList();
		}

		List<String> starts() {
			return this.log.stream().filter((e) -> e.startsWith("start:")).toList();
		}

	}

	/**
	 * A worker named by its init argument: records start and stop; {@code "pid"} and
	 * {@code "arg"} calls answer, {@code "stop-normal"} stops normally, a {@code "crash"} cast
	 * throws. Init fails for the argument {@code "fail"}.
	 */
	static final class Worker extends GenServer<Object> {

		static final AtomicInteger inits = new AtomicInteger();

		private final Events events;

		Worker(Events events) {
			this.events = events;
		}

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			inits.incrementAndGet();
			this.events.log.add("start:" + arg);
			if ("fail".equals(arg)) {
				throw new IllegalStateException("init failed on purpose");
			}
			return ok((arg != null) ? arg : "null");
		}

		@Override
		protected Result<Object> handleCall(Object request, From from, Object arg) {
			return switch (String.valueOf(request)) {
				case "pid" -> reply(self(), arg);
				case "arg" -> reply(arg, arg);
				case "stop-normal" -> stop(ExitReason.NORMAL, "bye", arg);
				default -> throw new IllegalArgumentException("unknown call " + request);
			};
		}

		@Override
		protected Result<Object> handleCast(Object request, Object arg) {
			throw new IllegalStateException("crash requested by the test");
		}

		@Override
		protected void terminate(ExitReason reason, Object arg) {
			this.events.log.add("stop:" + arg + ":" + reason);
		}

	}

	/** A worker whose terminate never returns unless its thread is interrupted (killed). */
	static final class Stubborn extends GenServer<String> {

		final CountDownLatch terminating = new CountDownLatch(1);

		volatile boolean terminateFinished;

		@Override
		protected Init<String> init(@Nullable Object arg) {
			return ok("stubborn");
		}

		@Override
		protected void terminate(ExitReason reason, String state) throws InterruptedException {
			this.terminating.countDown();
			new CountDownLatch(1).await(1, TimeUnit.MINUTES);
			this.terminateFinished = true;
		}

	}

	/** Completes with the target's exit reason; the monitor is in place when this returns. */
	static CompletableFuture<ExitReason> watch(ProcessRuntime runtime, Pid target) {
		CompletableFuture<ExitReason> reason = new CompletableFuture<>();
		CountDownLatch ready = new CountDownLatch(1);
		runtime.spawn((ctx) -> {
			ctx.monitor(target);
			ready.countDown();
			ctx.receive(Down.class, Duration.ofMinutes(1)).ifPresent((down) -> reason.complete(down.reason()));
		});
		Await.latch(ready);
		return reason;
	}

	static ExitReason exitReason(CompletableFuture<ExitReason> reason) {
		return Await.result(reason);
	}

	/** Waits until the child with this id runs with a pid other than {@code old}; returns it. */
	static Pid awaitRestarted(ProcessRuntime runtime, Pid supervisor, Object id, Pid old) {
		Pid[] found = new Pid[1];
		await().atMost(Await.LONG).until(() -> {
			for (ChildInfo child : Supervisor.whichChildren(runtime, supervisor)) {
				if (child.id().equals(id) && child.pid() != null && !child.pid().equals(old)) {
					found[0] = child.pid();
					return true;
				}
			}
			return false;
		});
		return found[0];
	}

	static ChildInfo child(ProcessRuntime runtime, Pid supervisor, Object id) {
		return Supervisor.whichChildren(runtime, supervisor).stream().filter((c) -> c.id().equals(id)).findFirst()
				.orElseThrow(() -> new AssertionError("no child " + id));
	}

	static Pid pidOf(ProcessRuntime runtime, Pid supervisor, Object id) {
		Pid pid = child(runtime, supervisor, id).pid();
		assertThat(pid).as("pid of child %s", id).isNotNull();
		return pid;
	}

}
