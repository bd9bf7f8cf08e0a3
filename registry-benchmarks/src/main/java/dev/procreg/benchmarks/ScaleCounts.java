package dev.procreg.benchmarks;

import java.io.FileWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one operation of {@link RegistryAtScaleBenchmark} a fixed number of times, on the same
 * 100,000-process setup, for hardware counters that a loaded machine does not disturb
 * (instructions, cache misses per operation). Not a JMH benchmark: a plain {@code main} meant to
 * run under {@code perf stat} with a control FIFO, which it enables only around the measured
 * loop, after the setup and a warm-up long enough for the JIT.
 *
 * <pre>
 * mkfifo /tmp/ctl /tmp/ack
 * perf stat -e instructions,cycles,cache-misses,L1-dcache-load-misses -D -1 \
 *     --control fifo:/tmp/ctl,/tmp/ack \
 *     java -cp benchmarks.jar dev.procreg.benchmarks.ScaleCounts lookupHit 1 random 20000000 /tmp/ctl /tmp/ack
 * </pre>
 * The operation is {@code lookupHit}, {@code baselineMapGet}, {@code conflictingRegister} or
 * {@code baselinePutIfAbsent}; divide the counts by the number of operations it prints. Or
 * {@code lookupPair} / {@code registerPair}: ours and the baseline alternated in one JVM, each
 * first in every other round, {@code ScaleCounts lookupPair 1 sequential 100000 200} for 200
 * rounds of 100,000 lookups each.
 *
 * <p>The rounds of one JVM agree; JVMs of one jar may not, by as much as 0.6× against 1.25×, because
 * G1 copies the keys and tables at young collections in an order each run decides, and a probe's
 * speed depends on where its objects land. To compare the structures alone, run both sides on a
 * heap where nothing moves, and give the verdict of the default collector over several JVMs:
 * <pre>
 * java -XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC -Xms6g -Xmx6g -cp benchmarks.jar \
 *     dev.procreg.benchmarks.ScaleCounts registerPair 2 random 100000 20
 * </pre>
 * {@code -DkeyStrings=own} gives each side its own key strings ({@link RegistryAtScaleBenchmark#keyStrings}).
 */
public final class ScaleCounts {

	/** Compared with each result, so that the result is used without being dereferenced. */
	static Object marker = new Object();

	/** The single operations, each run on its own (under {@code perf stat}). */
	private static final List<String> OPERATIONS = List.of("lookupHit", "baselineMapGet", "conflictingRegister",
			"baselinePutIfAbsent");

	private ScaleCounts() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 4 || args.length > 6) {
			throw new IllegalArgumentException("usage: ScaleCounts <operation> <partitions> random|sequential <operations>"
					+ " [<control fifo> [<ack fifo>]], or ScaleCounts lookupPair|registerPair <partitions>"
					+ " random|sequential <operations a round> [<rounds>]");
		}
		String operation = args[0];
		boolean paired = operation.equals("lookupPair") || operation.equals("registerPair");
		if (!paired && !OPERATIONS.contains(operation)) {
			throw new IllegalArgumentException("unknown operation " + operation + "; use one of " + OPERATIONS
					+ ", lookupPair or registerPair");
		}
		if (paired && args.length > 5) {
			throw new IllegalArgumentException(operation + " takes a number of rounds, not fifos: " + args[5]);
		}
		if (!args[2].equals("random") && !args[2].equals("sequential")) {
			throw new IllegalArgumentException("order must be random or sequential: " + args[2]);
		}
		RegistryAtScaleBenchmark bench = new RegistryAtScaleBenchmark();
		bench.partitions = Turns.count(args[1], "partitions");
		bench.order = args[2];
		bench.keyStrings = System.getProperty("keyStrings", "shared");
		long operations = Turns.count(args[3], "operations");
		Path control = (!paired && args.length > 4) ? Path.of(args[4]) : null;
		Path ack = (!paired && args.length > 5) ? Path.of(args[5]) : null;
		int rounds = (paired && args.length > 4) ? Turns.count(args[4], "rounds") : 16;
		if (paired) {
			Turns.requireEvenRounds(rounds, "ScaleCounts " + operation);
		}
		bench.start();
		try {
			if (paired) {
				pair(bench, operation.equals("lookupPair"), operations, rounds);
				return;
			}
			boolean batches = operation.equals("conflictingRegister") || operation.equals("baselinePutIfAbsent");
			long warmUp = batches ? 100 : 20_000_000;
			long measured = batches ? Math.max(1, operations / RegistryAtScaleBenchmark.COUNT) : operations;
			long sink = run(bench, operation, warmUp);
			System.gc();
			command(control, ack, "enable");
			long started = System.nanoTime();
			sink += run(bench, operation, measured);
			long elapsed = System.nanoTime() - started;
			command(control, ack, "disable");
			long done = batches ? measured * RegistryAtScaleBenchmark.COUNT : measured;
			System.out.printf("%s partitions=%d order=%s operations=%d ns/op=%.1f (sink %d)%n", operation,
					bench.partitions, bench.order, done, (double) elapsed / done, sink);
		}
		finally {
			bench.close();
		}
	}

	/**
	 * Alternates the operation and its baseline in rounds, each first in every other round
	 * ({@link Turns}), in one JVM on one heap, and prints the fastest round of each (noise from
	 * other load only ever adds time, so the minimum is the estimate least disturbed by it), the
	 * median of the rounds' own ratios (a round and its baseline run back to back, so on a loaded
	 * machine they share most of its disturbance) and their balanced median ({@link BalancedRatios}).
	 * The number of rounds is the optional fifth argument, even (16 when absent).
	 */
	private static void pair(RegistryAtScaleBenchmark bench, boolean lookups, long operations, int rounds)
			throws Exception {
		String ours = lookups ? "lookupHit" : "conflictingRegister";
		String baseline = lookups ? "baselineMapGet" : "baselinePutIfAbsent";
		long perRound = lookups ? operations : Math.max(1, operations / RegistryAtScaleBenchmark.COUNT);
		long done = lookups ? perRound : perRound * RegistryAtScaleBenchmark.COUNT;
		// the warm-up in the order of round -1, so that round 0's first run follows its own side
		run(bench, baseline, lookups ? 20_000_000 : 100);
		run(bench, ours, lookups ? 20_000_000 : 100);
		double bestOurs = Double.MAX_VALUE;
		double bestBaseline = Double.MAX_VALUE;
		double[] ratios = new double[rounds];
		for (int round = 0; round < rounds; round++) {
			long[] nanos = Turns.time(round, () -> run(bench, ours, perRound), () -> run(bench, baseline, perRound));
			double timeOurs = (double) nanos[0] / done;
			double timeBaseline = (double) nanos[1] / done;
			bestOurs = Math.min(bestOurs, timeOurs);
			bestBaseline = Math.min(bestBaseline, timeBaseline);
			ratios[round] = timeBaseline / timeOurs;
		}
		double[] balanced = BalancedRatios.of(ratios);
		Arrays.sort(ratios);
		System.out.printf("%s partitions=%d order=%s best ns/op %.1f, %s %.1f, ratio of bests %.2fx; per-round ratio median"
				+ " %.3fx (quartiles %.2f-%.2f, %d rounds%s); balanced median %.3fx (quartiles %.2f-%.2f)%n", ours,
				bench.partitions, bench.order, bestOurs, baseline, bestBaseline, bestBaseline / bestOurs,
				BalancedRatios.median(ratios), ratios[rounds / 4], ratios[3 * rounds / 4], rounds,
				Turns.FIXED_ORDER ? ", fixed order" : "", BalancedRatios.median(balanced), balanced[balanced.length / 4],
				balanced[3 * balanced.length / 4]);
	}

	private static long run(RegistryAtScaleBenchmark bench, String operation, long times) throws Exception {
		RegistryAtScaleBenchmark.Cursor cursor = new RegistryAtScaleBenchmark.Cursor();
		long sink = 0;
		switch (operation) {
			case "lookupHit" -> {
				for (long i = 0; i < times; i++) {
					sink += (bench.lookupHit(cursor) == marker) ? 1 : 0;
				}
			}
			case "baselineMapGet" -> {
				for (long i = 0; i < times; i++) {
					sink += (bench.baselineMapGet(cursor) == marker) ? 1 : 0;
				}
			}
			case "conflictingRegister" -> {
				for (long i = 0; i < times; i++) {
					sink += bench.conflictingRegister();
				}
			}
			case "baselinePutIfAbsent" -> {
				for (long i = 0; i < times; i++) {
					sink += bench.baselinePutIfAbsent();
				}
			}
			default -> throw new IllegalArgumentException("unknown operation: " + operation);
		}
		return sink;
	}

	private static void command(Path control, Path ack, String command) throws IOException {
		if (control == null) {
			return;
		}
		try (Writer out = new FileWriter(control.toFile(), StandardCharsets.US_ASCII)) {
			out.write(command + "\n");
		}
		if (ack != null) {
			try (InputStream in = Files.newInputStream(ack)) {
				in.read(new byte[16]);
			}
		}
	}

}
