package dev.procreg.registry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Owner;
import dev.procreg.testing.LincheckProgress;

import static dev.procreg.registry.RegistryTestSupport.idleOwner;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Linearizability of {@link EntryTable} alone with Lincheck, model checking and stress, against
 * a {@code HashMap}: lock-free reads racing writes, collisions (keys in pairs share a hash code,
 * so they probe past each other, through slots that keys of the other stripe claim too) and
 * resizes (two stripes and a first capacity of four, so a handful of keys makes the table double
 * twice while the other thread reads or writes; the copy is handed out one slot a chunk, so a
 * writer that comes meanwhile copies part of it beside the resizing thread). {@code size} is not
 * an operation here: like {@code ConcurrentHashMap.size} it is exact only when no write runs,
 * which {@link EntryTableConcurrencyTests} checks.
 */
@ExtendWith(LincheckProgress.class)
public class EntryTableLincheckTests {

	/**
	 * The entries' owners, one per tag, so that a pid read from a slot tells which entry it came
	 * from; the table never asks them anything. Made before any check runs.
	 */
	private static @Nullable ProcessRuntime runtime;

	private static final Owner[] owners = new Owner[3];

	private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(Object[].class);

	@BeforeAll
	static void startOwners() {
		runtime = ProcessRuntime.start();
		for (int i = 0; i < owners.length; i++) {
			owners[i] = idleOwner(runtime);
		}
	}

	@AfterAll
	static void closeRuntime() {
		runtime.close();
	}

	/**
	 * A key whose hash code it shares with its pair: 0 and 1, 2 and 3, 4 and 5. Chosen so that
	 * with two stripes, 0, 1, 4 and 5 take stripe 0 and 2 and 3 stripe 1; with 4 slots, 0, 1, 4 and
	 * 5 have home slot 0 and 2 and 3 slot 1, so they probe into each other's; with 8 slots their
	 * homes are 0, 5 and 4 (a hash code below 16 is its own spread hash). Keys 6 and 7, home 2 and 3
	 * of 8 slots, only the hand-written scenarios use.
	 */
	record Key(int id) {

		private static final int[] HASH_CODES = { 0, 0, 5, 5, 4, 4, 2, 3 };

		@Override
		public int hashCode() {
			return HASH_CODES[this.id];
		}

	}

	/**
	 * The table under test; an entry's value is the tag it was written with, and its owner is the
	 * tag's, alive throughout, so every entry written carries its owner's pid in its slot, as a
	 * registration does. {@code unmark} clears that pid, as a detach or a death does, and
	 * {@code pid} is the read {@code whereis} makes: the owner's pid from the slot, or the entry
	 * when the slot has none. Both answer the tag, so a pid from another key's entry shows.
	 */
	public static class TableCore {

		final EntryTable<Key, Integer> table;

		public TableCore() {
			this(new EntryTable<>(2, 1));
		}

		TableCore(EntryTable<Key, Integer> table) {
			this.table = table;
		}

		private Registration<Key, Integer> entry(int key, int tag) {
			// the table reads an entry's key, hash and pid only: no partition needed
			return new Registration<>(null, new Key(key), owners[tag], tag);
		}

		private static int tag(@Nullable Registration<Key, Integer> entry) {
			return (entry != null) ? entry.value : -1;
		}

		/** @return the tag already there, or -1 when this one went in */
		@Operation
		public int putIfAbsent(@Param(gen = IntGen.class, conf = "0:5") int key,
				@Param(gen = IntGen.class, conf = "0:2") int tag) {
			Registration<Key, Integer> fresh = entry(key, tag);
			Registration<Key, Integer> now = this.table.compute(new Key(key), null, (existing, given) -> (existing != null) ? existing : fresh);
			return (now == fresh) ? -1 : tag(now);
		}

		/** @return the tag replaced, or -1 when the key was absent (and still is) */
		@Operation
		public int replace(@Param(gen = IntGen.class, conf = "0:5") int key,
				@Param(gen = IntGen.class, conf = "0:2") int tag) {
			Registration<Key, Integer> fresh = entry(key, tag);
			int[] old = { -1 };
			this.table.compute(new Key(key), null, (existing, given) -> {
				old[0] = tag(existing);
				return (existing != null) ? fresh : null;
			});
			return old[0];
		}

