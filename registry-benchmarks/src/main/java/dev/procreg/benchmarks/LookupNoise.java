package dev.procreg.benchmarks;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An estimate of the noise floor of {@code ScaleCounts lookupPair}: its rounds with the
 * hand-rolled baseline on both sides. Two populations of {@value RegistryAtScaleBenchmark#COUNT}
 * virtual threads, each with a {@code LinkedTransferQueue} mailbox and its key put in its side's
 * own {@code ConcurrentHashMap<String, Thread>}, started interleaved as
 * {@link RegistryAtScaleBenchmark} starts ours and the baseline's, register the same
 * {@code session-N} strings; rounds of lookups of equal copies (in registration order or a fixed
 * shuffle) alternate between the two maps, each first in every other round ({@link Turns}). The two
 * sides do the same work, so the balanced median would be 1.00 in every JVM were the JVMs alike;
 * how far it strays over several JVMs is how far a pair's verdict can stray with nothing to tell
 * the sides apart (where G1 happens to put each side's nodes, mostly). An estimate: the heap holds
 * no processes and none of the benchmark's other keys, so its collections run as the benchmark's
 * do only roughly.
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

	public static void main(String[] args) throws Exception {
		if (args.length != 3 || !(args[0].equals("sequential") || args[0].equals("random"))) {
			throw new IllegalArgumentException("usage: LookupNoise sequential|random <lookups a round> <rounds>");
		}
		int perRound = Turns.count(args[1], "lookups a round");
		int rounds = Turns.count(args[2], "rounds");
		Turns.requireEvenRounds(rounds, "LookupNoise");
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
		// the warm-up in the order of round -1, so that round 0's first run follows its own side
		long sink = run(second, lookups, 20_000_000) + run(first, lookups, 20_000_000);
		double bestFirst = Double.MAX_VALUE;
		double bestSecond = Double.MAX_VALUE;
		double[] ratios = new double[rounds];
		for (int round = 0; round < rounds; round++) {
			long[] nanos = Turns.time(round, () -> run(first, lookups, perRound), () -> run(second, lookups, perRound));
			double timeFirst = (double) nanos[0] / perRound;
			double timeSecond = (double) nanos[1] / perRound;
			sink += nanos[2];
			bestFirst = Math.min(bestFirst, timeFirst);
			bestSecond = Math.min(bestSecond, timeSecond);
			ratios[round] = timeSecond / timeFirst;
		}
		double[] balanced = BalancedRatios.of(ratios);
		Arrays.sort(ratios);
		System.out.printf("RESULT aa order=%s best ns/op %.1f, second map %.1f; ratios: the second map's time over the"
				+ " first's, above 1: the first quicker; per-round ratio median %.3fx"
				+ " (quartiles %.2f-%.2f, %d rounds%s); balanced median %.3fx (quartiles %.2f-%.2f; sink %d)%n", args[0],
				bestFirst, bestSecond, BalancedRatios.median(ratios), ratios[rounds / 4], ratios[3 * rounds / 4], rounds,
				Turns.FIXED_ORDER ? ", fixed order" : "", BalancedRatios.median(balanced), balanced[balanced.length / 4],
				balanced[3 * balanced.length / 4], sink);
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
