package dev.procreg.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

@ExtendWith(RuntimeExtension.class)
class GenServerCallTests {

	private final ProcessRuntime runtime;

	GenServerCallTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	sealed interface Request permits Ping, Increment, Get, Block, CrashNow, CrashAfter, Park, StopNow, CallSelf,
			CallOther, NullReply, KillSelf, Spin {
	}

	record KillSelf() implements Request {
	}

	record Spin(int rounds) implements Request {
	}

	record Ping() implements Request {
	}

	record Increment() implements Request {
	}

	record Get() implements Request {
	}

	/** Blocks the server until released. */
	record Block(CountDownLatch entered, CountDownLatch release, AtomicReference<Thread> thread) implements Request {

		Block() {
			this(new CountDownLatch(1), new CountDownLatch(1), new AtomicReference<>());
		}

	}

	record CrashNow(String why) implements Request {
	}

	record CrashAfter(CountDownLatch release, String why) implements Request {
	}

	/** Defers the reply; the From goes to {@code parked}. */
	record Park(CompletableFuture<From> parked) implements Request {
	}

	record StopNow(ExitReason reason) implements Request {
	}

	record CallSelf() implements Request {
	}

	record CallOther(Pid other) implements Request {
	}

	record NullReply() implements Request {
	}

	static final class Server extends GenServer<Integer> {

		@Override
		protected Init<Integer> init(@Nullable Object arg) {
			return ok(0);
		}

		@Override
		protected Result<Integer> handleCall(Object request, From from, Integer count) throws Exception {
			return switch ((Request) request) {
				case Ping() -> reply("pong", count);
				case Increment() -> reply(count + 1, count + 1);
				case Get() -> reply(count, count);
				case Block block -> {
					block.thread().set(Thread.currentThread());
					block.entered().countDown();
					Await.blockOn(block.release());
					yield reply("released", count);
				}
				case CrashNow(String why) -> throw new IllegalStateException(why);
				case CrashAfter(CountDownLatch release, String why) -> {
					Await.blockOn(release);
					throw new IllegalStateException(why);
				}
				case Park(CompletableFuture<From> parked) -> {
					parked.complete(from);
					yield noReply(count);
				}
				case StopNow(ExitReason reason) -> stop(reason, count);
				case CallSelf() -> {
					try {
						runtime().call(self(), new Ping());
						yield reply("no error", count);
					}
					catch (IllegalStateException ex) {
						yield reply(ex.getMessage(), count);
					}
				}
				case CallOther(Pid other) -> reply("via " + runtime().call(other, new Ping()), count);
				case NullReply() -> reply(null, count);
				case KillSelf() -> {
					runtime().exit(self(), ExitReason.KILL);
					yield reply("replied after being killed", count);
				}
				case Spin(int rounds) -> {
					for (int i = 0; i < rounds; i++) {
						Thread.onSpinWait();
					}
					yield reply("spun", count + 1);
				}
			};
		}

		@Override
		protected Result<Integer> handleCast(Object request, Integer count) throws Exception {
			return switch ((Request) request) {
				case Increment() -> noReply(count + 1);
				case Block block -> {
					block.thread().set(Thread.currentThread());
					block.entered().countDown();
					Await.blockOn(block.release());
					yield noReply(count);
				}
				case CrashAfter(CountDownLatch release, String why) -> {
					Await.blockOn(release);
					throw new IllegalStateException(why);
				}
				default -> throw new IllegalArgumentException("not a cast: " + request);
			};
		}

	}

	private Pid start() {
		return GenServer.start(this.runtime, new Server(), null).orThrow();
	}

	/** Runs a call on another thread, completing with its reply or its exception. */
	private CompletableFuture<Object> callAsync(Pid pid, Request request, Duration timeout) {
		CompletableFuture<Object> outcome = new CompletableFuture<>();
		Thread.ofPlatform().start(() -> {
			try {
				outcome.complete(this.runtime.call(pid, request, timeout));
			}
			catch (Throwable ex) {
				outcome.complete(ex);
			}
		});
		return outcome;
	}

	private void awaitQueued(Pid pid, int messages) {
		await().until(() -> this.runtime.processInfo(pid).map(ProcessInfo::mailboxLength).orElse(-1) == messages);
	}

	// ---- plain calls

