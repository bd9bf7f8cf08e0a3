package dev.procreg.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;

/**
 * What one shot of {@link RegistryLifecycleBenchmark}'s spawn + register costs, in counts a
 * loaded machine moves less than wall time: CPU of the whole JVM, CPU of the spawning thread
 * (the serial path) and bytes allocated, per shot. Not a JMH benchmark: a plain {@code main}
 * that runs the benchmark's work (or its baseline's) several times, with a {@code System.gc()}
 * between shots, and prints each shot and the medians. After each shot the runtime is closed and
 * every process's thread awaited, as the baseline joins its threads ({@code -Dspawncost.nojoin=true}
 * skips that, to see what a shot pays for the previous one's unwinding threads). Give it a young
 * generation large enough
 * that no collection falls inside a shot, so that the shot's own work is measured:
 *
 * <pre>
 * java -Xms6g -Xmx6g -Xmn4g -cp benchmarks.jar dev.procreg.benchmarks.SpawnCost ours 7
 * java -Xms6g -Xmx6g -Xmn4g -cp benchmarks.jar dev.procreg.benchmarks.SpawnCost baseline 7
 * </pre>
 * {@code pair} alternates the two in one JVM, each going first in every other round, and prints
 * each round's ratio (the baseline's wall over ours), their median and the balanced median
 * ({@link BalancedRatios}): an even number of rounds; a machine whose speed swings between
 * runs moves both shots of a round alike, so the ratio holds where separate JVMs disagree.
 * <pre>
 * java -Xms6g -Xmx6g -Xmn4g -cp benchmarks.jar dev.procreg.benchmarks.SpawnCost pair 16
 * java -cp benchmarks.jar dev.procreg.benchmarks.SpawnCost pair 16    # the default heap, as users run
 * </pre>
 * {@code aa} runs the same rounds with the baseline on both sides (A and B): its median over
 * several JVMs shows how far a pair's median strays when nothing differs (the verdict's noise
 * floor).
 * {@code parts} takes the shot apart by subtraction: each round runs ours, ours whose processes
 * do not register, the baseline, and the baseline whose threads do not {@code put}, in one JVM,
 * and prints each variant's median wall, mean process CPU and median bytes allocated a process.
 * What a register costs the shot is the difference between the first two; what a {@code put}
 * costs, between the last two.
 * <pre>
 * java -Xms6g -Xmx6g -Xmn4g -cp benchmarks.jar dev.procreg.benchmarks.SpawnCost parts 25
 * </pre>
 * {@code -Dspawncost.presized=true} sizes both sides for the shot's keys before it, ours with
 * {@code RegistryOptions.withExpectedKeys}, the baseline's map with its initial capacity: what a
 * user who knows the scale gets, like with like. {@code -Dspawncost.shuffled=true} hands both
 * sides the keys in a random order (seed 42) instead of {@code key-0}, {@code key-1}, …, so that
 * processes started one after another do not register neighbouring keys.
 */
public final class SpawnCost {

	private static final int COUNT = RegistryLifecycleBenchmark.COUNT;

	/** Both sides sized for the shot's keys ({@code -Dspawncost.presized=true}). */
	private static final boolean PRESIZED = Boolean.getBoolean("spawncost.presized");

	private static final String[] KEYS = new String[COUNT];

	static {
		for (int i = 0; i < COUNT; i++) {
			KEYS[i] = "key-" + i;
		}
		if (Boolean.getBoolean("spawncost.shuffled")) {
			Collections.shuffle(Arrays.asList(KEYS), new Random(42));
		}
	}

	private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private SpawnCost() {
	}

