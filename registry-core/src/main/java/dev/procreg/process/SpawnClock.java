package dev.procreg.process;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The wall-clock millisecond a process is spawned at ({@link ProcessInfo#startedAt()}), without a
 * clock read per spawn while spawns come fast.
 *
 * <p>A clock read costs 24–60 ns on a virtual machine ({@code clock_gettime} through the vDSO
 * under KVM): a quarter of what a spawn costs the spawning thread, for a time that only people
 * read (uptime in process info and the admin page). So:
 * <ul>
 * <li>While spawns are sparse, each reads the clock: its start time is exact.</li>
 * <li>When {@value #BURST} spawns in a row read the same millisecond, a daemon thread starts
 * that reads the clock once a millisecond, and spawns take its last reading (one read of a
 * field that changes once a millisecond). A start time is then at most a tick and the thread's
 * scheduling delay early, never late.</li>
 * <li>The thread stops after {@value #IDLE_TICKS} ticks in which no spawn took a reading; spawns
 * then read the clock again. An idle JVM runs no clock thread.</li>
 * </ul>
 * The thread pays for itself only at high rates: a wake-up costs a few microseconds, the price
 * of about a hundred clock reads, hence the burst that starts it.
 */
final class SpawnClock {

	/** Spawns in one millisecond that start the clock thread. */
	static final int BURST = 64;

	/** Ticks in a row with no reader after which the clock thread stops. */
	static final int IDLE_TICKS = 100;

	private static final long TICK_NANOS = 1_000_000L;

	/** {@link #reading} when no clock thread runs. */
	private static final long STOPPED = Long.MIN_VALUE;

	/** The clock thread's last reading, or {@link #STOPPED}. */
	private static volatile long reading = STOPPED;

	/** Whether a spawn took {@link #reading} since the clock thread's last tick. */
	private static volatile boolean taken;

	private static final AtomicBoolean running = new AtomicBoolean();

	// a heuristic, read and written without synchronization: a lost count only delays the start
	private static long lastMillis;

	private static int sameMillis;

	private SpawnClock() {
	}

	/** @return the current time in epoch milliseconds, to within a tick while spawns come fast */
	static long millis() {
		long now = reading;
		if (now != STOPPED) {
			if (!taken) {
				taken = true; // written once a tick at most: the field's cache line stays shared
			}
			return now;
		}
		now = System.currentTimeMillis();
		if (now != lastMillis) {
			lastMillis = now;
			sameMillis = 0;
		}
		else if (++sameMillis == BURST) {
			start(now);
		}
		return now;
	}

	/** @return whether the clock thread runs (for tests) */
	static boolean ticking() {
		return reading != STOPPED;
	}

	private static void start(long now) {
		if (!running.compareAndSet(false, true)) {
			return;
		}
		taken = true;
		reading = now;
		try {
			Thread.ofPlatform().daemon().name("procreg-spawn-clock").start(SpawnClock::tick);
		}
		catch (OutOfMemoryError | RuntimeException ex) {
			// no thread to be had: spawns go on reading the clock themselves, and the spawn that
			// tried does not fail for it
			stop();
		}
	}

	private static void tick() {
		try {
			for (int idle = 0; idle < IDLE_TICKS;) {
				LockSupport.parkNanos(TICK_NANOS);
				reading = System.currentTimeMillis();
				if (taken) {
					taken = false;
					idle = 0;
				}
				else {
					idle++;
				}
			}
		}
		finally {
			stop();
		}
	}

	private static void stop() {
		// spawns read the clock again before another thread may start
		reading = STOPPED;
		running.set(false);
	}

}
