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

	/** How long a virtual thread spins before parking (or an idle server's thread before it ends). */
	static final long VIRTUAL_NANOS = Math.min(PLATFORM_NANOS, 2_000);

	/** The longest a server's thread lingers for a client that keeps coming back ({@link #nextLinger}). */
	static final long LINGER_MAX_NANOS = Math.min(PLATFORM_NANOS, 32_000);

	/** A gap between two conversations, in lingers, below which the linger was too short. */
	private static final int CLOSE_GAPS = 4;

	/** Looks between two reads of the clock (a look with its pause takes some 20 ns). */
	private static final int LOOKS_PER_CLOCK = 32;

	/** Looks between two yields. */
	private static final int LOOKS_PER_YIELD = 512;

	private SpinWait() {
	}

	/**
	 * How long a server's thread lingers for its next message after this release, given the
	 * linger it had, how long the server then went without a thread (from its thread letting go
	 * to the next message) and whether that message is a call. A call that came within a few
	 * lingers of the release waited for a thread start that a longer linger would have saved, so
	 * the linger doubles, up to {@link #LINGER_MAX_NANOS}; any message that came later than the
	 * longest linger halves it, down to {@link #VIRTUAL_NANOS}. A client calling in a loop thus
	 * keeps its server's thread: with a fixed 2 µs a client paused a few microseconds (preempted,
	 * collecting) made the thread end and start again once every hundred or so calls (benchmark
	 * README, "A server lingers longer for a client that calls"). Sends and casts never lengthen
	 * it: their sender waits for nothing, and a thread spinning on the mailbox a sender is filling
	 * slowed a stream of casts by a quarter.
	 * @param linger the linger the server had, in nanoseconds
	 * @param gap the time from its thread's release to the next message, in nanoseconds
	 * @param call whether that message is a call
	 * @return the linger for its next thread
	 */
	static long nextLinger(long linger, long gap, boolean call) {
		if (call && gap >= 0 && gap < CLOSE_GAPS * linger) {
			return Math.min(LINGER_MAX_NANOS, 2 * linger);
		}
		if (gap < 0 || gap > LINGER_MAX_NANOS) {
			return Math.max(VIRTUAL_NANOS, linger / 2);
		}
		return linger;
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