		/** @return the tag removed, or -1 */
		@Operation
		public int remove(@Param(gen = IntGen.class, conf = "0:5") int key) {
			int[] old = { -1 };
			this.table.compute(new Key(key), null, (existing, given) -> {
				old[0] = tag(existing);
				return null;
			});
			return old[0];
		}

		/**
		 * {@link #putIfAbsent} as a register makes it: without the stripe's lock when the key's home
		 * slot is free ({@link EntryTable#insertAtHome}), else locked.
		 * @return the tag already there, or -1 when this one went in; -2 when the function ran other
		 * than once, which no specification answers
		 */
		@Operation
		public int putIfAbsentAtHome(@Param(gen = IntGen.class, conf = "0:5") int key,
				@Param(gen = IntGen.class, conf = "0:2") int tag) {
			Registration<Key, Integer> fresh = entry(key, tag);
			int[] runs = { 0 };
			EntryTable.Remapping<Key, Integer> putIfAbsent = (existing, given) -> {
				runs[0]++;
				return (existing != null) ? existing : given;
			};
			Registration<Key, Integer> now = this.table.insertAtHome(fresh, putIfAbsent) ? fresh
					: this.table.compute(new Key(key), fresh, putIfAbsent);
			if (runs[0] != 1) {
				return -2;
			}
			return (now == fresh) ? -1 : tag(now);
		}

		@Operation
		public int get(@Param(gen = IntGen.class, conf = "0:5") int key) {
			return tag(this.table.get(new Key(key)));
		}

		/** @return the tag of the entry whose slot's pid this cleared, as a detach does, or -1 */
		@Operation
		public int unmark(@Param(gen = IntGen.class, conf = "0:5") int key) {
			Registration<Key, Integer> entry = this.table.get(new Key(key));
			if (entry == null) {
				return -1;
			}
			this.table.clearPid(entry);
			return entry.value;
		}

		/** @return the tag of the owner whose pid the read found, or -1 */
		@Operation
		public int pid(@Param(gen = IntGen.class, conf = "0:5") int key) {
			Object found = this.table.livePid(new Key(key));
			if (found == null) {
				return -1;
			}
			if (found == EntryTable.ASK_THE_ENTRY) {
				return get(key);
			}
			for (int tag = 0; tag < owners.length; tag++) {
				if (owners[tag].pid() == found) {
					return tag;
				}
			}
			throw new IllegalStateException("not an owner's pid: " + found);
		}

	}

	/** The sequential specification. */
	public static class TableSpec {

		private final Map<Integer, Integer> map = new HashMap<>();

		public int putIfAbsent(int key, int tag) {
			Integer old = this.map.putIfAbsent(key, tag);
			return (old != null) ? old : -1;
		}

		public int replace(int key, int tag) {
			Integer old = this.map.replace(key, tag);
			return (old != null) ? old : -1;
		}

		public int remove(int key) {
			Integer old = this.map.remove(key);
			return (old != null) ? old : -1;
		}

		public int putIfAbsentAtHome(int key, int tag) {
			return putIfAbsent(key, tag);
		}

		public int get(int key) {
			Integer tag = this.map.get(key);
			return (tag != null) ? tag : -1;
		}

		public int unmark(int key) {
			return get(key);
		}

		public int pid(int key) {
			return get(key);
		}

	}

	/**
	 * The same table scrambled from the start, as one whose keys' hash codes repeat becomes at a
	 * rebuild: every probe starts from a home made of every bit of the hash, so 0, 1, 4 and 5 (hash
	 * codes 0 and 4) share home 0 of 4 slots, and of 8 after a doubling, while 2 and 3 take home
	 * 2, then 4: four keys in one probe sequence, where runs would part them.
	 */
	public static class ScrambledCore extends TableCore {

		public ScrambledCore() {
			super(new EntryTable<>(2, 1, true));
		}

	}

	/**
	 * A table of one stripe whose first table has 8 slots, so that an insert goes in without the
	 * stripe's lock while fewer than 3 slots are used with its own counted
	 * ({@code EntryTable.unlockedLimit}), and the fifth makes it double: an unlocked insert races
	 * locked writes of its key, and a rebuild.
	 */
	public static class UnlockedCore extends TableCore {

		public UnlockedCore() {
			this(new EntryTable<>(1, 1, false, 1 << 10, 8));
		}

		UnlockedCore(EntryTable<Key, Integer> table) {
			super(table);
		}

	}

	// ---- planted bugs

