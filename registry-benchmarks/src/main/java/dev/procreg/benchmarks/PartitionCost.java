package dev.procreg.benchmarks;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegisterResult;
import dev.procreg.registry.RegistryOptions;

/**
 * What a second partition costs a lookup and a refused register, with everything else the same:
 * one JVM, one heap, one population of {@value #COUNT} live processes, each registered under its
 * key in a unique registry of one partition <em>and</em> in one of two partitions, beside the
 * hand-rolled {@code ConcurrentHashMap<String, Thread>} of {@value #COUNT} virtual threads (as in
 * {@link RegistryAtScaleBenchmark}). The three are measured in rounds, in an order that rotates
 * each round, so that they share the machine's state; each JVM draws its own placement of the
 * objects by the collector, which moves all three alike. A plain {@code main}, not JMH: the
 * question is a same-JVM ratio, which JMH's one-setup-per-fork cannot give.
 *
 * <pre>
 * java -Xmx6g -cp benchmarks.jar dev.procreg.benchmarks.PartitionCost lookup random 41
 * java -Xmx6g -cp benchmarks.jar dev.procreg.benchmarks.PartitionCost register random 21
 * </pre>
 *
 * <p>{@code lookup}: {@code whereis} from the main thread, equal copies of the keys in a fixed
 * shuffle ({@code random}) or in registration order ({@code sequential}), against {@code map.get}.
 * {@code register}: a driver process registers every key, each held by another process, and is
 * refused each time; the same driver calls {@code putIfAbsent} on the map with a thread of its
 * own, refused each time. It prints the fastest round of each, the median of the rounds' ratios to
 * the map, and the median of the rounds' ratio of two partitions to one (above 1.0: two are
 * faster).
 */
public final class PartitionCost {

	static final int COUNT = 100_000;

	/** Compared with each result, so that the result is used without being dereferenced. */
	static Object marker = new Object();

	private final ProcessRuntime runtime = ProcessRuntime.start();

	private final ProcessRegistry<String, Boolean> one = ProcessRegistry.start(this.runtime,
			RegistryOptions.unique("one-partition"));

	private final ProcessRegistry<String, Boolean> two = ProcessRegistry.start(this.runtime,
			RegistryOptions.unique("two-partitions").withPartitions(2));

	private final ConcurrentHashMap<String, Thread> map = new ConcurrentHashMap<>();

	private final String[] lookups = new String[COUNT];

