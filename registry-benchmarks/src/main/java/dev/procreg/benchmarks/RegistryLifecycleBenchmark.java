package dev.procreg.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Registry work at the scale of {@value #COUNT} processes, one shot per iteration (time in ms
 * for the whole batch; divide {@value #COUNT} by it for a rate).
 *
 * <ul>
 * <li>{@code spawnAndRegister}: spawn {@value #COUNT} processes, each registering a unique String
 * key and then waiting in {@code receive}; done when all have registered. Baseline: what a user
 * writes by hand, {@value #COUNT} virtual threads each putting its key in a
 * {@code ConcurrentHashMap} and waiting on its own {@code LinkedTransferQueue}.</li>
 * <li>{@code killAndCleanUp}: {@value #COUNT} registered processes (made before the shot) are
 * killed with {@code exit(pid, KILL)}; done when {@code count()} is 0. Baseline: the hand-rolled
 * threads are interrupted and each removes its own key in a {@code finally} block, as a user
 * would; done when the map is empty.</li>
 * </ul>
 * Each shot starts from a fresh runtime and registry (or a fresh map); the processes of a shot
 * are killed, and the runtime closed, outside the measured time, and both sides wait there until
 * the threads of the shot have ended, so that no shot pays for the end of the one before. Both
 * then drop the shot's pids or threads: left in the state's array until the next shot overwrote
 * them, the ended processes (and through their bodies the shot's registry or map) stayed
 * reachable, and a collection in the next shot copied them as live. Both then collect the heap,
 * outside the measured time, as {@link SpawnCost} does: a young collection inside a shot promotes
 * the shot's live threads, nothing collected the old generation between shots, and the heap grew
 * by 60-80 MB of dead threads a shot (10 MB to 1 GB after 13 shots, young pauses from 30 to 400
 * ms), so that a shot paid for the garbage of every shot before it, the more the later it ran.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RegistryLifecycleBenchmark {

	static final int COUNT = 100_000;

	private static final String[] KEYS = new String[COUNT];

	static {
		for (int i = 0; i < COUNT; i++) {
			KEYS[i] = "key-" + i;
		}
	}

	/** A fresh runtime and registry per shot; everything is killed after the shot, unmeasured. */
	@State(Scope.Thread)
	public static class Processes {

		ProcessRuntime runtime;

		ProcessRegistry<String, Boolean> registry;

		final Pid[] pids = new Pid[COUNT];

		@Setup(Level.Invocation)
		public void prepare() {
			this.runtime = ProcessRuntime.start(ProcessRuntime.Options.defaults().withShutdownTimeout(Duration.ZERO));
			this.registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("lifecycle"));
		}

		/**
		 * Closes the runtime and waits until every process's thread has left its code, as the
		 * hand-rolled teardown joins its threads: {@code close()} returns once every process is
		 * dead, while the killed processes' threads still wake up and unwind, and left to
		 * themselves they would do that (and be copied by the collector) inside the next shot.
		 */
		@TearDown(Level.Invocation)
		public void cleanUp() {
			this.runtime.close();
			for (Pid pid : this.pids) {
				if (pid != null && !this.runtime.awaitThreadLeft(pid, Duration.ofMinutes(1))) {
					throw new IllegalStateException(pid + " still runs its code a minute after the runtime closed");
				}
			}
			Arrays.fill(this.pids, null);
			System.gc();
		}

		void spawnRegistered() throws InterruptedException {
			ProcessRegistry<String, Boolean> registry = this.registry;
			CountDownLatch started = new CountDownLatch(COUNT);
			for (int i = 0; i < COUNT; i++) {
				String key = KEYS[i];
				this.pids[i] = this.runtime.spawn((ctx) -> {
					registry.register(key, Boolean.TRUE);
					started.countDown();
					ctx.receive();
				});
			}
			await(started);
		}

	}

	/** Like {@link Processes}, with the processes spawned and registered before the shot. */
	@State(Scope.Thread)
	public static class RegisteredProcesses extends Processes {

		@Override
		@Setup(Level.Invocation)
		public void prepare() {
			super.prepare();
			try {
				spawnRegistered();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * A fresh map per shot, as the registry is fresh per shot: a cleared map would keep the
	 * table it grew to in an earlier shot and skip the resizes the registry's table goes through.
	 * The threads are ended after the shot, unmeasured.
	 */
	@State(Scope.Thread)
	public static class HandRolled {

		ConcurrentHashMap<String, Thread> map;

		final Thread[] threads = new Thread[COUNT];

		@Setup(Level.Invocation)
		public void prepare() {
			this.map = new ConcurrentHashMap<>();
		}

		@TearDown(Level.Invocation)
		public void cleanUp() throws InterruptedException {
			for (Thread thread : this.threads) {
				thread.interrupt();
			}
			for (Thread thread : this.threads) {
				thread.join();
			}
			Arrays.fill(this.threads, null);
			System.gc();
		}

		void start() throws InterruptedException {
			ConcurrentHashMap<String, Thread> map = this.map;
			CountDownLatch started = new CountDownLatch(COUNT);
			for (int i = 0; i < COUNT; i++) {
				String key = KEYS[i];
				this.threads[i] = HandRolledProcess.start(map, key, started);
			}
			await(started);
		}

	}

	/** Like {@link HandRolled}, with the threads started before the shot. */
	@State(Scope.Thread)
	public static class StartedHandRolled extends HandRolled {

		@Override
		@Setup(Level.Invocation)
		public void prepare() {
			super.prepare();
			try {
				start();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	@Benchmark
	public void spawnAndRegister(Processes processes) throws InterruptedException {
		processes.spawnRegistered();
	}

	@Benchmark
	public void baselineSpawnAndPut(HandRolled handRolled) throws InterruptedException {
		handRolled.start();
	}

	@Benchmark
	public void killAndCleanUp(RegisteredProcesses processes) {
		for (Pid pid : processes.pids) {
			processes.runtime.exit(pid, ExitReason.KILL);
		}
		while (processes.registry.count() != 0) {
			Thread.onSpinWait();
		}
	}

	@Benchmark
	public void baselineInterruptAndRemove(StartedHandRolled handRolled) {
		for (Thread thread : handRolled.threads) {
			thread.interrupt();
		}
		while (!handRolled.map.isEmpty()) {
			Thread.onSpinWait();
		}
	}

	static void await(CountDownLatch latch) throws InterruptedException {
		if (!latch.await(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException(latch.getCount() + " of " + COUNT + " did not start");
		}
	}

}
