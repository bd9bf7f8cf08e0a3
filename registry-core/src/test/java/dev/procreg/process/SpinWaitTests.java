package dev.procreg.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How waiting threads spin before they park ({@link SpinWait}): a platform caller's spin turns
 * short when it keeps missing and comes back when a probe catches its reply; whatever the spin
 * (or the yield of a process whose send woke another), no message or reply is ever stranded,
 * reordered or late.
 */
@ExtendWith(RuntimeExtension.class)
class SpinWaitTests {

	private final ProcessRuntime runtime;

	SpinWaitTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	static final class Echo extends GenServer<Integer> {

		/** The thread that ran the last callback. */
		volatile @Nullable Thread lastThread;

		@Override
		protected Init<Integer> init(@Nullable Object arg) {
			this.lastThread = Thread.currentThread();
			return ok(0);
		}

		@Override
		protected Result<Integer> handleCall(Object request, From from, Integer count) {
			this.lastThread = Thread.currentThread();
			return "count".equals(request) ? reply(count, count) : reply(request, count + 1);
		}

		@Override
		protected Result<Integer> handleCast(Object request, Integer count) {
			this.lastThread = Thread.currentThread();
			return noReply(count + 1);
		}

	}

	private ServerProcess server() {
		Pid pid = GenServer.start(this.runtime, new Echo(), null).orThrow();
		return (ServerProcess) this.runtime.local(pid);
	}

	@Test
	void aPlatformCallersSpinTurnsShortAfterFourMissesAndAProbeEvery32CallsBringsItBack() {
		ServerProcess server = server();
		List<Long> spins = new ArrayList<>();
		for (int call = 0; call < 4; call++) {
			spins.add(server.platformSpin());
			server.spun(true);
		}
		assertThat(spins).as("long while spins may still catch replies").containsOnly(SpinWait.PLATFORM_NANOS);
		spins.clear();
		for (int call = 0; call < 32; call++) {
			spins.add(server.platformSpin());
			server.spun(true);
		}
		assertThat(spins).as("short after four misses in a row").containsOnly(SpinWait.VIRTUAL_NANOS);
		assertThat(server.platformSpin()).as("the probe").isEqualTo(SpinWait.PLATFORM_NANOS);
		server.spun(true);
		assertThat(server.platformSpin()).as("a missed probe goes back to short").isEqualTo(SpinWait.VIRTUAL_NANOS);
		for (int call = 0; call < 32; call++) {
			server.platformSpin();
		}
		assertThat(server.platformSpin()).as("the next probe").isEqualTo(SpinWait.PLATFORM_NANOS);
		server.spun(false);
		assertThat(server.platformSpin()).as("a probe that caught its reply makes spins long again")
			.isEqualTo(SpinWait.PLATFORM_NANOS);
	}

	/**
	 * A server's thread lingers longer for a client that keeps calling: a call that came within
	 * four lingers of the thread's release doubles the linger, up to the cap; a send or cast never
	 * does; any message after more than the longest linger halves it, down to the short spin; one
	 * in between keeps it.
	 */
	@Test
	void aServersLingerDoublesWhenACallCameSoonAfterItsThreadLetGoAndHalvesAfterALongPause() {
		long linger = SpinWait.VIRTUAL_NANOS;
		List<Long> lingers = new ArrayList<>();
		for (int release = 0; release < 6; release++) {
			linger = SpinWait.nextLinger(linger, linger, true); // the next call came one linger after the release
			lingers.add(linger);
		}
		List<Long> doubled = new ArrayList<>();
		for (int release = 1; release <= 6; release++) {
			doubled.add(Math.min(SpinWait.LINGER_MAX_NANOS, SpinWait.VIRTUAL_NANOS << release));
		}
		assertThat(lingers).as("doubling up to the cap").containsExactlyElementsOf(doubled);
		assertThat(lingers.get(5)).as("the cap").isEqualTo(SpinWait.LINGER_MAX_NANOS);
		assertThat(SpinWait.nextLinger(SpinWait.VIRTUAL_NANOS, 0, false)).as("a cast or send that came at once")
			.isEqualTo(SpinWait.VIRTUAL_NANOS);
		assertThat(SpinWait.nextLinger(SpinWait.LINGER_MAX_NANOS, 4 * SpinWait.LINGER_MAX_NANOS, true))
			.as("a pause longer than the longest linger halves it").isEqualTo(SpinWait.LINGER_MAX_NANOS / 2);
		assertThat(SpinWait.nextLinger(16_000, 4 * SpinWait.LINGER_MAX_NANOS, false)).as("before a cast too")
			.isEqualTo(8_000);
		assertThat(SpinWait.nextLinger(SpinWait.VIRTUAL_NANOS, Duration.ofSeconds(1).toNanos(), true))
			.as("never below the short spin").isEqualTo(SpinWait.VIRTUAL_NANOS);
		assertThat(SpinWait.nextLinger(4_000, 20_000, true)).as("a gap between four lingers and the cap keeps it")
			.isEqualTo(4_000);
		assertThat(SpinWait.nextLinger(8_000, -1, true)).as("a clock that went backwards halves it").isEqualTo(4_000);
	}

