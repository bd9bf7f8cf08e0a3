package dev.procreg.benchmarks;

import java.util.Random;

/** The order in which the at-scale benchmarks look their keys up: the same for every run. */
final class LookupOrder {

	private LookupOrder() {
	}

	/**
	 * @param count how many keys
	 * @param shuffled whether to shuffle them (Fisher-Yates, a fixed seed) or keep registration order
	 * @return the indexes 0 to {@code count - 1}, in lookup order
	 */
	static int[] of(int count, boolean shuffled) {
		int[] order = new int[count];
		for (int i = 0; i < count; i++) {
			order[i] = i;
		}
		Random random = new Random(42);
		for (int i = count - 1; i > 0 && shuffled; i--) {
			int j = random.nextInt(i + 1);
			int swap = order[i];
			order[i] = order[j];
			order[j] = swap;
		}
		return order;
	}

}
