package dev.procreg.registry;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Owner;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static dev.procreg.registry.RegistryTestSupport.idleOwner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link EntryTable#insertAtHome}, one call at a time: when it puts an entry in without the stripe's
 * lock, when it leaves the insert to {@link EntryTable#compute}, and a function that breaks its
 * contract. {@link EntryTableLincheckTests} and {@link EntryTableConcurrencyTests} race it.
 */
@ExtendWith(RuntimeExtension.class)
class EntryTableUnlockedInsertTests {

	private final Owner owner;

	EntryTableUnlockedInsertTests(ProcessRuntime runtime) {
		this.owner = idleOwner(runtime);
	}

	private Registration<Integer, String> entry(int key, String value) {
		return new Registration<>(null, key, this.owner, value);
	}

	@Test
	void aKeyWhoseHomeIsFreeGoesInWithItsPidAndIsCounted() {
		EntryTable<Integer, String> table = EntryTable.forKeys(1_000);
		Registration<Integer, String> entry = entry(7, "seven");
		AtomicInteger runs = new AtomicInteger();

		assertThat(table.insertAtHome(entry, (existing, given) -> {
			runs.incrementAndGet();
			assertThat(existing).isNull();
			return given;
		})).isTrue();

		assertThat(runs).hasValue(1);
		assertThat(table.get(7)).isSameAs(entry);
		assertThat(table.livePid(7)).isEqualTo(this.owner.pid());
		assertThat(table.size()).isEqualTo(1);
		// the key is there now: its home is taken, so an insert of it is left to compute, which refuses it
		Registration<Integer, String> second = entry(7, "again");
		assertThat(table.insertAtHome(second, (existing, given) -> given)).isFalse();
		assertThat(table.compute(7, second, (existing, given) -> (existing != null) ? existing : given)).isSameAs(entry);
	}

	@Test
	void aKeyWhoseHomeAnotherKeyHoldsIsLeftToTheLockedInsertWithoutRunningTheFunction() {
		EntryTable<Integer, String> table = EntryTable.forKeys(1_000);
		int capacity = table.capacity();
		assertThat(table.insertAtHome(entry(3, "three"), (existing, given) -> given)).isTrue();
		int collider = collidingKey(table, 3);
		AtomicInteger runs = new AtomicInteger();

		assertThat(table.insertAtHome(entry(collider, "collider"), (existing, given) -> {
			runs.incrementAndGet();
			return given;
		})).isFalse();

		assertThat(runs).hasValue(0);
		assertThat(table.get(collider)).isNull();
		Registration<Integer, String> locked = entry(collider, "collider");
		assertThat(table.compute(collider, locked, (existing, given) -> given)).isSameAs(locked);
		assertThat(table.get(3).value).isEqualTo("three");
		assertThat(table.get(collider)).isSameAs(locked);
		assertThat(table.size()).isEqualTo(2);
		assertThat(table.capacity()).isEqualTo(capacity);
	}

	@Test
	void theSmallestTableTakesEveryInsertUnderItsStripe() {
		EntryTable<Integer, String> table = new EntryTable<>();
		assertThat(table.capacity()).isEqualTo(2 * EntryTable.STRIPES);

		assertThat(table.insertAtHome(entry(1, "one"), (existing, given) -> given)).isFalse();
		assertThat(table.get(1)).isNull();
		assertThat(table.size()).isZero();
	}

	@Test
	void aFunctionThatReturnsAnotherEntryIsRefusedAndTheKeyStaysAbsent() {
		EntryTable<Integer, String> table = EntryTable.forKeys(1_000);
		Registration<Integer, String> other = entry(9, "other");

		assertThatThrownBy(() -> table.insertAtHome(entry(9, "nine"), (existing, given) -> other))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("an insert into a free slot must put in the entry it was given, of key 9");

		assertThat(table.get(9)).isNull();
		assertThat(table.livePid(9)).isNull();
		assertThat(table.size()).isZero();
		// the home it claimed is a tombstone of the key's stripe, which a locked insert of the key takes
		Registration<Integer, String> nine = entry(9, "nine");
		assertThat(table.compute(9, nine, (existing, given) -> (existing != null) ? existing : given)).isSameAs(nine);
		assertThat(table.get(9)).isSameAs(nine);
		assertThat(table.size()).isEqualTo(1);
	}

	@Test
	void aFunctionThatThrowsLeavesTheKeyAbsent() {
		EntryTable<Integer, String> table = EntryTable.forKeys(1_000);

		assertThatThrownBy(() -> table.insertAtHome(entry(11, "eleven"), (existing, given) -> {
			throw new IllegalStateException("the function failed");
		})).isInstanceOf(IllegalStateException.class).hasMessage("the function failed");

		assertThat(table.get(11)).isNull();
		assertThat(table.size()).isZero();
		assertThat(table.insertAtHome(entry(11, "eleven"), (existing, given) -> given)).isFalse();
		assertThat(table.compute(11, entry(11, "eleven"), (existing, given) -> given).value).isEqualTo("eleven");
	}

	/**
	 * Inserts that give up leave tombstones, which count as used slots at once: were only their
	 * entries' counts put back, a table that adds its claims to the used count in batches (8,192
	 * slots and more) would let failing inserts burn every free home without ever stopping them,
	 * until no probe found a {@code null} slot to end at.
	 */
	@Test
	void insertsThatFailStopGoingInUnlockedBeforeHalfTheTableIsUsed() {
		EntryTable<Integer, String> table = EntryTable.forKeys(4_096);
		int capacity = table.capacity();
		assertThat(capacity).isEqualTo(8_192);
		AtomicInteger runs = new AtomicInteger();
		for (int key = 0; key < 10_000; key++) {
			try {
				table.insertAtHome(entry(key, "failing"), (existing, given) -> {
					runs.incrementAndGet();
					throw new IllegalStateException("the function failed");
				});
			}
			catch (IllegalStateException expected) {
				// each run leaves its home a tombstone
			}
		}

		assertThat(runs.get()).as("claims made before the table counted half of it used").isLessThan(capacity / 2);
		assertThat(table.size()).isZero();
		assertTimeoutPreemptively(Await.LONG, () -> assertThat(table.get(123_456)).isNull(), "a probe for an absent key ends");
		Registration<Integer, String> locked = entry(20_000, "locked");
		assertThat(table.compute(20_000, locked, (existing, given) -> given)).isSameAs(locked);
		assertThat(table.get(20_000)).isSameAs(locked);
	}

	/** @return a key other than {@code key} whose home slot in {@code table} is {@code key}'s */
	private static int collidingKey(EntryTable<Integer, String> table, int key) {
		int mask = table.capacity() - 1;
		int home = EntryTable.spread(Integer.hashCode(key)) & mask;
		for (int candidate = key + 1;; candidate++) {
			if ((EntryTable.spread(Integer.hashCode(candidate)) & mask) == home) {
				return candidate;
			}
		}
	}

}
