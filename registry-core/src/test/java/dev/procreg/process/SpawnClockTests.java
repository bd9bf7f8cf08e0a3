package dev.procreg.process;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.procreg.testing.Await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link SpawnClock}: exact while spawns are sparse, a clock thread's readings during a burst,
 * never a time in the future, and no thread left once spawns stop.
 */
class SpawnClockTests {

	private static final String THREAD_NAME = "procreg-spawn-clock";

	@BeforeEach
	void noClockThread() {
		awaitStopped();
	}

	@Test
	void aSparseSpawnReadsTheClockItself() {
		for (int i = 0; i < 10; i++) {
			long before = System.currentTimeMillis();
			long read = SpawnClock.millis();
			long after = System.currentTimeMillis();
			assertThat(read).isBetween(before, after);
		}
		assertThat(SpawnClock.ticking()).isFalse();
	}

	@Test
	void aBurstStartsOneClockThreadWhoseReadingsMoveOnAndNeverRunAhead() {
		burstUntilTicking();
		// it may have stopped already (it ticks a hundred times, then stops), never two at once
		assertThat(clockThreads()).hasSizeLessThanOrEqualTo(1);
		long giveUp = System.currentTimeMillis() + Await.LONG.toMillis();
		boolean movedOn = false;
		// a reading later than the first one of the same clock thread: only its ticks write one. A
		// thread that does not read the clock fails here; one that stops (after its 100 ticks) is
		// started again, and the comparison starts over
		while (!movedOn && System.currentTimeMillis() < giveUp) {
			if (!SpawnClock.ticking()) {
				burstUntilTicking();
			}
			int thread = SpawnClock.starts();
			long first = SpawnClock.millis();
			for (int i = 0; i < 1_000_000 && !movedOn; i++) {
				long read = SpawnClock.millis();
				assertThat(read).isLessThanOrEqualTo(System.currentTimeMillis());
				movedOn = read > first && SpawnClock.ticking() && SpawnClock.starts() == thread;
			}
		}
		assertThat(movedOn).as("a clock thread's reading moved on").isTrue();
	}

	@Test
	void theClockThreadStopsAfterItsTicksAndSpawnsReadTheClockAgain() {
		burstUntilTicking();
		awaitStopped();
		long before = System.currentTimeMillis();
		long read = SpawnClock.millis();
		assertThat(read).isBetween(before, System.currentTimeMillis());
	}

	@Test
	void concurrentBurstsThroughStartsAndStopsNeverReadAheadAndLeaveNoThread() throws Exception {
		int threads = 8;
		int cycles = 3;
		AtomicReference<String> failure = new AtomicReference<>();
		for (int cycle = 0; cycle < cycles; cycle++) {
			CountDownLatch go = new CountDownLatch(1);
			List<Thread> readers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				readers.add(Thread.ofPlatform().start(() -> {
					Await.latch(go);
					for (int i = 0; i < 200_000; i++) {
						long read = SpawnClock.millis();
						long now = System.currentTimeMillis();
						if (read > now) {
							failure.compareAndSet(null, "read " + read + " after the clock said " + now);
						}
					}
				}));
			}
			go.countDown();
			for (Thread reader : readers) {
				reader.join();
			}
			awaitStopped();
		}
		assertThat(failure.get()).isNull();
	}

	@Test
	void aProcessStartedAloneCarriesTheMillisecondItWasSpawnedAt() {
		try (ProcessRuntime runtime = ProcessRuntime.start()) {
			Instant before = Instant.ofEpochMilli(System.currentTimeMillis());
			Pid pid = runtime.spawn((ctx) -> ctx.receive());
			Instant after = Instant.ofEpochMilli(System.currentTimeMillis());
			assertThat(runtime.processInfo(pid).orElseThrow().startedAt()).isBetween(before, after);
		}
	}

	@Test
	void processesSpawnedInABurstNeverCarryATimeAfterTheirSpawn() {
		try (ProcessRuntime runtime = ProcessRuntime.start()) {
			List<Pid> pids = new ArrayList<>();
			List<Instant> spawnedBy = new ArrayList<>();
			Instant before = Instant.ofEpochMilli(System.currentTimeMillis());
			for (int i = 0; i < 5_000; i++) {
				pids.add(runtime.spawn((ctx) -> ctx.receive()));
				spawnedBy.add(Instant.ofEpochMilli(System.currentTimeMillis()));
			}
			for (int i = 0; i < pids.size(); i++) {
				// no clock thread ran before the burst (awaited above): every reading is from its start on
				assertThat(runtime.processInfo(pids.get(i)).orElseThrow().startedAt()).isBetween(before, spawnedBy.get(i));
			}
		}
	}

	private static void burstUntilTicking() {
		await().atMost(Await.LONG).until(() -> {
			for (int i = 0; i < 10_000; i++) {
				SpawnClock.millis();
			}
			return SpawnClock.ticking();
		});
	}

	private static void awaitStopped() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> !SpawnClock.ticking() && clockThreads().isEmpty());
	}

	private static List<Thread> clockThreads() {
		return Thread.getAllStackTraces().keySet().stream().filter((t) -> THREAD_NAME.equals(t.getName())).toList();
	}

}
