package dev.procreg.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;

import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessInfo;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;

import org.jspecify.annotations.Nullable;

/**
 * Heap bytes per idle process, measured from the heap after GC: used heap after repeated
 * {@code System.gc()} once everything is idle, minus the same before creating them, divided by
 * their number. Not a JMH benchmark: a plain {@code main}, one measurement per JVM.
 *
 * <pre>
 * java -Xmx8g -cp benchmarks.jar dev.procreg.benchmarks.MemoryFootprint process   [count]
 * java -Xmx8g -cp benchmarks.jar dev.procreg.benchmarks.MemoryFootprint genserver [count]
 * java -Xmx8g -cp benchmarks.jar dev.procreg.benchmarks.MemoryFootprint baseline  [count]
 * java -Xmx8g -cp benchmarks.jar dev.procreg.benchmarks.MemoryFootprint registry  [count]
 * java -Xmx8g -cp benchmarks.jar dev.procreg.benchmarks.MemoryFootprint registry-baseline [count]
 * </pre>
 *
 * <ul>
 * <li>{@code process}: N spawned processes, each parked in {@code receive()}.</li>
 * <li>{@code genserver}: N started GenServers with a tiny state, idle (they hold no thread).</li>
 * <li>{@code baseline}: what a user writes by hand, N virtual threads each parked in
 * {@code take()} on its own {@code LinkedTransferQueue}; the threads and queues are kept in
 * arrays, as the runtime keeps its processes in a map.</li>
 * <li>{@code registry}: bytes per entry of a unique {@code ProcessRegistry<String, Boolean>}: N
 * idle GenServers are started and called once with a request that registers nothing (so the
 * first measurement already holds what a call leaves in a server: its mailbox, made by its first
 * message), then each is called again to register its own String key (built before the first
 * measurement, so the keys' own bytes are not counted; the value is the shared
 * {@code Boolean.TRUE}). The heap with N registered servers minus the heap with the same N
 * unregistered servers, divided by N.</li>
 * <li>{@code registry-baseline}: the same, with each key put in a raw
 * {@code ConcurrentHashMap<String, Pid>} instead.</li>
 * </ul>
 * The arrays that hold the pids (or threads and queues) are allocated before the first
 * measurement, so only what each process costs is counted. The runtime's own map of processes
 * grows with them and is counted, as is each virtual thread's stack, which lives in the heap
 * while the thread is parked.
 */
public final class MemoryFootprint {

	private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

	private MemoryFootprint() {
	}