	/** A resize that drops every entry whose home slot is taken: colliding keys vanish when the table grows. */
	public static class DroppingResizeCore extends TableCore {

		public DroppingResizeCore() {
			super(new EntryTable<>(2, 1) {

				@Override
				void place(EntryTable.Slots next, Object entry, @Nullable Object key, int hash, @Nullable Pid pid) {
					if (next.entry(hash & (next.length() - 1)) == null) {
						super.place(next, entry, key, hash, pid);
					}
				}

			});
		}

	}

	/**
	 * A copy whose helpers take a slot of the new table by a plain write, not by compare and set:
	 * two helpers placing colliding keys at once both find the key's home free, and one entry is lost.
	 */
	public static class UnguardedPlaceCore extends TableCore {

		public UnguardedPlaceCore() {
			super(new EntryTable<>(2, 1) {

				@Override
				void place(EntryTable.Slots next, Object entry, @Nullable Object key, int hash, @Nullable Pid pid) {
					int mask = next.length() - 1;
					int i = hash & mask;
					while (next.entry(i) != null) {
						i = (i + 1) & mask;
					}
					next.cells[2 * i] = entry;
					next.hashes[i] = hash;
					next.pids[i] = pid;
					next.cells[2 * i + 1] = key;
				}

			});
		}

	}

	/**
	 * A scrambled table whose copy places each entry from the home it would have in runs: the
	 * readers of the new table start where the entries are not. Keys 2 and 3 (hash code 5) have
	 * home 5 of 8 slots in runs and 4 when scrambled.
	 */
	public static class RunHomePlaceCore extends TableCore {

		public RunHomePlaceCore() {
			super(new EntryTable<>(2, 1, true) {

				@Override
				void place(EntryTable.Slots next, Object entry, @Nullable Object key, int hash, @Nullable Pid pid) {
					int mask = next.length() - 1;
					int i = hash & mask;
					while (next.entry(i) != null || !CELL.compareAndSet(next.cells, 2 * i, null, entry)) {
						i = (i + 1) & mask;
					}
					next.hashes[i] = hash;
					next.pids[i] = pid;
					next.cells[2 * i + 1] = key;
				}

			});
		}

	}

	/**
	 * Writers that pass the gate when they hold their stripe whether or not a rebuild closed it
	 * meanwhile: a writer that looked at the gate just before it closed then writes to the table
	 * the rebuild is copying, and its write is lost with it.
	 */
	public static class GatelessWriterCore extends TableCore {

		public GatelessWriterCore() {
			super(new EntryTable<>(2, 1) {

				@Override
				boolean enter(EntryTable.Stripe stripe) {
					super.enter(stripe);
					return true;
				}

			});
		}

	}

	/** A read that looks at the key's home slot only and never probes on. */
	public static class SkippingReadCore extends TableCore {

		public SkippingReadCore() {
			super(new EntryTable<>(2, 1) {

				@Override
				@Nullable Registration<Key, Integer> find(EntryTable.Slots table, Object key, int hash) {
					Object home = table.entry(hash & (table.length() - 1));
					return (home instanceof Registration<?, ?> entry && entry.key != null && entry.key.equals(key))
							? super.find(table, key, hash) : null;
				}

			});
		}

	}

	/**
	 * A read that trusts the hash and key beside a slot without confirming them on the entry it
	 * read: when the entry is removed and its slot reused by a colliding key meanwhile, it returns
	 * the removed entry of one key as the other's.
	 */
	public static class UnconfirmedReadCore extends TableCore {

		public UnconfirmedReadCore() {
			super(new EntryTable<>(2, 1) {

				@Override
				@SuppressWarnings("unchecked")
				@Nullable Registration<Key, Integer> find(EntryTable.Slots table, Object key, int hash) {
					int mask = table.length() - 1;
					for (int i = hash & mask;; i = (i + 1) & mask) {
						Registration<?, ?> entry = (Registration<?, ?>) table.entry(i);
						if (entry == null) {
							return null;
						}
						if (table.hashes[i] == hash && key.equals(table.key(i)) && entry.key != null) {
							return (Registration<Key, Integer>) entry;
						}
					}
				}

			});
		}

	}

	/**
	 * A pid read that trusts the pid and key beside a slot without reading the slot's entry again:
	 * when the entry is removed and its slot reused by a colliding key between the two reads, it
	 * returns one key's owner as the other's.
	 */
	public static class UncheckedPidCore extends TableCore {

