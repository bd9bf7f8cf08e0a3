package dev.procreg.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Owner;
import dev.procreg.testing.RuntimeExtension;

import static dev.procreg.registry.RegistryTestSupport.idleOwner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EntryTable} and the unique registry on it under many threads and many writes that cross
 * its resizes (from 128 slots to tens of thousands), each with an invariant checked at the end.
 */
@ExtendWith(RuntimeExtension.class)
class EntryTableConcurrencyTests {

	private static final int THREADS = 4;

	private final ProcessRuntime runtime;

	private final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);

	EntryTableConcurrencyTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@AfterEach
	void close() throws InterruptedException {
		this.pool.shutdownNow();
		assertThat(this.pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
	}

	/** A key whose hash code three keys share, so that many probe past others. */
	record Key(int id) {

		@Override
		public int hashCode() {
			return this.id / 3;
		}

	}

	/**
	 * Each thread writes its own keys (every fourth), interleaved in the slots and stripes with the
	 * others', and checks after each write that a lock-free read sees it; a reader walks the table
	 * meanwhile and must never meet an entry twice in one walk (a key that left and came back may
	 * be met under its old and its new entry: see {@link EntryTable#forEach}). Three keys share each
	 * hash code, and the codes are dense, so on the way one of the rebuilds finds the entries far
	 * from their homes and scrambles the table ({@link EntryTable#probesLong}) while the others
	 * read and walk. At the end every key's tag is the last its thread wrote, each key is walked
	 * once and the size is exact.
	 */
	@Test
	void insertsRemovesAndReplacesAcrossResizesLoseNothing() throws Exception {
		EntryTable<Key, Integer> table = new EntryTable<>();
		Owner owner = idleOwner(this.runtime);
		int keysPerThread = 10_000;
		int steps = 60_000;
		AtomicBoolean writing = new AtomicBoolean(true);
		List<String> violations = new CopyOnWriteArrayList<>();
		AtomicInteger walks = new AtomicInteger();
		Future<?> walker = this.pool.submit(() -> {
			while (writing.get()) {
				Set<Registration<Key, Integer>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
				table.forEach((entry) -> {
					if (!seen.add(entry)) {
						violations.add("walk met the entry of " + entry.key + " twice");
					}
				});
				walks.incrementAndGet();
			}
		});
		List<Future<Map<Key, Integer>>> writers = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			writers.add(this.pool.submit(() -> {
				SplittableRandom random = new SplittableRandom(42 + thread);
				Map<Key, Integer> model = new HashMap<>();
				for (int step = 0; step < steps; step++) {
					Key key = new Key(random.nextInt(keysPerThread) * THREADS + thread);
					int tag = step;
					Registration<Key, Integer> fresh = new Registration<>(null, key, owner, tag);
					int op = random.nextInt(10);
					if (op < 5) {
						table.compute(key, null, (existing, given) -> (existing != null) ? existing : fresh);
						model.putIfAbsent(key, tag);
					}
					else if (op < 7) {
						table.compute(key, null, (existing, given) -> null);
						model.remove(key);
					}
					else {
						table.compute(key, null, (existing, given) -> (existing != null) ? fresh : null);
						model.replace(key, tag);
					}
					Registration<Key, Integer> read = table.get(new Key(key.id()));
					Integer expected = model.get(key);
					Integer actual = (read != null) ? read.value : null;
					if (!java.util.Objects.equals(expected, actual)) {
						violations.add("thread " + thread + " step " + step + ": " + key + " read " + actual
								+ ", wrote " + expected);
					}
				}
				return model;
			}));
		}
		Map<Key, Integer> expected = new HashMap<>();
		for (Future<Map<Key, Integer>> writer : writers) {
			expected.putAll(writer.get(120, TimeUnit.SECONDS));
		}
		writing.set(false);
		walker.get(20, TimeUnit.SECONDS);
		assertThat(violations).isEmpty();
		assertThat(walks.get()).isPositive();
		assertThat(expected.size()).as("enough keys to grow the table many times").isGreaterThan(10_000);
		for (Map.Entry<Key, Integer> entry : expected.entrySet()) {
			Registration<Key, Integer> found = table.get(entry.getKey());
			assertThat(found).as("%s", entry.getKey()).isNotNull();
			assertThat(found.value).as("%s", entry.getKey()).isEqualTo(entry.getValue());
		}
		Map<Key, Integer> walked = new HashMap<>();
		table.forEach((entry) -> assertThat(walked.put(entry.key, entry.value)).as("walked twice: %s", entry.key).isNull());
		assertThat(walked).isEqualTo(expected);
		assertThat(table.size()).isEqualTo(expected.size());
		assertThat(table.scrambled()).as("a rebuild under way scrambled the table: its keys' hash codes repeat").isTrue();
	}

	/**
	 * Four threads race to put the same 40,000 keys in, in one order, so that they meet at each key, half of their
	 * inserts first without the stripe's lock ({@link EntryTable#insertAtHome}, as a register
	 * makes them) and the rest locked, while the table grows from 128 slots. Three keys share each hash code, so unlocked inserts claim homes
	 * that locked inserts of the same and of colliding keys probe. Every call's function runs once;
	 * each key has one winner, whose entry every read returns; the table holds each key once and
	 * counts them exactly.
	 */
	@Test
	void unlockedAndLockedInsertsOfTheSameKeysHaveOneWinnerEach() throws Exception {
		EntryTable<Key, Integer> table = new EntryTable<>();
		int keys = 40_000;
		Owner[] owners = new Owner[THREADS];
		for (int t = 0; t < THREADS; t++) {
			owners[t] = idleOwner(this.runtime);
		}
		List<String> violations = new CopyOnWriteArrayList<>();
		AtomicInteger unlocked = new AtomicInteger();
		List<Future<List<Key>>> racers = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			racers.add(this.pool.submit(() -> {
				List<Integer> order = new ArrayList<>(IntStream.range(0, keys).boxed().toList());
				Collections.shuffle(order, new java.util.Random(7)); // one order for all: they race for each key at once
				SplittableRandom random = new SplittableRandom(11 + thread);
				List<Key> won = new ArrayList<>();
				int[] runs = { 0 };
				EntryTable.Remapping<Key, Integer> putIfAbsent = (existing, given) -> {
					runs[0]++;
					return (existing != null) ? existing : given;
				};
				for (int id : order) {
					Key key = new Key(id);
					Registration<Key, Integer> fresh = new Registration<>(null, key, owners[thread], thread);
					runs[0] = 0;
					boolean in = random.nextBoolean() && table.insertAtHome(fresh, putIfAbsent);
					if (in) {
						unlocked.incrementAndGet();
					}
					Registration<Key, Integer> now = in ? fresh : table.compute(key, fresh, putIfAbsent);
					if (runs[0] != 1) {
						violations.add(key + ": the function ran " + runs[0] + " times");
					}
					if (now == fresh) {
						won.add(key);
					}
					else if (now == null || !now.key.equals(key)) {
						violations.add(key + ": the insert answered " + now);
					}
				}
				return won;
			}));
		}
		Map<Key, Integer> winners = new HashMap<>();
		for (int t = 0; t < THREADS; t++) {
			for (Key key : racers.get(t).get(120, TimeUnit.SECONDS)) {
				Integer other = winners.put(key, t);
				if (other != null) {
					violations.add(key + " won by threads " + other + " and " + t);
				}
			}
		}
		assertThat(violations).isEmpty();
		assertThat(unlocked.get()).as("inserts that went in unlocked").isGreaterThan(1_000);
		assertThat(winners).hasSize(keys);
		for (Map.Entry<Key, Integer> winner : winners.entrySet()) {
			Registration<Key, Integer> found = table.get(new Key(winner.getKey().id()));
			assertThat(found).as("%s", winner.getKey()).isNotNull();
			assertThat(found.value).as("%s", winner.getKey()).isEqualTo(winner.getValue());
			assertThat(table.livePid(winner.getKey())).as("%s", winner.getKey()).isEqualTo(owners[winner.getValue()].pid());
		}
		Map<Key, Integer> walked = new HashMap<>();
		table.forEach((entry) -> assertThat(walked.put(entry.key, entry.value)).as("walked twice: %s", entry.key).isNull());
		assertThat(walked).isEqualTo(winners);
		assertThat(table.size()).isEqualTo(keys);
	}

	/**
	 * Four threads insert 60,000 keys each at once, dense integers that fill whole runs and take
	 * every stripe, into a table that grows from 128 slots to 524,288. From 8,192 slots on a stripe adds
	 * the slots it claims to the shared count a few at a time ({@link EntryTable#addEvery}), so a
	 * writer sees the others' claims late: the table must still grow in time (checked as it grows:
	 * the entries never above half the slots plus a 64th, plus one insert a thread under way; a
	 * table without a {@code null} slot would probe for ever), grow no more than it must (240,000
	 * entries fit under half of 524,288 slots; claims counted twice would double it once more), and
	 * count every entry once. A violation stops every writer, so that a table on its way to full
	 * fails the test before its writers would probe for ever.
	 */
	@Test
	void writersOfEveryStripeAtOnceGrowTheTableInTimeAndCountExactly() throws Exception {
		EntryTable<Integer, Boolean> table = new EntryTable<>();
		Owner owner = idleOwner(this.runtime);
		int perThread = 60_000;
		List<String> violations = new CopyOnWriteArrayList<>();
		List<Future<?>> writers = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			writers.add(this.pool.submit(() -> {
				for (int i = 0; i < perThread && violations.isEmpty(); i++) {
					Integer key = i * THREADS + thread;
					Registration<Integer, Boolean> entry = new Registration<>(null, key, owner, Boolean.TRUE);
					table.compute(key, null, (existing, given) -> (existing != null) ? existing : entry);
					if ((i & 255) == 0) {
						// the size first: the capacity read after it is at least the one it was counted against
						long size = table.size();
						long capacity = table.capacity();
						if (size > capacity / 2 + capacity / 64 + THREADS) {
							violations.add(size + " entries in " + capacity + " slots");
						}
					}
				}
			}));
		}
		for (Future<?> writer : writers) {
			writer.get(120, TimeUnit.SECONDS);
		}
		int count = THREADS * perThread;
		assertThat(violations).isEmpty();
		assertThat(table.size()).isEqualTo(count);
		assertThat(table.capacity()).as("slots for %d entries", count).isLessThanOrEqualTo(4 * count);
		assertThat(IntStream.range(0, count).filter((key) -> table.get(key) == null))
			.as("keys not found").isEmpty();
	}

	/**
	 * Threads race to register, unregister and kill the owners of 5,000 shared keys in a unique
	 * registry of two partitions, so both tables grow while keys change hands; a reader checks
	 * that no lookup returns an owner whose kill had returned before the lookup began. Once quiet,
	 * every key has at most one live claimant and is found under it, the walk of {@code select}
	 * returns each live key once, and both counts agree with the claims.
	 */
	@Test
	void registersAndKillsOfThousandsOfKeysAcrossResizesLeaveEachLiveKeyOnce() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("many").withPartitions(2));
		int keys = 5_000;
		Map<String, Set<Owner>> claims = new ConcurrentHashMap<>();
		Map<Pid, Long> killedAt = new ConcurrentHashMap<>();
		AtomicLong clock = new AtomicLong();
		AtomicBoolean writing = new AtomicBoolean(true);
		List<String> violations = new CopyOnWriteArrayList<>();
		Future<?> reader = this.pool.submit(() -> {
			SplittableRandom random = new SplittableRandom(7);
			while (writing.get()) {
				String key = "k" + random.nextInt(keys);
				long before = clock.get();
				registry.whereis(key).ifPresent((pid) -> {
					Long killed = killedAt.get(pid);
					if (killed != null && killed <= before) {
						violations.add(key + " returned " + pid + ", killed before the lookup");
					}
				});
			}
		});
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			workers.add(this.pool.submit(() -> {
				SplittableRandom random = new SplittableRandom(100 + thread);
				List<Owner> mine = new ArrayList<>();
				for (int i = 0; i < 20; i++) {
					mine.add(idleOwner(this.runtime));
				}
				for (int step = 0; step < 12_000; step++) {
					String key = "k" + random.nextInt(keys);
					int slot = random.nextInt(mine.size());
					Owner owner = mine.get(slot);
					int op = random.nextInt(100);
					if (op < 80) {
						if (registry.register(owner, key, "v") == null) {
							claims.computeIfAbsent(key, (k) -> ConcurrentHashMap.newKeySet()).add(owner);
						}
					}
					else if (op < 99) {
						Set<Owner> claimants = claims.get(key);
						if (claimants != null) {
							claimants.remove(owner);
						}
						registry.unregister(owner, key);
					}
					else {
						this.runtime.exit(owner.pid(), ExitReason.KILL);
						killedAt.put(owner.pid(), clock.incrementAndGet());
						mine.set(slot, idleOwner(this.runtime));
					}
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get(120, TimeUnit.SECONDS);
		}
		writing.set(false);
		reader.get(20, TimeUnit.SECONDS);
		assertThat(violations).isEmpty();
		Map<String, Pid> live = new HashMap<>();
		claims.forEach((key, claimants) -> {
			List<Owner> alive = claimants.stream().filter(Owner::isAlive).toList();
			assertThat(alive).as("live owners of %s", key).hasSizeLessThanOrEqualTo(1);
			alive.forEach((owner) -> live.put(key, owner.pid()));
		});
		for (int i = 0; i < keys; i++) {
			String key = "k" + i;
			assertThat(registry.whereis(key)).as(key).isEqualTo(java.util.Optional.ofNullable(live.get(key)));
		}
		List<String> walked = registry.select((entry) -> true, RegistryEntry::key);
		assertThat(walked).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(live.keySet());
		assertThat(live.size()).as("enough keys to grow the tables").isGreaterThan(1_000);
		assertThat(registry.count()).isEqualTo(live.size());
		assertThat(registry.keyCount()).isEqualTo(live.size());
	}

}
