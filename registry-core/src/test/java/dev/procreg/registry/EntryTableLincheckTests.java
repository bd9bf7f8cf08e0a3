package dev.procreg.registry;

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
 * twice while the other thread reads or writes). {@code size} is not
 * an operation here: like {@code ConcurrentHashMap.size} it is exact only when no write runs,
 * which {@link EntryTableConcurrencyTests} checks.
 */
@ExtendWith(LincheckProgress.class)
public class EntryTableLincheckTests {

	/** Every entry's owner: the table never looks at it, but an entry needs one. Made before any check runs. */
	private static @Nullable ProcessRuntime runtime;

	private static @Nullable Owner owner;

	@BeforeAll
	static void startOwner() {
		runtime = ProcessRuntime.start();
		owner = idleOwner(runtime);
	}

	@AfterAll
	static void closeRuntime() {
		runtime.close();
	}

	/**
	 * A key whose hash code it shares with its pair: 0 and 1, 2 and 3, 4 and 5. Chosen so that
	 * with two stripes, 0, 1, 4 and 5 take stripe 0 and 2 and 3 stripe 1; with 4 slots, 0, 1, 4 and
	 * 5 have home slot 0 and 2 and 3 slot 1, so they probe into each other's; with 8 slots their
	 * homes are 0, 5 and 4.
	 */
	record Key(int id) {

		private static final int[] HASH_CODES = { 0, 0, 3, 3, 2, 2 };

		@Override
		public int hashCode() {
			return HASH_CODES[this.id];
		}

	}

	/** The table under test; an entry's value is the tag it was written with. */
	public static class TableCore {

		final EntryTable<Key, Integer> table;

		public TableCore() {
			this(new EntryTable<>(2));
		}

		TableCore(EntryTable<Key, Integer> table) {
			this.table = table;
		}

		private Registration<Key, Integer> entry(int key, int tag) {
			// the table reads an entry's key and hash only: no partition needed
			return new Registration<>(null, new Key(key), owner, tag);
		}

		private static int tag(@Nullable Registration<Key, Integer> entry) {
			return (entry != null) ? entry.value : -1;
		}

		/** @return the tag already there, or -1 when this one went in */
		@Operation
		public int putIfAbsent(@Param(gen = IntGen.class, conf = "0:5") int key,
				@Param(gen = IntGen.class, conf = "0:2") int tag) {
			Registration<Key, Integer> fresh = entry(key, tag);
			Registration<Key, Integer> now = this.table.compute(new Key(key), (existing) -> (existing != null) ? existing : fresh);
			return (now == fresh) ? -1 : tag(now);
		}

		/** @return the tag replaced, or -1 when the key was absent (and still is) */
		@Operation
		public int replace(@Param(gen = IntGen.class, conf = "0:5") int key,
				@Param(gen = IntGen.class, conf = "0:2") int tag) {
			Registration<Key, Integer> fresh = entry(key, tag);
			int[] old = { -1 };
			this.table.compute(new Key(key), (existing) -> {
				old[0] = tag(existing);
				return (existing != null) ? fresh : null;
			});
			return old[0];
		}

		/** @return the tag removed, or -1 */
		@Operation
		public int remove(@Param(gen = IntGen.class, conf = "0:5") int key) {
			int[] old = { -1 };
			this.table.compute(new Key(key), (existing) -> {
				old[0] = tag(existing);
				return null;
			});
			return old[0];
		}

		@Operation
		public int get(@Param(gen = IntGen.class, conf = "0:5") int key) {
			return tag(this.table.get(new Key(key)));
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

		public int get(int key) {
			Integer tag = this.map.get(key);
			return (tag != null) ? tag : -1;
		}

	}

	// ---- planted bugs

	/** A resize that drops every entry whose home slot is taken: colliding keys vanish when the table grows. */
	public static class DroppingResizeCore extends TableCore {

		public DroppingResizeCore() {
			super(new EntryTable<>(2) {

				@Override
				void place(EntryTable.Slots next, Registration<?, ?> entry) {
					if (next.entries[entry.hash & (next.entries.length - 1)] == null) {
						super.place(next, entry);
					}
				}

			});
		}

	}

	/** A read that looks at the key's home slot only and never probes on. */
	public static class SkippingReadCore extends TableCore {

		public SkippingReadCore() {
			super(new EntryTable<>(2) {

				@Override
				@Nullable Registration<Key, Integer> find(EntryTable.Slots table, Object key, int hash) {
					Registration<?, ?> home = table.entries[hash & (table.entries.length - 1)];
					return (home != null && home.key != null && home.key.equals(key)) ? super.find(table, key, hash) : null;
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
			super(new EntryTable<>(2) {

				@Override
				@SuppressWarnings("unchecked")
				@Nullable Registration<Key, Integer> find(EntryTable.Slots table, Object key, int hash) {
					int mask = table.entries.length - 1;
					for (int i = hash & mask;; i = (i + 1) & mask) {
						Registration<?, ?> entry = table.entries[i];
						if (entry == null) {
							return null;
						}
						if (table.hashes[i] == hash && key.equals(table.keys[i]) && entry.key != null) {
							return (Registration<Key, Integer>) entry;
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
		// colliding keys written from both sides, across the doubling to 4 and then to 8
		options.addCustomScenario(new ExecutionScenario(List.of(actor("putIfAbsent", 4, 0), actor("putIfAbsent", 5, 0)),
				List.of(List.of(actor("putIfAbsent", 0, 1), actor("replace", 4, 2), actor("putIfAbsent", 2, 1)),
						List.of(actor("putIfAbsent", 1, 2), actor("remove", 5), actor("putIfAbsent", 3, 1))),
				List.of(actor("get", 0), actor("get", 1), actor("get", 4), actor("get", 5)), null));
		// a slot emptied and reused by a colliding key while the other thread reads the new key
		options.addCustomScenario(new ExecutionScenario(List.of(actor("putIfAbsent", 0, 0)),
				List.of(List.of(actor("get", 1), actor("get", 1)), List.of(actor("remove", 0), actor("putIfAbsent", 1, 1))),
				List.of(actor("get", 0), actor("get", 1)), null));
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

	private static ModelCheckingOptions dangerousShapesOnly() {
		return withDangerousShapes(new ModelCheckingOptions().iterations(0)
			.invocationsPerIteration(200)
			.sequentialSpecification(TableSpec.class));
	}

	@Test
	void theTableIsLinearizableUnderModelChecking() {
		LinChecker.check(TableCore.class, modelChecking());
	}

	@Test
	void theTableIsLinearizableUnderStress() {
		LinChecker.check(TableCore.class, new StressOptions().iterations(20)
			.invocationsPerIteration(500)
			.threads(3)
			.actorsPerThread(3)
			.actorsBefore(3)
			.actorsAfter(2)
			.sequentialSpecification(TableSpec.class));
	}

	@Test
	void theSuiteCatchesAPlantedResizeThatDropsCollisions() {
		assertThatThrownBy(() -> LinChecker.check(DroppingResizeCore.class, dangerousShapesOnly().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedReadThatSkipsCollisions() {
		assertThatThrownBy(() -> LinChecker.check(SkippingReadCore.class, dangerousShapesOnly().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedReadThatTrustsAReusedSlotsKey() {
		assertThatThrownBy(() -> LinChecker.check(UnconfirmedReadCore.class, dangerousShapesOnly().minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

}
