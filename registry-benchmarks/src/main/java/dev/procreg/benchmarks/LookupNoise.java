package dev.procreg.benchmarks;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The noise floor of {@code ScaleCounts lookupPair}: the same rounds with the hand-rolled baseline
 * on both sides. Two populations of {@value RegistryAtScaleBenchmark#COUNT} virtual threads, each
 * with a {@code LinkedTransferQueue} mailbox and its key put in its side's own
 * {@code ConcurrentHashMap<String, Thread>}, started interleaved as {@link RegistryAtScaleBenchmark}
 * starts ours and the baseline's, register the same {@code session-N} strings; rounds of lookups of
 * equal copies (in registration order or a fixed shuffle) alternate between the two maps, each
 * first in every other round. The two sides do the same work, so the balanced median
 * ({@link BalancedRatios}) would be 1.00 in every JVM were the JVMs alike; how far it strays over
 * several JVMs is how far a pair's verdict can stray with nothing to tell the sides apart (where
 * G1 happens to put each side's nodes, mostly).
 *
 * <pre>
 * java -cp benchmarks.jar dev.procreg.benchmarks.LookupNoise sequential 100000 100
 * </pre>
 */
public final class LookupNoise {

	private static final int COUNT = RegistryAtScaleBenchmark.COUNT;

	/** A power of two above {@link #COUNT}: the lookup order wraps with it, as the benchmark's does. */
	private static final int MASK = 131_071;

	/** Compared with each result, so that the result is used without being dereferenced. */
	static Object marker = new Object();

	private LookupNoise() {
	}

	public static void main(String[] args) throws InterruptedException {
		if (args.length != 3 || !(args[0].equals("sequential") || args[0].equals("random"))) {
			throw new IllegalArgumentException("usage: LookupNoise sequential|random <lookups a round> <rounds>");
		}
		int perRound = Integer.parseInt(args[1]);
		int rounds = Integer.parseInt(args[2]);
		if (rounds < 2) {
			throw new IllegalArgumentException("LookupNoise needs at least 2 rounds, one with each map first: " + rounds);
		}
		String[] keys = new String[COUNT];
		for (int i = 0; i < COUNT; i++) {
			keys[i] = "session-" + i;
		}
		int[] order = LookupOrder.of(COUNT, args[0].equals("random"));
		String[] lookups = new String[MASK + 1];
		for (int i = 0; i <= MASK; i++) {
			lookups[i] = "session-" + order[i % COUNT];
		}
		ConcurrentHashMap<String, Thread> first = new ConcurrentHashMap<>();
		ConcurrentHashMap<String, Thread> second = new ConcurrentHashMap<>();
		Thread[] threads = new Thread[2 * COUNT];
		CountDownLatch registered = new CountDownLatch(2 * COUNT);
		for (int i = 0; i < COUNT; i++) {
			threads[2 * i] = HandRolledProcess.start(first, keys[i], registered);
			threads[2 * i + 1] = HandRolledProcess.start(second, keys[i], registered);
		}
		if (!registered.await(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException(registered.getCount() + " did not register");
		}
		if (first.size() != COUNT || second.size() != COUNT) {
			throw new IllegalStateException("maps hold " + first.size() + " and " + second.size());
		}
		long sink = run(first, lookups, 20_000_000) + run(second, lookups, 20_000_000);
		double bestFirst = Double.MAX_VALUE;
		double bestSecond = Double.MAX_VALUE;
		double[] ratios = new double[rounds];
		for (int round = 0; round < rounds; round++) {
			boolean firstFirst = (round & 1) == 0;
			double timeFirst = 0;
			double timeSecond = 0;
			for (int place = 0; place < 2; place++) {
				boolean firstNow = (place == 0) == firstFirst;
				long started = System.nanoTime();
				sink += run(firstNow ? first : second, lookups, perRound);
				double time = (double) (System.nanoTime() - started) / perRound;
				if (firstNow) {
					timeFirst = time;
				}
				else {
					timeSecond = time;
				}
			}
			bestFirst = Math.min(bestFirst, timeFirst);
			bestSecond = Math.min(bestSecond, timeSecond);
			ratios[round] = timeSecond / timeFirst;
		}
		double[] balanced = BalancedRatios.of(ratios);
		Arrays.sort(ratios);
		System.out.printf("RESULT aa order=%s best ns/op %.1f, second map %.1f; per-round ratio median %.2fx"
				+ " (quartiles %.2f-%.2f, %d rounds); balanced median %.2fx (quartiles %.2f-%.2f; sink %d)%n", args[0],
				bestFirst, bestSecond, ratios[rounds / 2], ratios[rounds / 4], ratios[3 * rounds / 4], rounds,
				BalancedRatios.median(balanced), balanced[balanced.length / 4], balanced[3 * balanced.length / 4], sink);
		for (Thread thread : threads) {
			thread.interrupt();
		}
		for (Thread thread : threads) {
			thread.join();
		}
	}

	private static long run(ConcurrentHashMap<String, Thread> map, String[] lookups, long times) {
		long sink = 0;
		int next = 0;
		for (long i = 0; i < times; i++) {
			sink += (map.get(lookups[next++ & MASK]) == marker) ? 1 : 0;
		}
		return sink;
	}

}