		public UncheckedPidCore() {
			super(new EntryTable<>(2, 1) {

				@Override
				@Nullable Pid livePid(EntryTable.Slots table, Object key, int hash) {
					int mask = table.length() - 1;
					for (int i = hash & mask;; i = (i + 1) & mask) {
						if (table.entry(i) == null) {
							return null;
						}
						if (table.hashes[i] == hash) {
							Pid pid = table.pids[i];
							if (key.equals(table.key(i)) && pid != null) {
								return pid;
							}
						}
					}
				}

			});
		}

	}

	/**
	 * A locked insert that takes the free home of its key without compare and set: an unlocked
	 * insert of the same key that claimed the home meanwhile is overwritten, and both say they put
	 * the key in.
	 */
	public static class UnreservedHomeCore extends UnlockedCore {

		public UnreservedHomeCore() {
			super(new EntryTable<>(1, 1, false, 1 << 10, 8) {

				@Override
				boolean reserveHome(EntryTable.Slots slots, int i, EntryTable.Stripe stripe) {
					return true;
				}

			});
		}

	}

	/**
	 * Waits for a claimed slot that do not wait: a locked writer probes past the home an unlocked
	 * insert of its key holds and puts the key in a second slot, and a rebuild's copy drops an entry
	 * about to be put in.
	 */
	public static class WaitlessClaimCore extends UnlockedCore {

		public WaitlessClaimCore() {
			super(new EntryTable<>(1, 1, false, 1 << 10, 8) {

				@Override
				Object awaitClaimed(Object[] cells, int at) {
					return CELL.getVolatile(cells, at);
				}

			});
		}

	}

	/**
	 * An unlocked insert that never looks whether a rebuild froze its table: when it claims a slot
	 * that the copy has passed, its entry goes into the old table only, and is lost with it.
	 */
	public static class FrozenBlindCore extends UnlockedCore {

		public FrozenBlindCore() {
			super(new EntryTable<>(1, 1, false, 1 << 10, 8) {

				@Override
				boolean frozen(EntryTable.Slots slots) {
					return false;
				}

			});
		}

	}

	/**
	 * A pid read that answers the pid beside a claimed slot: an unlocked insert writes its pid
	 * before it publishes its entry, so the read answers a key that a read after it does not find.
	 */
	public static class ClaimedPidCore extends UnlockedCore {

		public ClaimedPidCore() {
			super(new EntryTable<>(1, 1, false, 1 << 10, 8) {

				@Override
				@Nullable Pid livePid(EntryTable.Slots table, Object key, int hash) {
					int mask = table.length() - 1;
					for (int i = hash & mask;; i = (i + 1) & mask) {
						Object entry = CELL.getAcquire(table.cells, 2 * i);
						if (entry == null) {
							return null;
						}
						if (table.hashes[i] == hash) {
							Pid pid = table.pids[i];
							if (key.equals(table.key(i)) && pid != null && CELL.getAcquire(table.cells, 2 * i) == entry) {
								return pid;
							}
						}
					}
				}

			});
		}

	}

	// ---- options

	private static Actor actor(String name, Object... args) {
		Method method = Arrays.stream(TableCore.class.getMethods())
			.filter((m) -> m.getName().equals(name))
			.findFirst()
			.orElseThrow();
		return new Actor(method, List.of(args));
	}