	@Test
	void callsWorkByPidAndByNameFromThreadsAndProcesses() {
		Pid pid = GenServer.start(this.runtime, new Server(), null, Name.of("server")).orThrow();
		assertThat(this.runtime.<String>call(pid, new Ping())).isEqualTo("pong");
		assertThat(this.runtime.<String>call(Name.of("server"), new Ping(), Duration.ofSeconds(1))).isEqualTo("pong");
		CompletableFuture<Object> fromProcess = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> fromProcess.complete(ctx.runtime().call(Name.of("server"), new Increment())));
		assertThat(Await.result(fromProcess)).isEqualTo(1);
		assertThat(this.runtime.<Object>call(pid, new NullReply())).isNull();
		assertThat(ProcessRuntime.DEFAULT_CALL_TIMEOUT).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void aServerCanCallAnotherServer() {
		Pid first = start();
		Pid second = start();
		assertThat(this.runtime.<String>call(first, new CallOther(second))).isEqualTo("via pong");
	}

	@Test
	void callingADeadServerFailsAtOnce() {
		Pid pid = start();
		this.runtime.stop(pid, ExitReason.NORMAL, Await.LONG);
		assertThatExceptionOfType(NoProcessException.class).isThrownBy(() -> this.runtime.call(pid, new Ping()))
			.withMessageContaining(pid.toString())
			.withMessageContaining("not alive");
	}

	@Test
	void callingAnUnknownNameFailsAtOnceNamingIt() {
		assertThatExceptionOfType(NoProcessException.class)
			.isThrownBy(() -> this.runtime.call(Name.of("nobody-home"), new Ping()))
			.withMessageContaining("nobody-home");
		// a cast to nothing does nothing, as in Elixir
		this.runtime.cast(Name.of("nobody-home"), new Ping());
	}

	@Test
	void callingAPlainProcessIsRefusedClearly() {
		Pid plain = this.runtime.spawn((ctx) -> ctx.receive());
		assertThatIllegalArgumentException().isThrownBy(() -> this.runtime.call(plain, new Ping()))
			.withMessageContaining(plain + " is not a GenServer");
	}

