package dev.procreg.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Owner;
import dev.procreg.testing.RuntimeExtension;

import static dev.procreg.registry.RegistryTestSupport.idleOwner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where {@link EntryTable} puts keys: keys whose hash codes differ only in the low four bits sit
 * side by side, in hash code order, so that a lookup in registration order shares cache lines
 * with the one before it; and keys with dense hash codes, which fill whole runs, are all found.
 * A walk ({@link EntryTable#forEach}) visits the slots in index order, so its order is the layout.
 */
@ExtendWith(RuntimeExtension.class)
class EntryTableLayoutTests {

	private final Owner owner;

	EntryTableLayoutTests(ProcessRuntime runtime) {
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

	private <K> void insert(EntryTable<K, Boolean> table, K key) {
		Registration<K, Boolean> entry = new Registration<>(null, key, this.owner, Boolean.TRUE);
		synchronized (this.owner) {
			assertThat(table.compute(key, (existing) -> (existing != null) ? existing : entry)).isSameAs(entry);
		}
	}

	private static <K> List<K> walk(EntryTable<K, Boolean> table) {
		List<K> keys = new ArrayList<>();
		table.forEach((entry) -> keys.add(entry.key));
		return keys;
	}

}
