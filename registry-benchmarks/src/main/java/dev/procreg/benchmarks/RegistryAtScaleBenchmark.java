package dev.procreg.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegisterResult;
import dev.procreg.registry.RegistryOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * A unique registry holding {@value #COUNT} live processes, against the same work hand-rolled:
 * {@value #COUNT} virtual threads, each with a {@code LinkedTransferQueue} mailbox, each putting
 * its key in one {@code ConcurrentHashMap<String, Thread>} and removing it in {@code finally}.
 * Both populations live through the whole trial, in the same JVM, so the heap and the caches are
 * shared alike; {@code partitions} is the registry's number of partitions (the hand-rolled map
 * has none, and is measured again beside each setting), and {@code keyStrings} says whether both
 * sides register the same strings or each its own.
 *
 * <ul>
 * <li>{@code lookupHit}: {@code whereis} of a registered key from a JMH thread, against
 * {@code map.get}. The keys come as equal copies of the registered strings (a key read from a
 * request is never the registered instance), so both sides hash and compare, in the order given
 * by {@code order}: {@code random}, a fixed shuffle of all {@value #COUNT} (each lookup misses
 * the caches, as a lookup of one session among many does), or {@code sequential}, registration
 * order (neighbouring entries, the friendliest case for the caches).</li>
 * <li>{@code conflictingRegister}: a process registers every one of the {@value #COUNT} keys, each
 * held by another live process, and is refused each time ({@code AlreadyRegistered}); against a
 * hand-rolled thread calling {@code putIfAbsent} with itself, refused each time (the existing
 * thread comes back). Registering needs a calling process, so a driver process does a batch of
 * {@value #COUNT} per invocation when the JMH thread asks through its mailbox; the hand-rolled
 * driver is a virtual thread asked through its {@code LinkedTransferQueue}, the same way. Each
 * side counts its refusals, and a batch with one acceptance fails the run.</li>
 * <li>{@code churn}: the same driver, asked the same way, registers a key no one holds and
 * unregisters the one it registered {@value #WINDOW} steps before, {@value #COUNT} pairs per
 * invocation, among the {@value #COUNT} held keys: sessions coming and going in a large registry,
 * so every insert and removal meets cold slots and the table fills with tombstones that
 * rebuilds clear. Against the hand-rolled driver doing {@code put} + {@code remove} of the same
 * keys in the map. The keys cycle through {@value #CHURN_KEYS} strings, hashed before the trial;
 * a batch in which one register or unregister fails, or after which the driver does not hold
 * exactly its window, fails the run. {@code order} does not apply to it: run it with
 * {@code -p order=random}.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RegistryAtScaleBenchmark {

	static final int COUNT = 100_000;

	/** How many keys the churning driver holds: it unregisters each this many steps after registering it. */
	static final int WINDOW = 1_000;

	/** The churned keys, a power of two: each comes back after this many steps, long unregistered. */
	static final int CHURN_KEYS = 1 << 20;

	/** Lookups per invocation of the loop benchmarks. */
	static final int LOOP = 1_024;

	/** A power of two above {@link #COUNT}, so the lookup order wraps with a mask. */
	private static final int MASK = 131_071;

	@Param({ "1", "2" })
	public int partitions;

	/** The lookup order: {@code random} (a fixed shuffle) or {@code sequential} (registration order). */
	@Param({ "random", "sequential" })
	public String order;

	/**
	 * The registered strings: {@code shared}, one string per key that both sides register, all
	 * made in one loop before either population, so they sit side by side wherever the collector
	 * moves them; or {@code own}, an equal string for each side, made just before its process or
	 * thread among that population's objects, as an application's keys are made among its
	 * requests' objects ({@code -p keyStrings=own}). A lookup reads the registered key, so where
	 * it lies counts: with {@code own}, the map's keys move next to its nodes under G1, and ours
	 * lie among the processes' objects (benchmark README, "Whose keys: each side's own strings").
	 */
	@Param({ "shared" })
	public String keyStrings = "shared";

	private ProcessRuntime runtime;

	private ProcessRegistry<String, Boolean> registry;

	private final ConcurrentHashMap<String, Thread> map = new ConcurrentHashMap<>();

	private final Thread[] threads = new Thread[COUNT];

	/** The registered keys, in registration order, when both sides register the same strings. */
	private final String[] keys = new String[COUNT];

	/** Equal copies of the keys (their own bytes), in the lookup order, wrapped to a power of two. */
	private final String[] lookups = new String[MASK + 1];

	private Pid driver;

	private LinkedTransferQueue<Object> handRolledDriver;

	private Thread handRolledDriverThread;

	/** Per thread position in the lookup order. */
	@State(Scope.Thread)
	public static class Cursor {

		int next;

		int advance() {
			return this.next++ & MASK;
		}

	}

	/** Asks a driver for one batch; completed with the number of refusals. */
	record Batch(CompletableFuture<Integer> done) {
	}

	/** Asks a driver for one batch of churn; completed with the number of pairs that both succeeded. */
	record Churn(CompletableFuture<Integer> done) {
	}

	@Setup
	public void start() throws InterruptedException {
		if (!"shared".equals(this.keyStrings) && !"own".equals(this.keyStrings)) {
			throw new IllegalArgumentException("keyStrings must be shared or own: " + this.keyStrings);
		}
		boolean own = "own".equals(this.keyStrings);
		this.runtime = ProcessRuntime.start();
		this.registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("at-scale").withPartitions(this.partitions));
		for (int i = 0; !own && i < COUNT; i++) {
			this.keys[i] = "session-" + i;
		}
		int[] permutation = LookupOrder.of(COUNT, "random".equals(this.order));
		for (int i = 0; i <= MASK; i++) {
			this.lookups[i] = "session-" + permutation[i % COUNT];
		}
		CountDownLatch registered = new CountDownLatch(2 * COUNT);
		ProcessRegistry<String, Boolean> registry = this.registry;
		ConcurrentHashMap<String, Thread> map = this.map;
		for (int i = 0; i < COUNT; i++) {
			String key = own ? "session-" + i : this.keys[i];
			this.runtime.spawn((ctx) -> {
				registry.register(key, Boolean.TRUE);
				registered.countDown();
				ctx.receive();
			});
			this.threads[i] = HandRolledProcess.start(map, own ? "session-" + i : key, registered);
		}
		if (!registered.await(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException(registered.getCount() + " did not register");
		}
		if (this.registry.count() != COUNT || this.map.size() != COUNT) {
			throw new IllegalStateException("count " + this.registry.count() + ", map " + this.map.size());
		}
		String[] batchKeys = new String[COUNT];
		System.arraycopy(this.lookups, 0, batchKeys, 0, COUNT);
		String[] churnKeys = churnKeys();
		this.driver = this.runtime.spawn((ctx) -> {
			int step = 0;
			for (;;) {
				Object request = ctx.receive();
				if (request instanceof Churn churn) {
					int churned = 0;
					for (int end = step + COUNT; step < end; step++) {
						boolean taken = registry.register(churnKeys[step & (CHURN_KEYS - 1)],
								Boolean.TRUE) instanceof RegisterResult.Registered;
						boolean left = step < WINDOW || registry.unregister(churnKeys[(step - WINDOW) & (CHURN_KEYS - 1)]);
						if (taken && left) {
							churned++;
						}
					}
					churn.done().complete(churned);
					continue;
				}
				Batch batch = (Batch) request;
				int refused = 0;
				for (String key : batchKeys) {
					if (registry.register(key, Boolean.TRUE) instanceof RegisterResult.AlreadyRegistered) {
						refused++;
					}
				}
				batch.done().complete(refused);
			}
		});
		LinkedTransferQueue<Object> driverMailbox = new LinkedTransferQueue<>();
		this.handRolledDriver = driverMailbox;
		this.handRolledDriverThread = Thread.ofVirtual().start(() -> {
			try {
				int step = 0;
				for (;;) {
					Object request = driverMailbox.take();
					Thread self = Thread.currentThread();
					if (request instanceof Churn churn) {
						int churned = 0;
						for (int end = step + COUNT; step < end; step++) {
							boolean taken = map.putIfAbsent(churnKeys[step & (CHURN_KEYS - 1)], self) == null;
							boolean left = step < WINDOW || map.remove(churnKeys[(step - WINDOW) & (CHURN_KEYS - 1)]) != null;
							if (taken && left) {
								churned++;
							}
						}
						churn.done().complete(churned);
						continue;
					}
					Batch batch = (Batch) request;
					int refused = 0;
					for (String key : batchKeys) {
						if (map.putIfAbsent(key, self) != null) {
							refused++;
						}
					}
					batch.done().complete(refused);
				}
			}
			catch (InterruptedException ex) {
				// ended
			}
		});
	}

	@TearDown
	public void close() throws InterruptedException {
		this.runtime.close();
		this.handRolledDriverThread.interrupt();
		for (Thread thread : this.threads) {
			thread.interrupt();
		}
		for (Thread thread : this.threads) {
			thread.join();
		}
		this.handRolledDriverThread.join();
	}

	@Benchmark
	@Threads(1)
	public Object lookupHit(Cursor cursor) {
		return this.registry.whereis(this.lookups[cursor.advance()]).orElseThrow();
	}

	@Benchmark
	@Threads(1)
	public Object baselineMapGet(Cursor cursor) {
		return this.map.get(this.lookups[cursor.advance()]);
	}

	/**
	 * {@value #LOOP} lookups in a loop of the caller's own, as an application that looks up many
	 * keys in turn writes it: whether the JIT inlines {@code whereis} here depends on what it
	 * compiled first, which {@link #lookupHit} does not show.
	 */
	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(LOOP)
	public int lookupLoop(Cursor cursor) {
		int found = 0;
		for (int i = 0; i < LOOP; i++) {
			if (this.registry.whereis(this.lookups[cursor.advance()]).isPresent()) {
				found++;
			}
		}
		return found;
	}

	/** {@link #lookupLoop} with {@code whereisOrNull}, which allocates nothing when it is not inlined. */
	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(LOOP)
	public int lookupOrNullLoop(Cursor cursor) {
		int found = 0;
		for (int i = 0; i < LOOP; i++) {
			if (this.registry.whereisOrNull(this.lookups[cursor.advance()]) != null) {
				found++;
			}
		}
		return found;
	}

	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(LOOP)
	public int baselineMapGetLoop(Cursor cursor) {
		int found = 0;
		for (int i = 0; i < LOOP; i++) {
			if (this.map.get(this.lookups[cursor.advance()]) != null) {
				found++;
			}
		}
		return found;
	}

	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(COUNT)
	public int conflictingRegister() throws Exception {
		Batch batch = new Batch(new CompletableFuture<>());
		this.runtime.send(this.driver, batch);
		return refusedAll(batch);
	}

	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(COUNT)
	public int baselinePutIfAbsent() throws Exception {
		Batch batch = new Batch(new CompletableFuture<>());
		this.handRolledDriver.put(batch);
		return refusedAll(batch);
	}

	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(COUNT)
	public int churn() throws Exception {
		Churn churn = new Churn(new CompletableFuture<>());
		this.runtime.send(this.driver, churn);
		return churnedAll(churn, this.registry::count);
	}

	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(COUNT)
	public int baselineMapChurn() throws Exception {
		Churn churn = new Churn(new CompletableFuture<>());
		this.handRolledDriver.put(churn);
		return churnedAll(churn, this.map::mappingCount);
	}

	/** The churned keys, their hash codes computed now, so that neither side pays for it in the trial. */
	private static String[] churnKeys() {
		String[] keys = new String[CHURN_KEYS];
		for (int i = 0; i < CHURN_KEYS; i++) {
			keys[i] = "churn-" + i;
			keys[i].hashCode(); // a string keeps its hash code once computed
		}
		return keys;
	}

	/** Checks a batch: every pair churned, and the driver holding its window of keys beside the others. */
	private static int churnedAll(Churn churn, LongSupplier size) throws InterruptedException, ExecutionException, TimeoutException {
		int churned = churn.done().get(60, TimeUnit.SECONDS);
		if (churned != COUNT || size.getAsLong() != COUNT + WINDOW) {
			throw new IllegalStateException("churned " + churned + " of " + COUNT + ", " + size.getAsLong() + " keys held");
		}
		return churned;
	}

	private static int refusedAll(Batch batch) throws InterruptedException, ExecutionException, TimeoutException {
		int refused = batch.done().get(60, TimeUnit.SECONDS);
		if (refused != COUNT) {
			throw new IllegalStateException("refused " + refused + " of " + COUNT);
		}
		return refused;
	}

}
