package dev.procreg.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

@ExtendWith(RuntimeExtension.class)
class GenServerTests {

	private final ProcessRuntime runtime;

	GenServerTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	// ---- a counter, Java 21 style

	sealed interface CounterRequest permits Increment, Get, Add, Seen, StopWith, Defer {
	}

	record Increment(int by) implements CounterRequest {
	}

	record Get() implements CounterRequest {
	}

	record Add(int by) implements CounterRequest {
	}

	record Seen() implements CounterRequest {
	}

	record StopWith(ExitReason reason) implements CounterRequest {
	}

	record Defer(Pid helper) implements CounterRequest {
	}

	record ReplyFor(From from, Object value) {
	}

	record State(int count, List<Object> infos) {

		State with(int newCount) {
			return new State(newCount, this.infos);
		}

	}

	static class Counter extends GenServer<State> {

		static final AtomicInteger inits = new AtomicInteger();

		final CompletableFuture<ExitReason> terminated = new CompletableFuture<>();

		@Override
		protected Init<State> init(@Nullable Object arg) {
			inits.incrementAndGet();
			return ok(new State((arg != null) ? (Integer) arg : 0, new ArrayList<>()));
		}

		@Override
		protected Result<State> handleCall(Object request, From from, State state) {
			return switch ((CounterRequest) request) {
				case Increment(int by) -> reply(state.count() + by, state.with(state.count() + by));
				case Get() -> reply(state.count(), state);
				case Seen() -> reply(List.copyOf(state.infos()), state);
				case StopWith(ExitReason reason) -> stop(reason, "stopping", state);
				case Defer(Pid helper) -> {
					runtime().send(helper, new ReplyFor(from, "deferred " + state.count()));
					yield noReply(state);
				}
				case Add a -> throw new IllegalArgumentException("Add is a cast");
			};
		}

		@Override
		protected Result<State> handleCast(Object request, State state) {
			return switch ((CounterRequest) request) {
				case Add(int by) -> noReply(state.with(state.count() + by));
				case StopWith(ExitReason reason) -> stop(reason, state);
				default -> throw new IllegalArgumentException("not a cast: " + request);
			};
		}

		@Override
		protected Result<State> handleInfo(Object message, State state) {
			state.infos().add(message);
			return noReply(state);
		}

		@Override
		protected void terminate(ExitReason reason, State state) {
			this.terminated.complete(reason);
		}

	}

	private Pid startCounter() {
		return GenServer.start(this.runtime, new Counter(), null).orThrow();
	}

	@Test
	void startRunsInitWithTheArgumentAndServesCallsCastsAndInfos() {
		StartResult result = GenServer.start(this.runtime, new Counter(), 40);
		assertThat(result).isInstanceOf(StartResult.Started.class);
		Pid pid = result.orThrow();
		assertThat(this.runtime.isAlive(pid)).isTrue();
		assertThat(this.runtime.<Integer>call(pid, new Increment(1))).isEqualTo(41);
		this.runtime.cast(pid, new Add(1));
		assertThat(this.runtime.<Integer>call(pid, new Get())).as("a cast before a call from the same sender")
			.isEqualTo(42);
		this.runtime.send(pid, "plain message");
		await().until(() -> this.runtime.<List<?>>call(pid, new Seen()).contains("plain message"));
		ProcessInfo info = this.runtime.processInfo(pid).orElseThrow();
		assertThat(info.serverClass()).isEqualTo(Counter.class.getName());
		assertThat(info.parent()).isNull();
		await().until(() -> this.runtime.processInfo(pid).orElseThrow().status() == ProcessInfo.Status.WAITING);
	}

	@Test
	void anIdleServerHoldsNoThreadAndStillWakesForMessages() {
		Pid pid = startCounter();
		for (int i = 0; i < 100; i++) {
			this.runtime.cast(pid, new Add(1));
		}
		await().until(() -> this.runtime.<Integer>call(pid, new Get()) == 100);
		await().until(() -> this.runtime.processInfo(pid).orElseThrow().status() == ProcessInfo.Status.WAITING);
	}