	/**
	 * Writes that make the table double while the other thread reads colliding keys, and writes
	 * of one slot's colliding keys racing each other.
	 */
	private static <O extends Options<O, ?>> O withDangerousShapes(O options) {
		List<Actor> reads = List.of(actor("get", 0), actor("get", 1), actor("get", 2), actor("get", 3));
		// 0 and 1 collide; the third key takes the table over half used: it doubles from 4 to 8
		options.addCustomScenario(new ExecutionScenario(List.of(actor("putIfAbsent", 0, 0), actor("putIfAbsent", 1, 1)),
				List.of(List.of(actor("putIfAbsent", 2, 2), actor("putIfAbsent", 3, 0)),
						List.of(actor("get", 1), actor("get", 0), actor("remove", 1))),
				reads, null));
		// both threads find the table full: one rebuilds, the other helps copy it, one slot a chunk,
		// and the colliding 0 and 1, copied by different threads, share their home in the new table
		options.addCustomScenario(new ExecutionScenario(List.of(actor("putIfAbsent", 0, 0), actor("putIfAbsent", 1, 1)),
				List.of(List.of(actor("putIfAbsent", 2, 2)), List.of(actor("putIfAbsent", 4, 0))),
				List.of(actor("get", 0), actor("get", 1), actor("get", 2), actor("get", 4)), null));
		// colliding keys written from both sides, across the doubling to 4 and then to 8
		options.addCustomScenario(new ExecutionScenario(List.of(actor("putIfAbsent", 4, 0), actor("putIfAbsent", 5, 0)),
				List.of(List.of(actor("putIfAbsent", 0, 1), actor("replace", 4, 2), actor("putIfAbsent", 2, 1)),
						List.of(actor("putIfAbsent", 1, 2), actor("remove", 5), actor("putIfAbsent", 3, 1))),
				List.of(actor("get", 0), actor("get", 1), actor("get", 4), actor("get", 5)), null));
		// a slot emptied and reused by a colliding key while the other thread reads the new key
		options.addCustomScenario(new ExecutionScenario(List.of(actor("putIfAbsent", 0, 0)),
				List.of(List.of(actor("get", 1), actor("get", 1)), List.of(actor("remove", 0), actor("putIfAbsent", 1, 1))),
				List.of(actor("get", 0), actor("get", 1)), null));
		// the same with a pid in the slot: read from the slot of a key that leaves, reused by a colliding key
		options.addCustomScenario(new ExecutionScenario(List.of(actor("putIfAbsent", 1, 1)),
				List.of(List.of(actor("pid", 0), actor("pid", 1)),
						List.of(actor("remove", 1), actor("putIfAbsent", 0, 0), actor("unmark", 0))),
				List.of(actor("pid", 0), actor("pid", 1)), null));
		// keys with pids carried across the doubling to 8, one replaced and one unmarked on the
		// way, while the other thread reads their pids
		options.addCustomScenario(new ExecutionScenario(List.of(actor("putIfAbsent", 0, 0), actor("putIfAbsent", 1, 1)),
				List.of(List.of(actor("putIfAbsent", 2, 2), actor("replace", 0, 2), actor("unmark", 1)),
						List.of(actor("pid", 1), actor("pid", 0), actor("pid", 0))),
				List.of(actor("pid", 0), actor("pid", 1), actor("pid", 2)), null));
		// a write that holds its stripe as the other thread's remove, finding the table half used,
		// rebuilds it: the write must wait for the new table, or it is lost with the old one
		options.addCustomScenario(new ExecutionScenario(List.of(actor("putIfAbsent", 3, 1), actor("putIfAbsent", 2, 0)),
				List.of(List.of(actor("remove", 0)), List.of(actor("remove", 3))),
				List.of(actor("replace", 3, 1), actor("get", 2)), null));
		return options;
	}

	/**
	 * For {@link UnlockedCore}: an unlocked insert of a key racing a locked insert of it; racing
	 * reads of its pid and entry, and its removal; and racing the inserts that make the table
	 * double (one slot used, then keys 4, 6, 7 and 1: key 7 finds half of the 8 slots used and
	 * rebuilds when the unlocked claim was counted before it, else key 1 does).
	 */
	private static ModelCheckingOptions unlockedShapes() {
		ModelCheckingOptions options = new ModelCheckingOptions().iterations(0)
			.invocationsPerIteration(1000)
			.sequentialSpecification(TableSpec.class);
		options.addCustomScenario(new ExecutionScenario(List.of(actor("putIfAbsent", 4, 0)),
				List.of(List.of(actor("putIfAbsentAtHome", 0, 1)), List.of(actor("putIfAbsent", 0, 2))),
				List.of(actor("get", 0), actor("get", 4)), null));
		options.addCustomScenario(new ExecutionScenario(List.of(actor("putIfAbsent", 4, 0)),
				List.of(List.of(actor("putIfAbsentAtHome", 0, 1)), List.of(actor("pid", 0), actor("get", 0), actor("remove", 0))),
				List.of(actor("get", 0), actor("pid", 0)), null));
		options.addCustomScenario(new ExecutionScenario(List.of(actor("putIfAbsent", 0, 0)),
				List.of(List.of(actor("putIfAbsentAtHome", 2, 1)),
						List.of(actor("putIfAbsent", 4, 2), actor("putIfAbsent", 6, 2), actor("putIfAbsent", 7, 2),
								actor("putIfAbsent", 1, 2))),
				List.of(actor("get", 2), actor("get", 0), actor("get", 1), actor("get", 4), actor("get", 6), actor("get", 7)),
				null));
		return options;
	}

