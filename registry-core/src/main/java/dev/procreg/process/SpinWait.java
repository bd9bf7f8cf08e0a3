package dev.procreg.process;

import java.util.concurrent.TimeUnit;

/**
 * How a thread spends the moments before it parks while it waits for another thread's hand-off:
 * a receiver for its next message, a lingering server for its next call, a caller for its reply.
 *
 * <p>A platform thread that parks pays a trip through the operating system's scheduler to wake,
 * 10 to 30 µs on a virtual machine's vCPUs, and so does the carrier of a virtual thread it wakes
 * when that carrier had nothing else to do. A platform thread calling a server therefore spins up
 * to {@link #PLATFORM_NANOS} for its reply, a little longer than a carrier's wake-up: the reply
 * of a server whose thread had to start still lands within it, and the caller's next call then
 * finds the server's thread looking for it.
 *
 * <p>Virtual threads spin only {@link #VIRTUAL_NANOS}, as {@code LinkedTransferQueue} does: a
 * virtual thread that parks and the one that wakes it often share a carrier, where the hand-off
 * costs no trip through the operating system, and a longer spin would hold the carrier the other
 * side needs. On a loaded machine, longer spins of virtual threads measured slower, not faster.
 *
 * <p>The spin is bounded by time, not by a count of {@link Thread#onSpinWait()} (whose cost varies
 * tenfold between processors), and a spinning thread yields every ten microseconds or so, so the
 * thread it waits for gets to run when it is queued behind the spinner.
 */
final class SpinWait {

	/**
	 * How long a platform thread spins for a call's reply before parking:
	 * {@code procreg.spin-micros}, 50 µs by default; 0 parks at once.
	 */
	static final long PLATFORM_NANOS = TimeUnit.MICROSECONDS.toNanos(Long.getLong("procreg.spin-micros", 50));

	/** How long a virtual thread spins before parking (or a server's thread before it ends). */
	static final long VIRTUAL_NANOS = Math.min(PLATFORM_NANOS, 2_000);

	/** Looks between two reads of the clock (a look with its pause takes some 20 ns). */
	private static final int LOOKS_PER_CLOCK = 32;

	/** Looks between two yields. */
	private static final int LOOKS_PER_YIELD = 512;

	private SpinWait() {
	}

	/**
	 * Pauses before the next look, unless the spin is over.
	 * @param look how many looks the waiter made so far, from 1
	 * @param since when the waiter started to spin, by {@link System#nanoTime()}
	 * @param budget how long it may spin
	 * @return whether to look again; false when the waiter should park
	 */
	static boolean again(int look, long since, long budget) {
		if (budget <= 0 || (look % LOOKS_PER_CLOCK) == 0 && System.nanoTime() - since >= budget) {
			return false;
		}
		if ((look % LOOKS_PER_YIELD) == 0) {
			// a virtual thread lets the carrier's queue run, a platform thread the processor's
			Thread.yield();
		}
		else {
			Thread.onSpinWait();
		}
		return true;
	}

}