	@Test
	void badCallArgumentsAreRefusedClearly() {
		Pid pid = start();
		assertThatNullPointerException().isThrownBy(() -> this.runtime.call(pid, null))
			.withMessageContaining("request must not be null");
		assertThatNullPointerException().isThrownBy(() -> this.runtime.call(pid, new Ping(), null))
			.withMessageContaining("timeout must not be null");
		assertThatNullPointerException().isThrownBy(() -> this.runtime.call(null, new Ping()))
			.withMessageContaining("name must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.runtime.call(pid, new Increment(), Duration.ofSeconds(-1)))
			.withMessageContaining("timeout must not be negative");
		assertThat(this.runtime.<Integer>call(pid, new Get())).as("the refused call never ran").isZero();
		assertThat(this.runtime.<Integer>call(pid, new Increment(), Duration.ofSeconds(Long.MAX_VALUE)))
			.as("a timeout beyond nanoseconds means for ever")
			.isEqualTo(1);
	}

	@Test
	void aServerCallingItselfFailsClearly() {
		Pid pid = start();
		assertThat(this.runtime.<String>call(pid, new CallSelf())).contains("called itself");
		assertThat(this.runtime.isAlive(pid)).isTrue();
	}

	// ---- dying servers

	@Test
	void aCallWhoseHandlerCrashesFailsWithTheCrash() {
		Pid pid = start();
		assertThatExceptionOfType(ProcessExitException.class)
			.isThrownBy(() -> this.runtime.call(pid, new CrashNow("handler broke"), Await.LONG))
			.withMessageContaining("call to " + pid + " failed")
			.satisfies((ex) -> {
				assertThat(ex.pid()).isEqualTo(pid);
				assertThat(ex.reason()).isInstanceOf(ExitReason.Crash.class);
				assertThat(ex.getCause()).hasMessage("handler broke");
			});
		assertThat(this.runtime.isAlive(pid)).isFalse();
	}

	@Test
	void aCallWhoseServerStopsWithoutReplyingFailsWithTheStopReason() {
		Pid pid = start();
		assertThatExceptionOfType(ProcessExitException.class)
			.isThrownBy(() -> this.runtime.call(pid, new StopNow(ExitReason.of("retired")), Await.LONG))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ExitReason.of("retired")));
	}

	@Test
	void aQueuedCallFailsWhenTheServerCrashesOnAnEarlierMessage() {
		Pid pid = start();
		CountDownLatch release = new CountDownLatch(1);
		this.runtime.cast(pid, new CrashAfter(release, "earlier message"));
		await().until(() -> this.runtime.processInfo(pid).orElseThrow().status() == ProcessInfo.Status.RUNNING);
		CompletableFuture<Object> outcome = callAsync(pid, new Ping(), Await.LONG);
		awaitQueued(pid, 1);
		release.countDown();
		assertThat(Await.result(outcome)).isInstanceOfSatisfying(ProcessExitException.class,
				(ex) -> assertThat(ex.reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
						(crash) -> assertThat(crash.error()).hasMessage("earlier message")));
	}

	@Test
	void aQueuedCallerFailsWithKilledWhenTheServerIsKilled() {
		Pid pid = start();
		Block block = new Block();
		this.runtime.cast(pid, block);
		Await.latch(block.entered());
		CompletableFuture<Object> outcome = callAsync(pid, new Ping(), Await.LONG);
		awaitQueued(pid, 1);
		this.runtime.exit(pid, ExitReason.KILL);
		assertThat(Await.result(outcome)).isInstanceOfSatisfying(ProcessExitException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(ExitReason.KILLED));
		assertThat(this.runtime.isAlive(pid)).isFalse();
	}

	@Test
	void aCallerFailsWithKilledWhenTheServerIsKilledInItsHandlerAndKeepsItsThreadUninterrupted() throws Exception {
		Pid pid = start();
		Block block = new Block();
		Thread killer = Thread.ofPlatform().start(() -> {
			try {
				Await.blockOn(block.entered());
				this.runtime.exit(pid, ExitReason.KILL);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		assertThatExceptionOfType(ProcessExitException.class)
			.isThrownBy(() -> this.runtime.call(pid, block, Await.LONG))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ExitReason.KILLED));
		killer.join();
		assertThat(block.thread().get()).as("the handler ran on the server's thread").isNotSameAs(Thread.currentThread());
		assertThat(Thread.currentThread().isInterrupted()).as("the kill interrupts no thread of the caller")
			.isFalse();
	}

	@Test
	void aCallingProcessSurvivesTheServersKillDuringItsCall() {
		Pid pid = start();
		Block block = new Block();
		CompletableFuture<List<Object>> outcome = new CompletableFuture<>();
		Pid caller = this.runtime.spawn((ctx) -> {
			Object result;
			try {
				result = ctx.runtime().call(pid, block, Await.LONG);
			}
			catch (ProcessExitException ex) {
				result = ex.reason();
			}
			boolean interrupted = Thread.currentThread().isInterrupted();
			outcome.complete(List.of(result, block.thread().get() == Thread.currentThread(), interrupted,
					ctx.receive(Duration.ofMillis(1))));
		});
		Await.latch(block.entered());
		this.runtime.exit(pid, ExitReason.KILL);
		assertThat(Await.result(outcome)).containsExactly(ExitReason.KILLED, false, false, Optional.empty());
		await().until(() -> !this.runtime.isAlive(caller));
	}

	@Test
	void aCallerWaitingForADeferredReplyFailsWhenTheServerDies() {
		Pid pid = start();
		CompletableFuture<From> parked = new CompletableFuture<>();
		// returns noReply: the caller then waits on its From
		CompletableFuture<Object> outcome = callAsync(pid, new Park(parked), Await.LONG);
		From from = Await.result(parked);
		this.runtime.cast(pid, new CrashAfter(new CountDownLatch(0), "crash while a reply is pending"));
		assertThat(Await.result(outcome)).isInstanceOfSatisfying(ProcessExitException.class,
				(ex) -> assertThat(ex.reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
						(crash) -> assertThat(crash.error()).hasMessage("crash while a reply is pending")));
		assertThat(from.reply("after death")).isFalse();
	}

	@Test
	void aServerKilledInsideItsHandlerDoesNotReply() {
		Pid pid = start();
		assertThatExceptionOfType(ProcessExitException.class)
			.isThrownBy(() -> this.runtime.call(pid, new KillSelf(), Await.LONG))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ExitReason.KILLED));
		assertThat(this.runtime.isAlive(pid)).isFalse();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void callsRacingWithAKillEitherGetTheirReplyOrFailWithKilled() throws Exception {
		for (int round = 0; round < 30; round++) {
			Pid pid = start();
			int callers = 4;
			CountDownLatch warmedUp = new CountDownLatch(callers);
			List<CompletableFuture<String>> outcomes = new ArrayList<>();
			for (int c = 0; c < callers; c++) {
				CompletableFuture<String> outcome = new CompletableFuture<>();
				outcomes.add(outcome);
				java.util.function.Supplier<String> loop = () -> {
					int replies = 0;
					String result;
					try {
						while (true) {
							Object reply = this.runtime.call(pid, new Spin(200), Await.LONG);
							if (!"spun".equals(reply)) {
								return "wrong reply " + reply;
							}
							if (++replies == 5) {
								warmedUp.countDown();
							}
						}
					}
					catch (ProcessExitException ex) {
						result = ex.reason().equals(ExitReason.KILLED) ? "killed" : "reason " + ex.reason();
					}
					catch (NoProcessException ex) {
						result = "killed";
					}
					catch (Throwable ex) {
						result = "unexpected " + ex;
					}
					if (replies < 5) {
						warmedUp.countDown();
					}
					return Thread.currentThread().isInterrupted() ? "interrupt leaked" : result;
				};
				if (c % 2 == 0) {
					Thread.ofPlatform().start(() -> outcome.complete(loop.get()));
				}
				else {
					this.runtime.spawn((ctx) -> {
						String result = loop.get();
						// the caller process itself is unharmed: it can still wait in receive
						outcome.complete(ctx.receive(Duration.ofMillis(1)).isPresent() ? "stray message" : result);
					});
				}
			}
			Await.latch(warmedUp);
			this.runtime.exit(pid, ExitReason.KILL);
			for (CompletableFuture<String> outcome : outcomes) {
				assertThat(Await.result(outcome)).as("round %d", round).isEqualTo("killed");
			}
		}
	}

	@Test
	void callsMadeAsTheServerIsKilledEndWithTheKillAndNeverWaitForTheirTimeout() throws Exception {
		// a call costs no lock on the server: the kill must still find every call in flight, queued,
		// being handled or just being delivered, so no caller waits out its 20 s for a dead server
		for (int round = 0; round < 200; round++) {
			Pid pid = start();
			CountDownLatch calling = new CountDownLatch(2);
			List<CompletableFuture<String>> outcomes = new ArrayList<>();
			for (int c = 0; c < 2; c++) {
				CompletableFuture<String> outcome = new CompletableFuture<>();
				outcomes.add(outcome);
				Runnable loop = () -> {
					calling.countDown();
					try {
						while (true) {
							Object reply = this.runtime.call(pid, new Ping(), Await.LONG);
							if (!"pong".equals(reply)) {
								outcome.complete("wrong reply " + reply);
								return;
							}
						}
					}
					catch (ProcessExitException ex) {
						outcome.complete(ex.reason().equals(ExitReason.KILLED) ? "killed" : "reason " + ex.reason());
					}
					catch (NoProcessException ex) {
						outcome.complete("killed");
					}
					catch (Throwable ex) {
						outcome.complete("unexpected " + ex);
					}
				};
				if (c == 0) {
					Thread.ofPlatform().start(loop);
				}
				else {
					this.runtime.spawn((ctx) -> loop.run());
				}
			}
			Await.latch(calling);
			this.runtime.exit(pid, ExitReason.KILL);
			for (CompletableFuture<String> outcome : outcomes) {
				assertThat(Await.result(outcome)).as("round %d", round).isEqualTo("killed");
			}
		}
	}

	@Test
	void answeredDeferredAndTimedOutCallsLeaveNoHookOnTheServer() {
		Pid pid = start();
		LocalProcess server = this.runtime.local(pid);
		for (int i = 0; i < 200; i++) {
			assertThat((Object) this.runtime.call(pid, new Ping(), Await.LONG)).isEqualTo("pong");
			CompletableFuture<From> parked = new CompletableFuture<>();
			CompletableFuture<Object> deferred = callAsync(pid, new Park(parked), Await.LONG);
			assertThat(Await.result(parked).reply("later")).isTrue();
			assertThat(Await.result(deferred)).isEqualTo("later");
		}
		CompletableFuture<From> parked = new CompletableFuture<>();
		CompletableFuture<Object> expired = callAsync(pid, new Park(parked), Duration.ofMillis(20));
		assertThat(Await.result(expired)).isInstanceOf(CallTimeoutException.class);
		assertThat(Await.result(parked).reply("too late")).isFalse();

		assertThat(server.hooks()).as("hooks of a server after 401 calls").noneMatch(Call.class::isInstance);
	}

	// ---- slow servers and timeouts

	@Test
	void aSlowCallTimesOutAndTheLateReplyNeverReachesTheCaller() {
		Pid pid = start();
		CompletableFuture<From> parked = new CompletableFuture<>();
		CountDownLatch lateReplySent = new CountDownLatch(1);
		CompletableFuture<List<Object>> outcome = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			Object result;
			try {
				result = ctx.runtime().call(pid, new Park(parked), Duration.ofMillis(50));
			}
			catch (CallTimeoutException ex) {
				result = ex;
			}
			Await.blockOn(lateReplySent);
			outcome.complete(List.of(result, ctx.receive(Duration.ZERO)));
		});
		From from = Await.result(parked);
		// the caller settles the call itself when it gives up
		await().until(((Call) from)::settled);
		assertThat(from.reply("too late")).as("a late reply is dropped").isFalse();
		lateReplySent.countDown();
		List<Object> result = Await.result(outcome);
		assertThat(result.get(0)).isInstanceOf(CallTimeoutException.class);
		assertThat((Throwable) result.get(0)).hasMessageContaining("call to " + pid + " timed out after 50 ms");
		assertThat(result.get(1)).as("nothing stray in the caller's mailbox").isEqualTo(Optional.empty());
		assertThat(this.runtime.<String>call(pid, new Ping())).as("the server serves on").isEqualTo("pong");
	}

	@Test
	void aQueuedCallTimesOutAndTheServersLaterReplyIsDropped() {
		Pid pid = start();
		Block block = new Block();
		this.runtime.cast(pid, block);
		Await.latch(block.entered());
		CountDownLatch timedOut = new CountDownLatch(1);
		CountDownLatch replied = new CountDownLatch(1);
		CompletableFuture<List<Object>> outcome = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			Object result;
			try {
				result = ctx.runtime().call(pid, new Increment(), Duration.ofMillis(30));
			}
			catch (CallTimeoutException ex) {
				result = ex;
			}
			timedOut.countDown();
			Await.blockOn(replied);
			outcome.complete(List.of(result, ctx.receive(Duration.ZERO)));
		});
		// the request stays queued behind the blocked cast until the caller gives up
		Await.latch(timedOut);
		block.release().countDown();
		// the server handles the stale request (its state shows it) and its reply is dropped
		await().until(() -> this.runtime.<Integer>call(pid, new Get()) == 1);
		replied.countDown();
		List<Object> result = Await.result(outcome);
		assertThat(result.get(0)).isInstanceOf(CallTimeoutException.class);
		assertThat(result.get(1)).isEqualTo(Optional.empty());
	}

	// ---- concurrency

	@Test
	void manyCallersAndCastersKeepTheServersStateExact() throws Exception {
		Pid pid = start();
		int perWorker = 2_500;
		int callingThreads = 4;
		int callingProcesses = 4;
		int castingThreads = 2;
		int castingProcesses = 2;
		Set<Integer> replies = ConcurrentHashMap.newKeySet();
		CountDownLatch start = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(callingThreads + callingProcesses + castingThreads + castingProcesses);
		List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
		Runnable caller = () -> {
			try {
				Await.blockOn(start);
				for (int i = 0; i < perWorker; i++) {
					replies.add(this.runtime.<Integer>call(pid, new Increment(), Await.LONG));
				}
			}
			catch (Throwable ex) {
				errors.add(ex);
			}
			finally {
				done.countDown();
			}
		};
		Runnable caster = () -> {
			try {
				Await.blockOn(start);
				for (int i = 0; i < perWorker; i++) {
					this.runtime.cast(pid, new Increment());
				}
			}
			catch (Throwable ex) {
				errors.add(ex);
			}
			finally {
				done.countDown();
			}
		};
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < callingThreads; i++) {
			threads.add(Thread.ofPlatform().start(caller));
		}
		for (int i = 0; i < castingThreads; i++) {
			threads.add(Thread.ofPlatform().start(caster));
		}
		for (int i = 0; i < callingProcesses; i++) {
			this.runtime.spawn((ctx) -> caller.run());
		}
		for (int i = 0; i < castingProcesses; i++) {
			this.runtime.spawn((ctx) -> caster.run());
		}
		start.countDown();
		Await.latch(done);
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(errors).isEmpty();
		int calls = (callingThreads + callingProcesses) * perWorker;
		int total = calls + (castingThreads + castingProcesses) * perWorker;
		assertThat(replies).as("every call saw a distinct count").hasSize(calls);
		// every cast was sent before this call: they are all ahead of it
		assertThat(this.runtime.<Integer>call(pid, new Get())).isEqualTo(total);
		assertThat(this.runtime.isAlive(pid)).isTrue();
	}

}
