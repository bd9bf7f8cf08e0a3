package dev.procreg.benchmarks;

import java.util.Arrays;

/**
 * Ratios of rounds whose two sides took turns going first ({@link Turns}), combined so that the
 * place cancels out: a round in which one side went first and the next, in which the other did,
 * make one balanced ratio, the geometric mean of the two.
 */
final class BalancedRatios {

	private BalancedRatios() {
	}

	/**
	 * @param perRound each round's ratio, rounds 0, 2, 4, … with one side first and 1, 3, 5, …
	 * with the other; an even number of them
	 * @return the geometric means of rounds 0 and 1, 2 and 3, and so on, sorted
	 */
	static double[] of(double[] perRound) {
		double[] balanced = new double[perRound.length / 2];
		for (int i = 0; i < balanced.length; i++) {
			balanced[i] = Math.sqrt(perRound[2 * i] * perRound[2 * i + 1]);
		}
		Arrays.sort(balanced);
		return balanced;
	}

	/** @return the median of sorted values: the mean of the middle two of an even count */
	static double median(double[] sorted) {
		int half = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
	}

}