	@Test
	void aServerFollowsTheRuleByTheTimeFromItsThreadsReleaseToTheMessageThatStartsItAgain() throws InterruptedException {
		AtomicLong clock = new AtomicLong(1_000_000_000L);
		try (ProcessRuntime runtime = ProcessRuntime.start(ProcessRuntime.Options.defaults(), clock::get)) {
			Echo echo = new Echo();
			Pid pid = GenServer.start(runtime, echo, null).orThrow();
			ServerProcess server = (ServerProcess) runtime.local(pid);
			List<Long> lingers = new ArrayList<>();
			lingers.add(server.lingerNanos());
			// each message comes once the thread has let go, at a time the test sets on the clock
			// the runtime's servers read; the server stamps its release by that clock too
			long[] gaps = { 1_000, 1_000, 1_000, 0, 10 * SpinWait.LINGER_MAX_NANOS, 1_000, -1 };
			boolean[] calls = { true, false, true, true, true, false, true };
			for (int message = 0; message < gaps.length; message++) {
				await().atMost(Await.LONG).until(server::threadless);
				// and the thread that let go has ended: it can no longer take the next message itself
				assertThat(echo.lastThread.join(Await.LONG)).isTrue();
				clock.addAndGet(gaps[message]);
				if (calls[message]) {
					assertThat((Object) runtime.call(pid, "hello")).isEqualTo("hello");
				}
				else {
					runtime.cast(pid, "hello");
				}
				// the sender that starts the thread again sets the linger, before its message is handled
				lingers.add(server.lingerNanos());
			}
			long shortest = SpinWait.VIRTUAL_NANOS;
			assertThat(lingers).containsExactly(shortest, //
					2 * shortest, // a call 1 µs after the release
					2 * shortest, // a cast as soon: never longer for a sender
					4 * shortest, // a call as soon
					8 * shortest, // a call at the very moment of the release
					4 * shortest, // a call after a pause ten times the longest linger
					4 * shortest, // a cast soon after: unchanged
					2 * shortest); // a clock that went back
		}
	}

	@Test
	void aShortSpinThatCatchesItsReplyMakesSpinsLongAgain() {
		ServerProcess server = server();
		for (int call = 0; call < 5; call++) {
			server.platformSpin();
			server.spun(true);
		}
		assertThat(server.platformSpin()).isEqualTo(SpinWait.VIRTUAL_NANOS);
		server.spun(false);
		assertThat(server.platformSpin()).isEqualTo(SpinWait.PLATFORM_NANOS);
	}

	@Test
	void callsFromPlatformAndVirtualThreadsAllGetTheirOwnRepliesWhateverTheSpin() throws Exception {
		Pid pid = GenServer.start(this.runtime, new Echo(), null).orThrow();
		int threads = 8;
		int calls = 2_000;
		AtomicInteger wrong = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(threads);
		for (int t = 0; t < threads; t++) {
			int id = t;
			Runnable caller = () -> {
				for (int i = 0; i < calls; i++) {
					String request = id + ":" + i;
					if (!request.equals(this.runtime.call(pid, request))) {
						wrong.incrementAndGet();
					}
				}
				done.countDown();
			};
			if ((t % 2) == 0) {
				Thread.ofPlatform().start(caller);
			}
			else {
				Thread.ofVirtual().start(caller);
			}
		}
		Await.latch(done);
		assertThat(wrong).hasValue(0);
		assertThat(this.runtime.<Integer>call(pid, "count")).isEqualTo(threads * calls);
	}