	public static void main(String[] args) throws Exception {
		String mode = (args.length > 0) ? args[0] : "ours";
		boolean paired = mode.equals("pair") || mode.equals("aa");
		int shots = (args.length > 1) ? Turns.count(args[1], "rounds") : (paired ? 16 : 7);
		if (paired) {
			Turns.requireEvenRounds(shots, "SpawnCost " + mode);
			pairs(shots, mode.equals("aa"));
			return;
		}
		if (mode.equals("parts")) {
			parts(shots);
			return;
		}
		if (!mode.equals("ours") && !mode.equals("baseline")) {
			throw new IllegalArgumentException("unknown mode " + mode + "; use ours, baseline, pair, aa or parts");
		}
		int warmups = 3;
		long[] wall = new long[shots];
		long[] cpu = new long[shots];
		long[] spawner = new long[shots];
		long[] allocated = new long[shots];
		for (int shot = -warmups; shot < shots; shot++) {
			System.gc();
			Shot result = mode.equals("ours") ? ours() : baseline();
			if (shot >= 0) {
				wall[shot] = result.wall;
				cpu[shot] = result.cpu;
				spawner[shot] = result.spawner;
				allocated[shot] = result.allocated;
			}
			System.out.printf("%s shot %2d: wall %4d ms, process CPU %5d ms, spawning thread CPU %4d ms, allocated %,d B (%,d B per process)%n",
					mode, shot, result.wall / 1_000_000, result.cpu / 1_000_000, result.spawner / 1_000_000,
					result.allocated, result.allocated / COUNT);
		}
		System.out.printf("RESULT %s (median of %d): wall %d ms, process CPU %d ms, spawning thread CPU %d ms, allocated %,d B per process%n",
				mode, shots, median(wall) / 1_000_000, median(cpu) / 1_000_000, median(spawner) / 1_000_000,
				median(allocated) / COUNT);
	}

	/**
	 * Rounds of ours and the baseline in this JVM, each first in every other round ({@link Turns}),
	 * after four warm-up rounds; ratios per round, their median and the balanced median. With
	 * {@code againstItself} ({@code aa}) the baseline takes ours' place too, as side A against side
	 * B: two sides that do the same work, so the spread of this median over JVMs is what a pair's
	 * verdict must exceed.
	 */
	private static void pairs(int rounds, boolean againstItself) throws InterruptedException {
		String first = againstItself ? "A" : "ours";
		String second = againstItself ? "B" : "baseline";
		double[] ratios = new double[rounds];
		for (int round = -4; round < rounds; round++) {
			boolean firstFirst = Turns.firstGoesFirst(round);
			Shot ours;
			Shot baseline;
			if (firstFirst) {
				System.gc();
				ours = againstItself ? baseline() : ours();
				System.gc();
				baseline = baseline();
			}
			else {
				System.gc();
				baseline = baseline();
				System.gc();
				ours = againstItself ? baseline() : ours();
			}
			double ratio = (double) baseline.wall / ours.wall;
			if (round >= 0) {
				ratios[round] = ratio;
			}
			System.out.printf("round %2d: %s %4d ms, %s %4d ms, ratio %.2f (%s first)%n", round, first,
					ours.wall / 1_000_000, second, baseline.wall / 1_000_000, ratio, firstFirst ? first : second);
		}
		double[] balanced = BalancedRatios.of(ratios);
		double[] sorted = ratios.clone();
		Arrays.sort(sorted);
		String ratioIs = againstItself ? "B's wall over A's; above 1: A quicker"
				: "the baseline's wall over ours; above 1: ours quicker";
		System.out.printf("RESULT %s (%d rounds%s): median ratio %.3f (%s), range %.2f-%.2f; balanced median %.3f"
				+ " (range %.2f-%.2f, %d pairs of rounds)%n", againstItself ? "aa" : "pair", rounds,
				Turns.FIXED_ORDER ? ", fixed order" : "", BalancedRatios.median(sorted), ratioIs, sorted[0],
				sorted[rounds - 1], BalancedRatios.median(balanced), balanced[0], balanced[balanced.length - 1],
				balanced.length);
	}