	private PartitionCost() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 3 || !args[0].matches("lookup|register") || !args[1].matches("random|sequential")
				|| !args[2].matches("[1-9][0-9]{0,5}")) {
			throw new IllegalArgumentException("usage: PartitionCost <lookup|register> <random|sequential> <rounds, 1 or more>");
		}
		int rounds = Integer.parseInt(args[2]);
		PartitionCost cost = new PartitionCost();
		cost.populate("random".equals(args[1]));
		Measure measure = "lookup".equals(args[0]) ? cost.lookups() : cost.refusals();
		double[] best = { Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE };
		double[] oneToMap = new double[rounds];
		double[] twoToMap = new double[rounds];
		double[] twoToOne = new double[rounds];
		for (int warmUp = 0; warmUp < 100; warmUp++) {
			for (int which = 0; which < 3; which++) {
				measure.nanosPerOperation(which);
			}
		}
		for (int round = 0; round < rounds; round++) {
			double[] time = new double[3];
			for (int turn = 0; turn < 3; turn++) {
				int which = (round + turn) % 3;
				time[which] = measure.nanosPerOperation(which);
				best[which] = Math.min(best[which], time[which]);
			}
			oneToMap[round] = time[2] / time[0];
			twoToMap[round] = time[2] / time[1];
			twoToOne[round] = time[0] / time[1];
		}
		Arrays.sort(oneToMap);
		Arrays.sort(twoToMap);
		Arrays.sort(twoToOne);
		System.out.printf("%s %s: best ns/op one partition %.1f, two %.1f, map %.1f; per-round medians:"
				+ " one/map %.2fx, two/map %.2fx, two/one %.2fx (quartiles %.2f-%.2f, %d rounds)%n", args[0], args[1],
				best[0], best[1], best[2], oneToMap[rounds / 2], twoToMap[rounds / 2], twoToOne[rounds / 2],
				twoToOne[rounds / 4], twoToOne[3 * rounds / 4], rounds);
		System.exit(0);
	}

	/** One round of one side: 0 the registry of one partition, 1 of two, 2 the map. */
	@FunctionalInterface
	interface Measure {

		double nanosPerOperation(int which) throws Exception;

	}

	private void populate(boolean shuffled) throws InterruptedException {
		String[] keys = new String[COUNT];
		for (int i = 0; i < COUNT; i++) {
			keys[i] = "session-" + i;
		}
		int[] order = LookupOrder.of(COUNT, shuffled);
		for (int i = 0; i < COUNT; i++) {
			this.lookups[i] = "session-" + order[i];
		}
		CountDownLatch registered = new CountDownLatch(2 * COUNT);
		for (int i = 0; i < COUNT; i++) {
			String key = keys[i];
			// half the processes register in the other order, so neither registry's entries come first
			ProcessRegistry<String, Boolean> first = ((i & 1) == 0) ? this.one : this.two;
			ProcessRegistry<String, Boolean> second = ((i & 1) == 0) ? this.two : this.one;
			this.runtime.spawn((ctx) -> {
				first.register(key, Boolean.TRUE);
				second.register(key, Boolean.TRUE);
				registered.countDown();
				ctx.receive();
			});
			HandRolledProcess.start(this.map, key, registered);
		}
		if (!registered.await(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException(registered.getCount() + " did not register");
		}
		if (this.one.count() != COUNT || this.two.count() != COUNT || this.map.size() != COUNT) {
			throw new IllegalStateException("counts " + this.one.count() + ", " + this.two.count() + ", map "
					+ this.map.size());
		}
	}

	private Measure lookups() {
		return (which) -> {
			long started = System.nanoTime();
			long hits = switch (which) {
				case 0 -> lookUp(this.one, this.lookups);
				case 1 -> lookUp(this.two, this.lookups);
				default -> get(this.map, this.lookups);
			};
			double nanos = (double) (System.nanoTime() - started) / COUNT;
			if (hits != 0) {
				throw new IllegalStateException("a lookup answered the marker");
			}
			return nanos;
		};
	}

	private static long lookUp(ProcessRegistry<String, Boolean> registry, String[] keys) {
		long hits = 0;
		for (String key : keys) {
			hits += (registry.whereis(key).orElse(null) == marker) ? 1 : 0;
		}
		return hits;
	}

	private static long get(ConcurrentHashMap<String, Thread> map, String[] keys) {
		long hits = 0;
		for (String key : keys) {
			hits += (map.get(key) == marker) ? 1 : 0;
		}
		return hits;
	}

	/** A driver process runs each round, so that the registers are a process's; it answers ns per refusal. */
	private Measure refusals() {
		String[] keys = this.lookups;
		ProcessRegistry<String, Boolean> one = this.one;
		ProcessRegistry<String, Boolean> two = this.two;
		ConcurrentHashMap<String, Thread> map = this.map;
		Thread self = Thread.ofVirtual().unstarted(() -> {
		});
		ToLongFunction<ProcessRegistry<String, Boolean>> refuse = (registry) -> {
			long refused = 0;
			for (String key : keys) {
				refused += (registry.register(key, Boolean.TRUE) instanceof RegisterResult.AlreadyRegistered) ? 1 : 0;
			}
			return refused;
		};
		Pid driver = this.runtime.spawn((ctx) -> {
			for (;;) {
				Round round = (Round) ctx.receive();
				long started = System.nanoTime();
				long refused = switch (round.which()) {
					case 0 -> refuse.applyAsLong(one);
					case 1 -> refuse.applyAsLong(two);
					default -> putIfAbsent(map, keys, self);
				};
				double nanos = (double) (System.nanoTime() - started) / COUNT;
				if (refused == COUNT) {
					round.done().complete(nanos);
				}
				else {
					round.done().completeExceptionally(new IllegalStateException(refused + " refusals of " + COUNT));
				}
			}
		});
		return (which) -> {
			CompletableFuture<Double> done = new CompletableFuture<>();
			this.runtime.send(driver, new Round(which, done));
			return done.get(60, TimeUnit.SECONDS);
		};
	}

	/** Asks the driver for one round of one side; completed with its nanoseconds per refusal. */
	record Round(int which, CompletableFuture<Double> done) {
	}

	private static long putIfAbsent(ConcurrentHashMap<String, Thread> map, String[] keys, Thread self) {
		long refused = 0;
		for (String key : keys) {
			refused += (map.putIfAbsent(key, self) != null) ? 1 : 0;
		}
		return refused;
	}

}
