package dev.procreg.process;

import java.io.IOException;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A server's code runs only on a thread the server owns (DESIGN promise 8): a caller parks until
 * the reply, the server's exit or its deadline, and nothing of the caller's thread (thread-locals,
 * MDC, interrupt, locks) reaches the server, nor anything of the server's thread the caller.
 * Each test here failed when an idle server ran {@code handleCall} on the caller's thread.
 */
@ExtendWith(RuntimeExtension.class)
class CallIsolationTests {

	private static final ThreadLocal<String> USER = new ThreadLocal<>();

	private final ProcessRuntime runtime;

	CallIsolationTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@AfterEach
	void clearTheTestThread() {
		USER.remove();
		MDC.clear();
	}

	/** Blocks in its handler until released; records on which thread each callback ran. */
	record Hold(CountDownLatch entered, CountDownLatch release, CompletableFuture<Boolean> returned) {

		Hold() {
			this(new CountDownLatch(1), new CountDownLatch(1), new CompletableFuture<>());
		}

	}

	/** Replies with what the handler's thread holds, then leaves its own marks on that thread. */
	record Peek() {
	}

	/** Handler that needs a lock. */
	record NeedLock(ReentrantLock lock, CountDownLatch entered) {
	}

	static final class Server extends GenServer<Integer> {

		final Map<Object, Thread> threads = new ConcurrentHashMap<>();

		volatile @Nullable String seenAtInit;

		@Override
		protected Init<Integer> init(@Nullable Object arg) {
			this.seenAtInit = USER.get() + "/" + MDC.get("user");
			this.threads.put("init", Thread.currentThread());
			return ok(0);
		}

		@Override
		protected Result<Integer> handleCall(Object request, From from, Integer count) throws Exception {
			this.threads.put(request, Thread.currentThread());
			switch (request) {
				case Hold hold -> {
					hold.entered().countDown();
					boolean released = hold.release().await(Await.LONG.toMillis(), TimeUnit.MILLISECONDS);
					hold.returned().complete(released);
					return reply("held", count + 1);
				}
				case Peek peek -> {
					List<String> seen = List.of(String.valueOf(USER.get()), String.valueOf(MDC.get("user")),
							String.valueOf(Thread.currentThread().isInterrupted()));
					USER.set("server");
					MDC.put("user", "server");
					return reply(seen, count + 1);
				}
				case NeedLock(ReentrantLock lock, CountDownLatch entered) -> {
					entered.countDown();
					lock.lock();
					try {
						return reply("locked", count + 1);
					}
					finally {
						lock.unlock();
					}
				}
				default -> {
					return reply(count + 1, count + 1);
				}
			}
		}

		@Override
		protected Result<Integer> handleCast(Object request, Integer count) {
			this.threads.put(request, Thread.currentThread());
			return noReply(count + 1);
		}

	}

	private Pid start(Server server) {
		return GenServer.start(this.runtime, server, null).orThrow();
	}

	@Test
	void aSlowHandlerOnAnIdleServerGivesTheCallerControlBackAtItsDeadline() {
		Pid pid = start(new Server());
		Hold hold = new Hold();
		assertThatExceptionOfType(CallTimeoutException.class)
			.isThrownBy(() -> this.runtime.call(pid, hold, Duration.ofMillis(50)));
		assertThat(hold.returned()).as("the call timed out while the handler still ran").isNotDone();
		hold.release().countDown();
		assertThat(Await.result(hold.returned())).isTrue();
		assertThat(this.runtime.<Integer>call(pid, "count")).as("the server did the timed-out work").isEqualTo(2);
	}

	@Test
	void aCallerNeverHandlesOtherSendersMessagesAndAReadyReplyIsNeverReportedAsATimeout() throws Exception {
		Server server = new Server();
		Pid pid = start(server);
		Hold first = new Hold();
		CompletableFuture<Object> mine = new CompletableFuture<>();
		Thread caller = Thread.ofPlatform().start(() -> {
			try {
				mine.complete(this.runtime.call(pid, first, Duration.ofMillis(500)));
			}
			catch (Throwable ex) {
				mine.complete(ex);
			}
		});
		Await.latch(first.entered());
		// others' requests queue behind the caller's; one of them is slow
		Hold slowOther = new Hold();
		CompletableFuture<Object> other = CompletableFuture.supplyAsync(() -> this.runtime.call(pid, slowOther, Await.LONG));
		for (int i = 0; i < 20; i++) {
			this.runtime.cast(pid, "cast-" + i);
		}
		await().until(() -> this.runtime.processInfo(pid).map(ProcessInfo::mailboxLength).orElse(0) >= 20);
		first.release().countDown();
		// the caller's reply was ready at once: it must get it, although the slow request is running
		assertThat(Await.result(mine)).isEqualTo("held");
		slowOther.release().countDown();
		assertThat(Await.result(other)).isEqualTo("held");
		caller.join();
		await().until(() -> server.threads.size() == 23);
		assertThat(server.threads.values()).as("no handler ran on a caller's thread")
			.doesNotContain(caller, Thread.currentThread());
	}