	/** Rounds of the four variants in this JVM, after three warm-up rounds; medians and means per variant. */
	private static void parts(int rounds) throws InterruptedException {
		String[] names = { "ours", "ours, no register", "baseline", "baseline, no put" };
		long[][] wall = new long[names.length][rounds];
		long[][] cpu = new long[names.length][rounds];
		long[][] allocated = new long[names.length][rounds];
		for (int round = -3; round < rounds; round++) {
			for (int variant = 0; variant < names.length; variant++) {
				System.gc();
				Shot shot = switch (variant) {
					case 0 -> ours(true);
					case 1 -> ours(false);
					case 2 -> baseline(true);
					default -> baseline(false);
				};
				if (round >= 0) {
					wall[variant][round] = shot.wall;
					cpu[variant][round] = shot.cpu;
					allocated[variant][round] = shot.allocated;
				}
			}
		}
		for (int variant = 0; variant < names.length; variant++) {
			System.out.printf("RESULT parts (%d rounds) %-18s wall median %5.1f ms, process CPU mean %6.1f ms, allocated median %,d B per process%n",
					rounds, names[variant], median(wall[variant]) / 1e6, Arrays.stream(cpu[variant]).average().orElse(0) / 1e6,
					median(allocated[variant]) / COUNT);
		}
	}

	private record Shot(long wall, long cpu, long spawner, long allocated) {
	}

	private static Shot ours() throws InterruptedException {
		return ours(true);
	}

	private static Shot ours(boolean register) throws InterruptedException {
		ProcessRuntime runtime = ProcessRuntime.start(ProcessRuntime.Options.defaults().withShutdownTimeout(Duration.ZERO));
		ProcessRegistry<String, Boolean> registry = ProcessRegistry.start(runtime,
				RegistryOptions.unique("lifecycle").withExpectedKeys(PRESIZED ? COUNT : 0));
		CountDownLatch started = new CountDownLatch(COUNT);
		Pid[] pids = new Pid[COUNT];
		long allocatedBefore = THREADS.getTotalThreadAllocatedBytes();
		long cpuBefore = OS.getProcessCpuTime();
		long spawnerBefore = THREADS.getCurrentThreadCpuTime();
		long wallBefore = System.nanoTime();
		for (int i = 0; i < COUNT; i++) {
			String key = KEYS[i];
			pids[i] = register ? runtime.spawn((ctx) -> {
				registry.register(key, Boolean.TRUE);
				started.countDown();
				ctx.receive();
			}) : runtime.spawn((ctx) -> {
				started.countDown();
				ctx.receive();
			});
		}
		long spawner = THREADS.getCurrentThreadCpuTime() - spawnerBefore;
		RegistryLifecycleBenchmark.await(started);
		Shot shot = new Shot(System.nanoTime() - wallBefore, OS.getProcessCpuTime() - cpuBefore, spawner,
				THREADS.getTotalThreadAllocatedBytes() - allocatedBefore);
		runtime.close();
		if (!Boolean.getBoolean("spawncost.nojoin")) {
			for (Pid pid : pids) {
				runtime.awaitThreadLeft(pid, Duration.ofMinutes(1));
			}
		}
		return shot;
	}

	private static Shot baseline() throws InterruptedException {
		return baseline(true);
	}

	private static Shot baseline(boolean put) throws InterruptedException {
		ConcurrentHashMap<String, Thread> map = PRESIZED ? new ConcurrentHashMap<>(COUNT) : new ConcurrentHashMap<>();
		Thread[] threads = new Thread[COUNT];
		CountDownLatch started = new CountDownLatch(COUNT);
		long allocatedBefore = THREADS.getTotalThreadAllocatedBytes();
		long cpuBefore = OS.getProcessCpuTime();
		long spawnerBefore = THREADS.getCurrentThreadCpuTime();
		long wallBefore = System.nanoTime();
		for (int i = 0; i < COUNT; i++) {
			String key = KEYS[i];
			threads[i] = put ? HandRolledProcess.start(map, key, started) : HandRolledProcess.startUnregistered(started);
		}
		long spawner = THREADS.getCurrentThreadCpuTime() - spawnerBefore;
		RegistryLifecycleBenchmark.await(started);
		Shot shot = new Shot(System.nanoTime() - wallBefore, OS.getProcessCpuTime() - cpuBefore, spawner,
				THREADS.getTotalThreadAllocatedBytes() - allocatedBefore);
		for (Thread thread : threads) {
			thread.interrupt();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		return shot;
	}

	private static long median(long[] values) {
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

}
