package dev.procreg.benchmarks;

/**
 * Two sides timed in rounds in one JVM, each first in every other round: rounds 0, 2, 4, … put
 * the first side first, rounds 1, 3, 5, … the second, so the runs go AB BA AB BA and each run
 * follows a run of its own side as often as one of the other's. A side's place in a round moves
 * its time: a lookup round's ratio of one map against an identical one spreads several times wider
 * with turns than in a fixed order, the place's effect that a fixed order hides in the verdict
 * (benchmark README, "Which side goes first"). {@code -Dpairs.fixedOrder=true} puts the first side
 * first in every round, as the harnesses did before (their warm-ups aside), to measure that; the
 * "balanced" figures then pair rounds of the same order.
 */
final class Turns {

	/** Whether the first side goes first in every round ({@code -Dpairs.fixedOrder=true}). */
	static final boolean FIXED_ORDER = Boolean.getBoolean("pairs.fixedOrder");

	private Turns() {
	}

	/** One side's run of a round. */
	@FunctionalInterface
	interface Side {

		/** @return a value derived from what the run computed, for the caller to consume */
		long run() throws Exception;

	}

	/**
	 * @param round the round's number; a negative one is a warm-up round, in turn too
	 * @return whether the first side goes first in this round
	 */
	static boolean firstGoesFirst(int round) {
		return FIXED_ORDER || (round & 1) == 0;
	}

	/**
	 * Runs both sides once, in the round's order.
	 * @param round the round's number
	 * @param first the first side
	 * @param second the second side
	 * @return the first side's nanoseconds, the second's, and the sum of the values they returned
	 */
	static long[] time(int round, Side first, Side second) throws Exception {
		boolean firstFirst = firstGoesFirst(round);
		long[] result = new long[3];
		for (int place = 0; place < 2; place++) {
			boolean firstNow = (place == 0) == firstFirst;
			long started = System.nanoTime();
			result[2] += (firstNow ? first : second).run();
			result[firstNow ? 0 : 1] = System.nanoTime() - started;
		}
		return result;
	}

	/**
	 * @param argument a command-line argument
	 * @param what what it counts, for the message
	 * @return its value
	 * @throws IllegalArgumentException unless a whole number of at least 1
	 */
	static int count(String argument, String what) {
		int value;
		try {
			value = Integer.parseInt(argument);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(what + " must be a whole number: " + argument, ex);
		}
		if (value < 1) {
			throw new IllegalArgumentException(what + " must be at least 1: " + argument);
		}
		return value;
	}

	/**
	 * @param rounds the rounds asked for
	 * @param what what runs them, for the message
	 * @throws IllegalArgumentException unless an even number of at least 2: the balanced median
	 * pairs each round with its neighbour
	 */
	static void requireEvenRounds(int rounds, String what) {
		if (rounds < 2 || rounds % 2 != 0) {
			throw new IllegalArgumentException(what + " needs an even number of rounds of at least 2, each side first"
					+ " in half of them: " + rounds);
		}
	}

}