	@Test
	void threadLocalsAndMdcCrossNeitherWay() {
		USER.set("alice");
		MDC.put("user", "alice");
		Server server = new Server();
		Pid pid = start(server);
		assertThat(server.seenAtInit).as("init does not see the starter's thread-locals").isEqualTo("null/null");
		assertThat(this.runtime.<List<String>>call(pid, new Peek())).as("the handler sees none of the caller's")
			.containsExactly("null", "null", "false");
		assertThat(USER.get()).as("the handler's thread-local stays off the caller").isEqualTo("alice");
		assertThat(MDC.get("user")).as("the handler's MDC stays off the caller").isEqualTo("alice");
		USER.remove();
		MDC.clear();
		this.runtime.call(pid, new Peek());
		assertThat(USER.get()).isNull();
		assertThat(MDC.get("user")).isNull();
	}

	@Test
	void cancellingACallersTaskLeavesTheServerUnharmedAndTheCallerSeesItsInterrupt() throws Exception {
		Server server = new Server();
		Pid pid = start(server);
		Hold hold = new Hold();
		CompletableFuture<Boolean> interruptSeen = new CompletableFuture<>();
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			Future<?> task = pool.submit(() -> {
				try {
					this.runtime.call(pid, hold, Await.LONG);
					interruptSeen.complete(false);
				}
				catch (ProcessException ex) {
					interruptSeen.complete(Thread.currentThread().isInterrupted());
				}
			});
			Await.latch(hold.entered());
			task.cancel(true);
			assertThat(Await.result(interruptSeen)).as("the caller keeps its interrupt").isTrue();
			assertThat(hold.returned()).as("the handler was not interrupted").isNotDone();
			hold.release().countDown();
			assertThat(Await.result(hold.returned())).isTrue();
			assertThat(this.runtime.isAlive(pid)).isTrue();
			assertThat(this.runtime.<Integer>call(pid, "count")).as("state kept").isEqualTo(2);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void anInterruptedCallerGivesUpAndTheServersLaterReplyIsDropped() {
		Pid pid = start(new Server());
		Hold hold = new Hold();
		this.runtime.cast(pid, "busy");
		Thread.currentThread().interrupt();
		try {
			// the server cannot reply before the caller looks: its handler holds until released
			assertThatExceptionOfType(ProcessException.class)
				.isThrownBy(() -> this.runtime.call(pid, hold, Await.LONG))
				.withMessageContaining("interrupted");
			assertThat(Thread.interrupted()).as("the caller's interrupt stays with the caller").isTrue();
		}
		finally {
			Thread.interrupted();
		}
		hold.release().countDown();
		assertThat(Await.result(hold.returned())).as("the handler ran uninterrupted").isTrue();
		assertThat(this.runtime.<Integer>call(pid, "count")).isEqualTo(3);
	}

	@Test
	void killingAServerDuringACallFailsTheCallAtOnceAndLeavesTheCallersThreadAndChannelAlone() throws Exception {
		Server server = new Server();
		Pid pid = start(server);
		ReentrantLock lock = new ReentrantLock();
		CountDownLatch entered = new CountDownLatch(1);
		CompletableFuture<List<Object>> outcome = new CompletableFuture<>();
		lock.lock();
		try {
			Thread caller = Thread.ofVirtual().start(() -> {
				try (Pipe.SourceChannel channel = Pipe.open().source()) {
					Object result;
					try {
						// the handler blocks where no interrupt reaches it (lock), like non-interruptible I/O
						result = this.runtime.call(pid, new NeedLock(lock, entered), Await.LONG);
					}
					catch (ProcessExitException ex) {
						result = ex.reason();
					}
					outcome.complete(List.of(result, channel.isOpen(), Thread.currentThread().isInterrupted()));
				}
				catch (IOException ex) {
					outcome.completeExceptionally(ex);
				}
			});
			Await.latch(entered);
			this.runtime.exit(pid, ExitReason.KILL);
			// the call fails with the kill while the killed handler is still stuck on the lock
			assertThat(Await.result(outcome)).containsExactly(ExitReason.KILLED, true, false);
			assertThat(server.threads.get(new NeedLock(lock, entered))).isNotSameAs(caller);
		}
		finally {
			lock.unlock();
		}
	}

	@Test
	void aCallerHoldingALockTheHandlerNeedsTimesOutAndTheKillStillWorks() throws Exception {
		Server server = new Server();
		Pid pid = start(server);
		ReentrantLock lock = new ReentrantLock();
		CountDownLatch entered = new CountDownLatch(1);
		lock.lock();
		try {
			assertThatExceptionOfType(CallTimeoutException.class)
				.isThrownBy(() -> this.runtime.call(pid, new NeedLock(lock, entered), Duration.ofMillis(50)));
			Await.latch(entered);
			assertThat(server.threads.get(new NeedLock(lock, entered))).isNotSameAs(Thread.currentThread());
			this.runtime.exit(pid, ExitReason.KILL);
			assertThat(this.runtime.isAlive(pid)).isFalse();
			assertThatExceptionOfType(NoProcessException.class)
				.isThrownBy(() -> this.runtime.call(pid, "count", Duration.ofMillis(50)));
			assertThat(this.runtime.awaitThreadLeft(pid, Duration.ZERO))
				.as("the killed handler still waits for the lock").isFalse();
		}
		finally {
			lock.unlock();
		}
		assertThat(this.runtime.awaitThreadLeft(pid, Await.LONG)).as("it leaves once the lock is free").isTrue();
	}

	@Test
	void aStartWhoseStarterIsAlreadyDeadLeavesNoServerBehind() {
		CountDownLatch spinning = new CountDownLatch(1);
		CountDownLatch go = new CountDownLatch(1);
		CompletableFuture<Object> outcome = new CompletableFuture<>();
		Pid starter = this.runtime.spawn((ctx) -> {
			spinning.countDown();
			// code that runs on after a kill because it never blocks or checks the interrupt
			while (go.getCount() > 0) {
				Thread.onSpinWait();
			}
			try {
				outcome.complete(GenServer.start(this.runtime, new Server(), null, Name.of("orphan")));
			}
			catch (Throwable ex) {
				outcome.complete(ex);
			}
		});
		Await.latch(spinning);
		this.runtime.exit(starter, ExitReason.KILL);
		go.countDown();
		assertThat(Await.result(outcome)).isInstanceOf(ProcessExitException.class);
		assertThat(this.runtime.whereis("orphan")).as("the name is free again").isEmpty();
		await().untilAsserted(() -> assertThat(this.runtime.processes()).isEmpty());
	}

	@Test
	void anIdleServerLetsGoOfItsThreadAfterLingeringAndAWakesForEveryMessage() {
		Pid pid = start(new Server());
		ServerProcess process = (ServerProcess) this.runtime.local(pid);
		for (int round = 0; round < 20; round++) {
			for (int i = 0; i < 50; i++) {
				this.runtime.cast(pid, "cast-" + round + "-" + i);
			}
			assertThat(this.runtime.<Integer>call(pid, "count")).isEqualTo((round + 1) * 51);
			// no message is stranded at the release: the next round finds the server, thread or not
			await().until(() -> !process.holdsThread());
		}
	}

	@Test
	void awaitThreadLeftRefusesBadInputClearly() {
		Pid pid = start(new Server());
		assertThatExceptionOfType(NullPointerException.class)
			.isThrownBy(() -> this.runtime.awaitThreadLeft(null, Duration.ZERO))
			.withMessage("pid must not be null");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.runtime.awaitThreadLeft(pid, Duration.ofMillis(-1)))
			.withMessageContaining("timeout must not be negative");
		assertThat(this.runtime.awaitThreadLeft(pid, Duration.ZERO)).as("a live server has not left").isFalse();
		this.runtime.exit(pid, ExitReason.KILL);
		assertThat(this.runtime.awaitThreadLeft(pid, Await.LONG)).isTrue();
	}

	@Test
	void initRunsOnTheServersOwnThread() {
		Server server = new Server();
		start(server);
		assertThat(server.threads.get("init")).isNotSameAs(Thread.currentThread());
		assertThat(this.runtime.processInfo(start(new Server()))).map(ProcessInfo::status)
			.isNotEqualTo(Optional.of(ProcessInfo.Status.EXITED));
	}

}