	@Test
	void callsFromProcessesToAServerThatHandsItsCarrierToThemAllGetTheirOwnReplies() {
		Pid pid = GenServer.start(this.runtime, new Echo(), null).orThrow();
		int clients = 6;
		int calls = 3_000;
		AtomicInteger wrong = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(clients);
		for (int c = 0; c < clients; c++) {
			int id = c;
			this.runtime.spawn((ctx) -> {
				for (int i = 0; i < calls; i++) {
					String request = id + ":" + i;
					if (!request.equals(this.runtime.call(pid, request))) {
						wrong.incrementAndGet();
					}
				}
				done.countDown();
			});
		}
		Await.latch(done);
		assertThat(wrong).hasValue(0);
		assertThat(this.runtime.<Integer>call(pid, "count")).isEqualTo(clients * calls);
	}

	@Test
	void pingPongBetweenProcessesThatWakeEachOtherLosesNoMessage() {
		int rounds = 20_000;
		CountDownLatch done = new CountDownLatch(1);
		AtomicInteger received = new AtomicInteger();
		Pid ponger = this.runtime.spawn((ctx) -> {
			for (;;) {
				Pid from = (Pid) ctx.receive();
				this.runtime.send(from, "pong");
			}
		});
		this.runtime.spawn((ctx) -> {
			for (int i = 0; i < rounds; i++) {
				this.runtime.send(ponger, ctx.self());
				if ("pong".equals(ctx.receive())) {
					received.incrementAndGet();
				}
			}
			done.countDown();
		});
		Await.latch(done);
		assertThat(received).hasValue(rounds);
	}

	@Test
	void manyPairsThatHandTheirCarrierToEachOtherKeepEveryMessageInOrder() {
		int pairs = 64;
		int rounds = 2_000;
		CountDownLatch done = new CountDownLatch(pairs);
		AtomicInteger wrong = new AtomicInteger();
		AtomicInteger received = new AtomicInteger();
		for (int p = 0; p < pairs; p++) {
			Pid echo = this.runtime.spawn((ctx) -> {
				for (;;) {
					Object[] message = (Object[]) ctx.receive();
					this.runtime.send((Pid) message[0], message[1]);
				}
			});
			this.runtime.spawn((ctx) -> {
				for (int i = 0; i < rounds; i++) {
					this.runtime.send(echo, new Object[] { ctx.self(), i });
					if (!Integer.valueOf(i).equals(ctx.receive())) {
						wrong.incrementAndGet();
					}
					received.incrementAndGet();
				}
				done.countDown();
			});
		}
		Await.latch(done);
		assertThat(wrong).hasValue(0);
		assertThat(received).hasValue(pairs * rounds);
	}

	@Test
	void processesKilledWhileTheyHandTheirCarrierToEachOtherExitAtOnce() {
		int pairs = 32;
		Random random = new Random(7);
		List<Pid> all = new ArrayList<>();
		AtomicInteger exchanged = new AtomicInteger();
		for (int p = 0; p < pairs; p++) {
			Pid echo = this.runtime.spawn((ctx) -> {
				for (;;) {
					this.runtime.send((Pid) ctx.receive(), "pong");
				}
			});
			Pid player = this.runtime.spawn((ctx) -> {
				for (;;) {
					this.runtime.send(echo, ctx.self());
					ctx.receive();
					exchanged.incrementAndGet();
				}
			});
			all.add(echo);
			all.add(player);
		}
		await().until(() -> exchanged.get() >= pairs * 100);
		Collections.shuffle(all, random);
		for (Pid pid : all) {
			this.runtime.exit(pid, ExitReason.KILL);
		}
		await().until(() -> all.stream().noneMatch(this.runtime::isAlive) && this.runtime.processCount() == 0);
	}

	@Test
	void aTimedReceiveAfterASendThatWokeAProcessStillEndsAtItsDeadline() {
		CountDownLatch woken = new CountDownLatch(1);
		Pid silent = this.runtime.spawn((ctx) -> {
			ctx.receive();
			woken.countDown();
			ctx.receive();
		});
		await().until(() -> this.runtime.processInfo(silent).orElseThrow().status() == ProcessInfo.Status.WAITING);
		List<Optional<Object>> results = new ArrayList<>();
		CountDownLatch done = new CountDownLatch(1);
		this.runtime.spawn((ctx) -> {
			this.runtime.send(silent, "wake up");
			results.add(ctx.receive(Duration.ofMillis(50)));
			done.countDown();
		});
		Await.latch(done);
		Await.latch(woken);
		assertThat(results).containsExactly(Optional.empty());
	}

}