	@Test
	void startUnderANameRegistersBeforeInit() {
		CompletableFuture<Pid> seenInInit = new CompletableFuture<>();
		GenServer<Object> server = new GenServer<>() {
			@Override
			protected Init<Object> init(@Nullable Object arg) {
				seenInInit.complete(runtime().whereis("named-server").orElse(null));
				return ok("state");
			}
		};
		Pid pid = GenServer.start(this.runtime, server, null, Name.of("named-server")).orThrow();
		assertThat(Await.result(seenInInit)).isEqualTo(pid);
		assertThat(this.runtime.whereis("named-server")).contains(pid);
		assertThat(this.runtime.processInfo(pid).orElseThrow().registeredNames()).containsExactly("named-server");
	}

	@Test
	void startingUnderATakenNameReturnsAlreadyStartedAndTheLoserNeverRunsInit() {
		Pid first = GenServer.start(this.runtime, new Counter(), null, Name.of("counter")).orThrow();
		int initsBefore = Counter.inits.get();
		StartResult second = GenServer.start(this.runtime, new Counter(), null, Name.of("counter"));
		assertThat(second).isEqualTo(new StartResult.AlreadyStarted(first));
		assertThat(second.orThrow()).isEqualTo(first);
		assertThat(Counter.inits.get()).isEqualTo(initsBefore);
		assertThat(this.runtime.whereis("counter")).contains(first);
		await().until(() -> this.runtime.processCount() == 1);
	}