	public static void main(String[] args) throws Exception {
		String mode = (args.length > 0) ? args[0] : "process";
		int count = (args.length > 1) ? Integer.parseInt(args[1].replace("_", "")) : 1_000_000;
		List<String> collectors = new ArrayList<>();
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			collectors.add(gc.getName());
		}
		System.out.printf("mode=%s count=%,d maxHeap=%,d MB gc=%s java=%s%n", mode, count,
				Runtime.getRuntime().maxMemory() >> 20, collectors, Runtime.version());
		long bytes = switch (mode) {
			case "process" -> processes(count);
			case "genserver" -> genServers(count);
			case "baseline" -> handRolled(count);
			case "registry" -> registryEntries(count, false);
			case "registry-baseline" -> registryEntries(count, true);
			default -> throw new IllegalArgumentException(
					"unknown mode " + mode + "; use process, genserver, baseline, registry or registry-baseline");
		};
		System.out.printf("RESULT %s: %,d bytes per %s (%,d bytes for %,d)%n", mode, bytes / count,
				mode.startsWith("registry") ? "entry" : "process", bytes, count);
		System.exit(0);
	}

	static long processes(int count) throws Exception {
		try (ProcessRuntime runtime = ProcessRuntime.start()) {
			Pid[] pids = new Pid[count];
			CountDownLatch started = new CountDownLatch(count);
			long before = usedAfterGc();
			for (int i = 0; i < count; i++) {
				pids[i] = runtime.spawn((ctx) -> {
					started.countDown();
					ctx.receive();
				});
			}
			started.await();
			for (Pid pid : pids) {
				while (runtime.processInfo(pid).map(ProcessInfo::status).orElseThrow() != ProcessInfo.Status.WAITING) {
					Thread.sleep(1);
				}
			}
			Thread.sleep(500);
			long after = usedAfterGc();
			hold();
			check(runtime.processCount() == count, "processes alive: " + runtime.processCount());
			return after - before;
		}
	}

	static long genServers(int count) throws Exception {
		try (ProcessRuntime runtime = ProcessRuntime.start()) {
			Pid[] pids = new Pid[count];
			long before = usedAfterGc();
			for (int i = 0; i < count; i++) {
				pids[i] = GenServer.start(runtime, new Servers.Idle(), null).orThrow();
			}
			long after = usedAfterGc();
			hold();
			check(runtime.processCount() == count, "servers alive: " + runtime.processCount());
			return after - before;
		}
	}

	static long registryEntries(int count, boolean rawMap) throws Exception {
		try (ProcessRuntime runtime = ProcessRuntime.start()) {
			ProcessRegistry<String, Boolean> registry = ProcessRegistry.start(runtime, RegistryOptions.unique("memory"));
			ConcurrentHashMap<String, Pid> map = new ConcurrentHashMap<>();
			Pid[] pids = new Pid[count];
			String[] keys = new String[count];
			for (int i = 0; i < count; i++) {
				keys[i] = "key-" + i;
				pids[i] = GenServer.start(runtime, new SelfRegistering(registry), null).orThrow();
				runtime.call(pids[i], SelfRegistering.NO_KEY);
			}
			long before = usedAfterGc();
			for (int i = 0; i < count; i++) {
				if (rawMap) {
					map.put(keys[i], pids[i]);
				}
				else {
					runtime.call(pids[i], keys[i]);
				}
			}
			long after = usedAfterGc();
			hold();
			long entries = rawMap ? map.size() : registry.count();
			check(entries == count, "entries: " + entries);
			return after - before;
		}
	}

	/** An idle server that registers itself under the key it is called with. */
	static final class SelfRegistering extends GenServer<Object> {

		private final ProcessRegistry<String, Boolean> registry;

		SelfRegistering(ProcessRegistry<String, Boolean> registry) {
			this.registry = registry;
		}

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			return ok(Boolean.TRUE);
		}

		/** A request that registers nothing: the first call, made before the first measurement. */
		static final Object NO_KEY = new Object();

		@Override
		protected Result<Object> handleCall(Object key, From from, Object state) {
			if (key == NO_KEY) {
				return reply(Boolean.FALSE, state);
			}
			return reply(this.registry.register((String) key, Boolean.TRUE), state);
		}

	}

	static long handRolled(int count) throws Exception {
		Thread[] threads = new Thread[count];
		@SuppressWarnings("unchecked")
		LinkedTransferQueue<Object>[] mailboxes = new LinkedTransferQueue[count];
		CountDownLatch started = new CountDownLatch(count);
		long before = usedAfterGc();
		for (int i = 0; i < count; i++) {
			LinkedTransferQueue<Object> mailbox = new LinkedTransferQueue<>();
			mailboxes[i] = mailbox;
			threads[i] = Thread.ofVirtual().start(() -> {
				started.countDown();
				try {
					mailbox.take();
				}
				catch (InterruptedException ex) {
					// ends the thread
				}
			});
		}
		started.await();
		for (Thread thread : threads) {
			while (thread.getState() != Thread.State.WAITING) {
				Thread.sleep(1);
			}
		}
		Thread.sleep(500);
		long after = usedAfterGc();
		hold();
		for (LinkedTransferQueue<Object> mailbox : mailboxes) {
			mailbox.put(Boolean.TRUE);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		return after - before;
	}

	static long usedAfterGc() throws InterruptedException {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			TimeUnit.MILLISECONDS.sleep(200);
			used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	/** With {@code -Dhold.seconds=N}, waits after measuring, for {@code jcmd <pid> GC.class_histogram}. */
	static void hold() throws InterruptedException {
		long seconds = Long.getLong("hold.seconds", 0L);
		if (seconds > 0) {
			System.out.printf("holding %d s for a heap histogram (pid %d)%n", seconds, ProcessHandle.current().pid());
			TimeUnit.SECONDS.sleep(seconds);
		}
	}

	static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

}