	private static ModelCheckingOptions modelChecking() {
		return withDangerousShapes(new ModelCheckingOptions().iterations(20)
			.invocationsPerIteration(200)
			.threads(2)
			.actorsPerThread(3)
			.actorsBefore(3)
			.actorsAfter(2)
			.sequentialSpecification(TableSpec.class));
	}

	/**
	 * The dangerous shapes alone, explored as deeply as the planted bugs' checks explore them: a
	 * rebuild's wait at the gate (a loop that looks at the gate, a timed park) leaves more
	 * interleavings than 200 invocations reach, and the planted writer that ignores the gate was
	 * caught at 1,000 and missed at 200.
	 */
	private static ModelCheckingOptions dangerousShapesOnly() {
		return withDangerousShapes(new ModelCheckingOptions().iterations(0)
			.invocationsPerIteration(1000)
			.sequentialSpecification(TableSpec.class));
	}

	@Test
	void theTableIsLinearizableUnderModelChecking() {
		LinChecker.check(TableCore.class, modelChecking());
	}

	@Test
	void theTableIsLinearizableInTheDangerousShapes() {
		LinChecker.check(TableCore.class, dangerousShapesOnly());
	}

	@Test
	void aScrambledTableIsLinearizableUnderModelChecking() {
		LinChecker.check(ScrambledCore.class, modelChecking());
	}

	private static StressOptions stress() {
		return new StressOptions().iterations(20)
			.invocationsPerIteration(500)
			.threads(3)
			.actorsPerThread(3)
			.actorsBefore(3)
			.actorsAfter(2)
			.sequentialSpecification(TableSpec.class);
	}

	@Test
	void theTableIsLinearizableUnderStress() {
		LinChecker.check(TableCore.class, stress());
	}

	@Test
	void unlockedInsertsAreLinearizableUnderModelChecking() {
		LinChecker.check(UnlockedCore.class, modelChecking());
	}

	@Test
	void unlockedInsertsAreLinearizableInTheirDangerousShapes() {
		LinChecker.check(UnlockedCore.class, unlockedShapes());
	}

	@Test
	void unlockedInsertsAreLinearizableUnderStress() {
		// two operations before the parallel part rather than three, so that fewer of its inserts find
		// the 8 slots already at the unlocked inserts' limit
		LinChecker.check(UnlockedCore.class, stress().actorsBefore(2));
	}

	@Test
	void theSuiteCatchesAPlantedLockedInsertThatTakesAFreeHomeWithoutCompareAndSet() {
		assertThatThrownBy(() -> LinChecker.check(UnreservedHomeCore.class, unlockedShapes().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedWaitForAClaimedSlotThatDoesNotWait() {
		assertThatThrownBy(() -> LinChecker.check(WaitlessClaimCore.class, unlockedShapes().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedPidReadThatAnswersAClaimedSlot() {
		assertThatThrownBy(() -> LinChecker.check(ClaimedPidCore.class, unlockedShapes().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedUnlockedInsertThatIgnoresARebuild() {
		assertThatThrownBy(() -> LinChecker.check(FrozenBlindCore.class, unlockedShapes().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedResizeThatDropsCollisions() {
		assertThatThrownBy(() -> LinChecker.check(DroppingResizeCore.class, dangerousShapesOnly().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedCopyWhoseHelpersOverwriteEachOther() {
		assertThatThrownBy(() -> LinChecker.check(UnguardedPlaceCore.class, dangerousShapesOnly().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedCopyThatPlacesEntriesOfAScrambledTableInRuns() {
		assertThatThrownBy(() -> LinChecker.check(RunHomePlaceCore.class, dangerousShapesOnly().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedWriterThatWritesWhileARebuildCopies() {
		assertThatThrownBy(() -> LinChecker.check(GatelessWriterCore.class, dangerousShapesOnly().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedReadThatSkipsCollisions() {
		assertThatThrownBy(() -> LinChecker.check(SkippingReadCore.class, dangerousShapesOnly().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedPidReadThatTrustsAReusedSlot() {
		assertThatThrownBy(() -> LinChecker.check(UncheckedPidCore.class, dangerousShapesOnly().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedReadThatTrustsAReusedSlotsKey() {
		assertThatThrownBy(() -> LinChecker.check(UnconfirmedReadCore.class, dangerousShapesOnly().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

}