	@Test
	void concurrentStartsUnderOneNameStartExactlyOneServer() throws Exception {
		int starters = 16;
		AtomicInteger inits = new AtomicInteger();
		CyclicBarrier barrier = new CyclicBarrier(starters);
		List<CompletableFuture<StartResult>> results = new ArrayList<>();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < starters; i++) {
			CompletableFuture<StartResult> result = new CompletableFuture<>();
			results.add(result);
			threads.add(Thread.ofVirtual().start(() -> {
				try {
					barrier.await();
					result.complete(GenServer.start(this.runtime, new GenServer<Integer>() {
						@Override
						protected Init<Integer> init(@Nullable Object arg) {
							inits.incrementAndGet();
							return ok(0);
						}
					}, null, Name.of("only-one")));
				}
				catch (Exception ex) {
					result.completeExceptionally(ex);
				}
			}));
		}
		for (Thread thread : threads) {
			thread.join();
		}
		List<StartResult> outcomes = results.stream().map(Await::result).toList();
		List<Pid> started = outcomes.stream()
			.filter((r) -> r instanceof StartResult.Started)
			.map(StartResult::orThrow)
			.toList();
		assertThat(started).hasSize(1);
		assertThat(outcomes).allSatisfy((r) -> assertThat(r.orThrow()).isEqualTo(started.get(0)));
		assertThat(inits).hasValue(1);
		await().until(() -> this.runtime.processCount() == 1);
	}

	@Test
	void anInitThatThrowsFailsTheStartAndReleasesTheName() {
		IllegalStateException boom = new IllegalStateException("no config");
		StartResult result = GenServer.start(this.runtime, new GenServer<Object>() {
			@Override
			protected Init<Object> init(@Nullable Object arg) {
				throw boom;
			}
		}, null, Name.of("broken"));
		assertThat(result).isInstanceOfSatisfying(StartResult.Failed.class,
				(failed) -> assertThat(failed.reason()).isEqualTo(ExitReason.crash(boom)));
		assertThatIllegalStateException().isThrownBy(result::orThrow)
			.withMessageContaining("start failed")
			.withCause(boom);
		assertThat(this.runtime.whereis("broken")).isEmpty();
		await().until(() -> this.runtime.processCount() == 0);
	}

	@Test
	void anInitThatStopsFailsTheStartWithItsReason() {
		StartResult result = GenServer.start(this.runtime, new GenServer<Object>() {
			@Override
			protected Init<Object> init(@Nullable Object arg) {
				return Init.stop(ExitReason.of("missing-key"));
			}
		}, null);
		assertThat(result).isEqualTo(new StartResult.Failed(ExitReason.of("missing-key")));
		await().until(() -> this.runtime.processCount() == 0);
	}

	@Test
	void anInitThatIgnoresStartsNothing() {
		StartResult result = GenServer.start(this.runtime, new GenServer<Object>() {
			@Override
			protected Init<Object> init(@Nullable Object arg) {
				return ignore();
			}
		}, null, Name.of("ignored"));
		assertThat(result).isEqualTo(new StartResult.Ignored());
		assertThatIllegalStateException().isThrownBy(result::orThrow).withMessageContaining("ignored");
		assertThat(this.runtime.whereis("ignored")).isEmpty();
		await().until(() -> this.runtime.processCount() == 0);
	}

	@Test
	void anInitThatReturnsNullFailsClearly() {
		StartResult result = GenServer.start(this.runtime, new GenServer<Object>() {
			@Override
			protected Init<Object> init(@Nullable Object arg) {
				return null;
			}
		}, null);
		assertThat(result).isInstanceOfSatisfying(StartResult.Failed.class,
				(failed) -> assertThat(failed.reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
						(crash) -> assertThat(crash.error()).hasMessageContaining("init returned null")));
	}

	@Test
	void aServerInstanceCannotServeTwice() {
		Counter counter = new Counter();
		GenServer.start(this.runtime, counter, null).orThrow();
		assertThatIllegalStateException().isThrownBy(() -> GenServer.start(this.runtime, counter, null))
			.withMessageContaining("start each server with a new instance");
	}

	@Test
	void startLinkLinksTheServerToItsParent() {
		CompletableFuture<Pid> server = new CompletableFuture<>();
		Pid parent = this.runtime.spawn((ctx) -> {
			server.complete(GenServer.startLink(ctx.runtime(), new Counter(), null).orThrow());
			if (ctx.receive() instanceof String why) {
				throw new IllegalStateException(why);
			}
		});
		Pid pid = Await.result(server);
		ProcessInfo info = this.runtime.processInfo(pid).orElseThrow();
		assertThat(info.parent()).isEqualTo(parent);
		assertThat(info.links()).containsExactly(parent);
		this.runtime.send(parent, "parent crashes");
		await().until(() -> !this.runtime.isAlive(pid));
	}

	@Test
	void startLinkNeedsACallingProcess() {
		assertThatIllegalStateException().isThrownBy(() -> GenServer.startLink(this.runtime, new Counter(), null))
			.withMessageContaining("startLink must be called from a process");
		assertThat(this.runtime.processCount()).isZero();
	}

	@Test
	void aReplyCanBeDeferredAndSentByAnotherProcess() {
		Pid helper = this.runtime.spawn((ctx) -> {
			if (ctx.receive() instanceof ReplyFor(From from, Object value)) {
				from.reply(value);
			}
		});
		Pid pid = GenServer.start(this.runtime, new Counter(), 7).orThrow();
		assertThat(this.runtime.<String>call(pid, new Defer(helper))).isEqualTo("deferred 7");
		// the server kept serving while the reply was pending
		assertThat(this.runtime.<Integer>call(pid, new Get())).isEqualTo(7);
	}

	@Test
	void anIdleTimeoutDeliversTimeout() {
		CompletableFuture<Object> timedOut = new CompletableFuture<>();
		GenServer<String> server = new GenServer<>() {
			@Override
			protected Init<String> init(@Nullable Object arg) {
				return ok("idle", Duration.ofMillis(20));
			}

			@Override
			protected Result<String> handleInfo(Object message, String state) {
				timedOut.complete(message);
				return noReply(state);
			}
		};
		GenServer.start(this.runtime, server, null).orThrow();
		assertThat(Await.result(timedOut)).isEqualTo(GenServer.Timeout.TIMEOUT);
	}

	@Test
	void anIdleTimeoutFromACallbackIsCancelledByTheNextMessage() {
		List<Object> infos = new java.util.concurrent.CopyOnWriteArrayList<>();
		GenServer<Integer> server = new GenServer<>() {
			@Override
			protected Init<Integer> init(@Nullable Object arg) {
				return ok(0);
			}

			@Override
			protected Result<Integer> handleCall(Object request, From from, Integer state) {
				// the first call arms a long timeout; the second replaces it with a short one
				return (state == 0) ? reply("armed", 1, Duration.ofHours(1)) : reply("rearmed", 2, Duration.ofMillis(10));
			}

			@Override
			protected Result<Integer> handleInfo(Object message, Integer state) {
				infos.add(message + "@" + state);
				return noReply(state);
			}
		};
		Pid pid = GenServer.start(this.runtime, server, null).orThrow();
		assertThat(this.runtime.<String>call(pid, "first")).isEqualTo("armed");
		assertThat(this.runtime.<String>call(pid, "second")).isEqualTo("rearmed");
		await().until(() -> !infos.isEmpty());
		assertThat(infos).containsExactly("TIMEOUT@2");
	}

	@Test
	void stopRunsTerminateWithTheReasonAndWaits() {
		Counter counter = new Counter();
		Pid pid = GenServer.start(this.runtime, counter, null, Name.of("to-stop")).orThrow();
		this.runtime.stop(Name.of("to-stop"), ExitReason.of("maintenance"), Await.LONG);
		assertThat(this.runtime.isAlive(pid)).isFalse();
		assertThat(counter.terminated).isCompletedWithValue(ExitReason.of("maintenance"));
		assertThat(this.runtime.whereis("to-stop")).isEmpty();
		assertThatExceptionOfType(NoProcessException.class)
			.isThrownBy(() -> this.runtime.stop(pid, ExitReason.NORMAL, Await.LONG))
			.withMessageContaining(pid.toString());
	}

	@Test
	void aCallbackCanStopTheServerAfterReplying() {
		Counter counter = new Counter();
		Pid pid = GenServer.start(this.runtime, counter, null).orThrow();
		assertThat(this.runtime.<String>call(pid, new StopWith(ExitReason.NORMAL))).isEqualTo("stopping");
		assertThat(Await.result(counter.terminated)).isEqualTo(ExitReason.NORMAL);
		await().until(() -> !this.runtime.isAlive(pid));
	}

	@Test
	void handleCastReturningAReplyCrashesTheServerWithAClearMessage() {
		CompletableFuture<ExitReason> reason = new CompletableFuture<>();
		GenServer<Integer> server = new GenServer<>() {
			@Override
			protected Init<Integer> init(@Nullable Object arg) {
				return ok(0);
			}

			@Override
			protected Result<Integer> handleCast(Object request, Integer state) {
				return reply("oops", state);
			}

			@Override
			protected void terminate(ExitReason why, Integer state) {
				reason.complete(why);
			}
		};
		Pid pid = GenServer.start(this.runtime, server, null).orThrow();
		this.runtime.cast(pid, "anything");
		assertThat(Await.result(reason)).isInstanceOfSatisfying(ExitReason.Crash.class,
				(crash) -> assertThat(crash.error()).isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("handleCast returned a reply, but only handleCall can reply"));
		await().until(() -> !this.runtime.isAlive(pid));
	}

	@Test
	void aCallbackThatThrowsCrashesTheServerRunsTerminateAndIsLoggedOnce() {
		Logger logger = (Logger) LoggerFactory.getLogger(LocalProcess.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			Counter counter = new Counter();
			Pid pid = GenServer.start(this.runtime, counter, null, Name.of("fragile")).orThrow();
			this.runtime.cast(pid, new Get());
			ExitReason reason = Await.result(counter.terminated);
			assertThat(reason).isInstanceOfSatisfying(ExitReason.Crash.class,
					(crash) -> assertThat(crash.error()).hasMessageContaining("not a cast"));
			await().until(() -> !this.runtime.isAlive(pid));
			List<ILoggingEvent> crashes = appender.list.stream()
				.filter((e) -> e.getLevel() == Level.ERROR && e.getFormattedMessage().contains(pid.toString()))
				.toList();
			assertThat(crashes).hasSize(1);
			assertThat(crashes.get(0).getFormattedMessage()).contains("fragile").contains(Counter.class.getName());
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void aCallbackReturningNullCrashesWithAClearMessage() {
		CompletableFuture<ExitReason> reason = new CompletableFuture<>();
		GenServer<Integer> server = new GenServer<>() {
			@Override
			protected Init<Integer> init(@Nullable Object arg) {
				return ok(0);
			}

			@Override
			protected Result<Integer> handleInfo(Object message, Integer state) {
				return null;
			}

			@Override
			protected void terminate(ExitReason why, Integer state) {
				reason.complete(why);
			}
		};
		Pid pid = GenServer.start(this.runtime, server, null).orThrow();
		this.runtime.send(pid, "hello");
		assertThat(Await.result(reason)).isInstanceOfSatisfying(ExitReason.Crash.class,
				(crash) -> assertThat(crash.error()).hasMessageContaining("handleInfo returned null"));
	}

	@Test
	void aServerReceivesThroughCallbacksSoItsContextOffersNoReceive() throws Exception {
		Class<?> serverContext = GenServer.class.getDeclaredMethod("context").getReturnType();
		assertThat(serverContext.getMethods()).extracting(java.lang.reflect.Method::getName)
			.as("a GenServer's context").doesNotContain("receive").contains("monitor", "link", "trapExits");
		Class<?> bodyContext = ProcessBody.class.getMethod("run", ReceivingContext.class).getParameterTypes()[0];
		assertThat(bodyContext.getMethods()).extracting(java.lang.reflect.Method::getName)
			.as("a spawned body's context").contains("receive");
		assertThat(serverContext).isAssignableFrom(bodyContext);
	}

	@Test
	void aServerThatHandlesNoCallsCrashesTheCallerClearly() {
		GenServer<Integer> server = new GenServer<>() {
			@Override
			protected Init<Integer> init(@Nullable Object arg) {
				return ok(0);
			}
		};
		Pid pid = GenServer.start(this.runtime, server, null).orThrow();
		assertThatExceptionOfType(ProcessExitException.class).isThrownBy(() -> this.runtime.call(pid, "hi"))
			.satisfies((ex) -> assertThat(ex.reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
					(crash) -> assertThat(crash.error()).hasMessageContaining("does not handle calls")));
	}

	@Test
	void aServerCanMonitorAndTrapExits() {
		record Watch(Pid pid) {
		}
		AtomicReference<MonitorRef> ref = new AtomicReference<>();
		List<Object> infos = new java.util.concurrent.CopyOnWriteArrayList<>();
		GenServer<Integer> server = new GenServer<>() {
			@Override
			protected Init<Integer> init(@Nullable Object arg) {
				context().trapExits(true);
				return ok(0);
			}

			@Override
			protected Result<Integer> handleCall(Object request, From from, Integer state) {
				if (request instanceof Watch(Pid pid)) {
					ref.set(context().monitor(pid));
					context().link(pid);
				}
				return reply("ok", state);
			}

			@Override
			protected Result<Integer> handleInfo(Object message, Integer state) {
				infos.add(message);
				return noReply(state);
			}
		};
		Pid pid = GenServer.start(this.runtime, server, null).orThrow();
		Pid worker = this.runtime.spawn((ctx) -> ctx.receive());
		this.runtime.call(pid, new Watch(worker));
		this.runtime.exit(worker, ExitReason.of("worker-done"));
		await().until(() -> infos.size() == 2);
		assertThat(infos).containsExactlyInAnyOrder(new Down(ref.get(), worker, ExitReason.of("worker-done")),
				new Exit(worker, ExitReason.of("worker-done")));
		assertThat(this.runtime.isAlive(pid)).isTrue();
		assertThat(this.runtime.processInfo(pid).orElseThrow().trapExits()).isTrue();
	}

	@Test
	void aShutdownSignalLetsTheServerRunTerminate() {
		Counter counter = new Counter();
		Pid pid = startCounterWith(counter);
		this.runtime.exit(pid, ExitReason.SHUTDOWN);
		assertThat(Await.result(counter.terminated)).isEqualTo(ExitReason.SHUTDOWN);
		await().until(() -> !this.runtime.isAlive(pid));
	}

	@Test
	void aTrappingServerStopsWithTerminateWhenItsParentExits() {
		CompletableFuture<ExitReason> terminated = new CompletableFuture<>();
		List<Object> infos = new java.util.concurrent.CopyOnWriteArrayList<>();
		CompletableFuture<Pid> server = new CompletableFuture<>();
		CountDownLatch parentGo = new CountDownLatch(1);
		Pid parent = this.runtime.spawn((ctx) -> {
			server.complete(GenServer.startLink(ctx.runtime(), new GenServer<Integer>() {
				@Override
				protected Init<Integer> init(@Nullable Object arg) {
					context().trapExits(true);
					return ok(0);
				}

				@Override
				protected Result<Integer> handleInfo(Object message, Integer state) {
					infos.add(message);
					return noReply(state);
				}

				@Override
				protected void terminate(ExitReason reason, Integer state) {
					terminated.complete(reason);
				}
			}, null).orThrow());
			Await.blockOn(parentGo);
			throw new IllegalStateException("parent fails");
		});
		Pid pid = Await.result(server);
		// an exit signal from another process arrives as a message
		this.runtime.spawn((ctx) -> ctx.runtime().exit(pid, ExitReason.of("not-from-parent")));
		await().until(() -> infos.size() == 1);
		assertThat(infos.get(0)).isInstanceOfSatisfying(Exit.class,
				(exit) -> assertThat(exit.reason()).isEqualTo(ExitReason.of("not-from-parent")));
		parentGo.countDown();
		assertThat(Await.result(terminated)).isInstanceOfSatisfying(ExitReason.Crash.class,
				(crash) -> assertThat(crash.error()).hasMessage("parent fails"));
		await().until(() -> !this.runtime.isAlive(pid) && !this.runtime.isAlive(parent));
	}

	@Test
	void aServerThatDoesNotTrapDiesWithALinkedCrashWithoutTerminate() {
		Counter counter = new Counter();
		CompletableFuture<Pid> server = new CompletableFuture<>();
		CountDownLatch go = new CountDownLatch(1);
		this.runtime.spawn((ctx) -> {
			server.complete(GenServer.startLink(ctx.runtime(), counter, null).orThrow());
			Await.blockOn(go);
			throw new IllegalStateException("linked crash");
		});
		Pid pid = Await.result(server);
		go.countDown();
		await().until(() -> !this.runtime.isAlive(pid));
		assertThat(((LocalProcess) pid.process).exitReason()).isInstanceOf(ExitReason.Crash.class);
		assertThat(counter.terminated).isNotDone();
	}

	@Test
	void stopTimesOutOnAStuckServerWhichKeepsRunning() {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Counter counter = new Counter() {
			@Override
			protected Result<State> handleInfo(Object message, State state) {
				entered.countDown();
				try {
					Await.blockOn(release);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return noReply(state);
			}
		};
		Pid pid = startCounterWith(counter);
		this.runtime.send(pid, "block");
		Await.latch(entered);
		assertThatExceptionOfType(CallTimeoutException.class)
			.isThrownBy(() -> this.runtime.stop(pid, ExitReason.NORMAL, Duration.ofMillis(30)))
			.withMessageContaining("timed out");
		assertThat(this.runtime.isAlive(pid)).isTrue();
		ProcessInfo info = this.runtime.processInfo(pid).orElseThrow();
		assertThat(info.status()).isEqualTo(ProcessInfo.Status.RUNNING);
		assertThat(info.mailboxLength()).as("the stop request waits its turn").isEqualTo(1);
		release.countDown();
		assertThat(Await.result(counter.terminated)).isEqualTo(ExitReason.NORMAL);
	}

	private Pid startCounterWith(Counter counter) {
		return GenServer.start(this.runtime, counter, null).orThrow();
	}

	@Test
	void aGenServerIsNotStartedBeforeStart() {
		Counter counter = new Counter();
		assertThatIllegalStateException().isThrownBy(counter::self).withMessageContaining("is not started");
	}

}
