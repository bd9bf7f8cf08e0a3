package dev.procreg.benchmarks;

import java.util.Arrays;

/**
 * Ratios of rounds whose two sides took turns going first, combined so that the place cancels
 * out. The place counts: with the same code on both sides ({@code SpawnCost aa},
 * {@link LookupNoise}) the side that always went second came out 5 % quicker at spawn + register,
 * and a lookup round's ratio moves by a fifth with who went first (benchmark README, "Which side
 * goes first"). A round in which ours went first and the next, in which the baseline did, make
 * one balanced ratio: the geometric mean of the two.
 */
final class BalancedRatios {

	private BalancedRatios() {
	}

	/**
	 * @param perRound each round's ratio, rounds 0, 2, 4, … with one side first and 1, 3, 5, …
	 * with the other
	 * @return the geometric means of rounds 0 and 1, 2 and 3, and so on, sorted; an odd last round
	 * is left out
	 */
	static double[] of(double[] perRound) {
		double[] balanced = new double[perRound.length / 2];
		for (int i = 0; i < balanced.length; i++) {
			balanced[i] = Math.sqrt(perRound[2 * i] * perRound[2 * i + 1]);
		}
		Arrays.sort(balanced);
		return balanced;
	}

	/** @return the median of sorted values (the upper one of an even count) */
	static double median(double[] sorted) {
		return sorted[sorted.length / 2];
	}

}
