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
 * <li>When more than {@value #BURST} spawns read the same millisecond, a daemon thread starts
 * that reads the clock once a millisecond, and spawns take its last reading (one read of a
 * field that changes once a millisecond). A start time is then at most a tick and the thread's
 * scheduling delay early, never late.</li>
 * <li>The thread stops after {@value #TICKS} ticks, whatever the rate: spawns then read the clock
 * again, and a burst that goes on starts it again within a millisecond. So it outlives a burst by
 * about a tenth of a second (a hundred parks of a millisecond, and the timer's slack), and spawns
 * that come steadily but sparsely never keep it alive. An idle JVM runs no clock thread.</li>
 * </ul>
 * The thread pays for itself only at high rates: a wake-up costs a few microseconds, the price
 * of about a hundred clock reads, hence the burst that starts it; a start costs some tens of
 * microseconds, once a tenth of a second at most.
 */
final class SpawnClock {

	/** Spawns in one millisecond past which the clock thread starts. */
	static final int BURST = 64;

	/** Ticks after which the clock thread stops. */
	static final int TICKS = 100;

	private static final long TICK_NANOS = 1_000_000L;

	/** {@link #reading} when no clock thread runs. */
	private static final long STOPPED = Long.MIN_VALUE;

	/** The clock thread's last reading, or {@link #STOPPED}. */
	private static volatile long reading = STOPPED;

	private static final AtomicBoolean running = new AtomicBoolean();

	/** How many clock threads were started (for tests: a reading moved on by one thread's ticks). */
	private static volatile int starts;

	// a heuristic, read and written without synchronization: a lost count only delays the start
	private static long lastMillis;

	private static int sameMillis;

	private SpawnClock() {
	}

	/** @return the current time in epoch milliseconds, to within a tick while spawns come fast */
	static long millis() {
		long now = reading;
		if (now != STOPPED) {
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

	/** @return how many clock threads were started so far (for tests) */
	static int starts() {
		return starts;
	}

	private static void start(long now) {
		if (!running.compareAndSet(false, true)) {
			return;
		}
		starts++; // one starter at a time: the compare-and-set above
		reading = now;
		boolean started = false;
		try {
			Thread thread = Thread.ofPlatform()
				.daemon()
				.name("procreg-spawn-clock")
				.inheritInheritableThreadLocals(false)
				.unstarted(SpawnClock::tick);
			thread.setContextClassLoader(null); // holds no application's class loader
			thread.start();
			started = true;
		}
		catch (OutOfMemoryError | RuntimeException ex) {
			// no thread to be had: spawns go on reading the clock themselves, and the spawn that
			// tried does not fail for it
		}
		finally {
			if (!started) {
				stop(); // whatever failed (a stack overflow too): no reading stays frozen
			}
		}
	}

	private static void tick() {
		try {
			for (int tick = 0; tick < TICKS; tick++) {
				LockSupport.parkNanos(TICK_NANOS);
				reading = System.currentTimeMillis();
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
