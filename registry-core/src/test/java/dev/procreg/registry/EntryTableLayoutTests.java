package dev.procreg.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Owner;
import dev.procreg.testing.RuntimeExtension;

import static dev.procreg.registry.RegistryTestSupport.idleOwner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where {@link EntryTable} puts keys: keys whose hash codes differ only in the low four bits sit
 * side by side, in hash code order, so that a lookup in registration order shares cache lines
 * with the one before it; and keys with dense hash codes, which fill whole runs, are all found.
 * A walk ({@link EntryTable#forEach}) visits the slots in index order, so
 * its order is the layout.
 */
@ExtendWith(RuntimeExtension.class)
class EntryTableLayoutTests {

	private final ProcessRuntime runtime;

	private final Owner owner;

	EntryTableLayoutTests(ProcessRuntime runtime) {
		this.runtime = runtime;
		this.owner = idleOwner(runtime);
	}

	@Test
	void integersThatDifferInTheLowFourBitsSitInOneRunInOrder() {
		EntryTable<Integer, Boolean> table = new EntryTable<>();
		// inserted out of order, so that only the layout can put them back in order
		List<Integer> keys = IntStream.rangeClosed(32, 47).map((i) -> 79 - i).boxed().toList();
		keys.forEach((key) -> insert(table, key));

		assertThat(walk(table)).containsExactly(IntStream.rangeClosed(32, 47).boxed().toArray(Integer[]::new));
	}

	@Test
	void stringsNumberedInOrderSitSideBySide() {
		EntryTable<String, Boolean> table = new EntryTable<>();
		for (int i = 49; i >= 40; i--) {
			insert(table, "session-" + i);
		}

		// "session-40" to "session-49" have the hash codes h + 3 to h + 12 for an h divisible by 16
		assertThat(walk(table)).containsExactly("session-40", "session-41", "session-42", "session-43", "session-44",
				"session-45", "session-46", "session-47", "session-48", "session-49");
	}

	/** Integers a stride apart (multiples of 2, 3, 8, 64) leave gaps in every run, or whole runs empty. */
	@ParameterizedTest(name = "stride {0}")
	@ValueSource(ints = { 2, 3, 8, 64 })
	void stridedIntegersAreAllFoundAcrossResizes(int partitions) {
		ProcessRegistry<Integer, Boolean> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("dense-" + partitions).withPartitions(partitions));
		Partition<Integer, Boolean> partition = new Partition<>(registry, 0);
		int count = 50_000;
		for (int i = 0; i < count; i++) {
			insert(partition.uniques, new Registration<>(partition, i * partitions, this.owner, Boolean.TRUE));
		}

		assertThat(partition.uniques.size()).isEqualTo(count);
		assertThat(IntStream.range(0, count * partitions)
			.filter((key) -> (key % partitions == 0) != (partition.uniques.get(key) != null)))
			.as("keys of the share not found, or other keys found")
			.isEmpty();
		assertThat(IntStream.range(0, count).filter((i) -> partition.uniques.livePid(i * partitions) != this.owner.pid()))
			.as("keys whose slot lacks the owner's pid")
			.isEmpty();
	}

	@Test
	void denseIntegersFillWholeRunsAndAreAllFoundAcrossResizes() {
		EntryTable<Integer, Boolean> table = new EntryTable<>();
		int count = 100_000;
		for (int key = 0; key < count; key++) {
			insert(table, key);
		}

		assertThat(table.size()).isEqualTo(count);
		assertThat(IntStream.range(0, count).filter((key) -> table.get(key) == null)).as("keys not found").isEmpty();
		assertThat(IntStream.range(count, 2 * count).filter((key) -> table.get(key) != null)).as("absent keys found")
			.isEmpty();
		assertThat(IntStream.range(0, count).filter((key) -> table.livePid(key) != this.owner.pid()))
			.as("keys whose slot lacks the owner's pid")
			.isEmpty();
	}

	/**
	 * Records of two small {@code int}s hash to {@code 31 * a + b}: 100,000 of them (10 tenants of
	 * 10,000 users) share about 10,000 hash codes, ten keys each. In runs of 16 neighbouring codes,
	 * each run would take 160 keys and a hit would probe about 100 slots; a rebuild that finds the
	 * entries that far from their homes scrambles every bit, and the repeats then cost a few slots.
	 */
	@Test
	void keysWhoseHashCodesAreDenseAndRepeatGetAScrambledTable() {
		EntryTable<TenantUser, Boolean> table = new EntryTable<>();
		int tenants = 10;
		int users = 10_000;
		for (int user = 0; user < users; user++) {
			for (int tenant = 0; tenant < tenants; tenant++) {
				insert(table, new TenantUser(tenant, user));
			}
		}

		assertThat(table.scrambled()).isTrue();
		assertThat(table.meanDisplacement()).as("mean slots from home to entry").isLessThan(12);
		assertThat(IntStream.range(0, tenants * users).filter((i) -> table.get(new TenantUser(i % tenants, i / tenants)) == null))
			.as("keys not found")
			.isEmpty();
		assertThat(table.get(new TenantUser(tenants, 0))).as("an absent key").isNull();
		assertThat(IntStream.range(0, tenants * users)
			.filter((i) -> table.livePid(new TenantUser(i % tenants, i / tenants)) != this.owner.pid()))
			.as("keys whose slot lacks the owner's pid")
			.isEmpty();
	}

	/** Keys whose hash codes are each one key's keep their runs, however many there are. */
	@Test
	void keysWhoseHashCodesDoNotRepeatKeepTheirRuns() {
		EntryTable<Object, Boolean> table = new EntryTable<>();
		for (int i = 0; i < 100_000; i++) {
			insert(table, "session-" + i);
			insert(table, i);
			insert(table, i + ":" + (i % 10));
		}

		assertThat(table.scrambled()).isFalse();
	}

	record TenantUser(int tenant, int user) {
	}

	/**
	 * A key that leaves and comes back never lands after its old slot, so a walk in slot order
	 * meets it at most once: another stripe's insert passes the tombstone it left without taking it.
	 * Were the tombstone anyone's, the other key would take it, the key would come back after both,
	 * and a walk that read its old slot before it left would meet it again there.
	 */
	@Test
	void aKeyThatComesBackTakesItsOldSlotNotOneAfterIt() {
		EntryTable<Hashed, Boolean> table = new EntryTable<>();
		// a hash code below 16 is its own hash and home slot: 0 and 1 take stripes 0 and 1
		Hashed first = new Hashed("first", 0);
		Hashed leaving = new Hashed("leaving", 0);
		Hashed other = new Hashed("other", 1);
		insert(table, first);
		insert(table, leaving);
		assertThat(walk(table)).containsExactly(first, leaving);

		table.compute(leaving, null, (existing, given) -> null);
		insert(table, other);
		insert(table, leaving);

		assertThat(walk(table)).containsExactly(first, leaving, other);
	}

	/** A key with the hash code it is given. */
	record Hashed(String name, int hash) {

		@Override
		public int hashCode() {
			return this.hash;
		}

	}

	/**
	 * Keys that all take one stripe of two fill the table as keys spread over both would, and it
	 * never fills past half, so that every probe ends.
	 */
	@Test
	void keysThatAllTakeOneStripeAreAllFoundAcrossResizes() {
		EntryTable<Integer, Boolean> table = new EntryTable<>(2);
		int count = 20_000;
		// the low bit of an integer's hash code is its hash's, and picks the stripe: even keys take stripe 0
		for (int key = 0; key < 2 * count; key += 2) {
			insert(table, key);
			// checked at each step: a table without a null slot would loop for ever on the next probe
			assertThat(table.capacity()).as("slots for %d entries", table.size()).isGreaterThanOrEqualTo(2 * table.size());
		}

		assertThat(table.size()).isEqualTo(count);
		assertThat(IntStream.range(0, count).filter((i) -> table.get(2 * i) == null)).as("keys not found").isEmpty();
		assertThat(IntStream.range(0, count).filter((i) -> table.get(2 * i + 1) != null)).as("absent keys found")
			.isEmpty();
	}

	private <K> void insert(EntryTable<K, Boolean> table, K key) {
		insert(table, new Registration<>(null, key, this.owner, Boolean.TRUE));
	}

	private <K> void insert(EntryTable<K, Boolean> table, Registration<K, Boolean> entry) {
		synchronized (this.owner) {
			assertThat(table.compute(entry.key, null, (existing, given) -> (existing != null) ? existing : entry)).isSameAs(entry);
		}
	}

	private static <K> List<K> walk(EntryTable<K, Boolean> table) {
		List<K> keys = new ArrayList<>();
		table.forEach((entry) -> keys.add(entry.key));
		return keys;
	}

}
