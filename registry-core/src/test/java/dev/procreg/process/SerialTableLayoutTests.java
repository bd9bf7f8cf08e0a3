package dev.procreg.process;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.procreg.process.ProcessTableLincheckTests.Item;
import dev.procreg.process.ProcessTableLincheckTests.ItemTable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where {@link SerialTable} puts serials: eight in a row (differing only in their low three bits)
 * take neighbouring slots, in order, so that a spawner's adds share the cache lines of the keys;
 * and the runs of eight are still all found when they collide and the table grows. A walk
 * ({@link SerialTable#forEach}) visits the slots in index order, so its order is the layout.
 */
class SerialTableLayoutTests {

	@Test
	void eightSerialsInARowSitSideBySideInOrder() {
		ItemTable table = new ItemTable(64);
		// added out of order, so that only the layout can put them back in order
		LongStream.of(13, 8, 15, 10, 9, 14, 12, 11, 67, 64, 71, 66, 65, 70, 68, 69)
			.forEach((serial) -> assertThat(table.add(new Item(serial))).isTrue());

		List<Long> walk = walk(table);
		assertThat(walk).hasSize(16);
		assertSideBySideInOrder(walk, 8);
		assertSideBySideInOrder(walk, 64);
	}

	private static void assertSideBySideInOrder(List<Long> walk, long first) {
		List<Integer> places = LongStream.range(first, first + 8).mapToObj(walk::indexOf).toList();
		int start = places.get(0);
		assertThat(places).as("places of serials %d to %d in the walk", first, first + 7)
			.isEqualTo(IntStream.range(start, start + 8).boxed().toList());
	}

	@Test
	void runsThatCollideAreAllFoundAcrossGrowthsAndRemovals() {
		ItemTable table = new ItemTable(16);
		List<Item> items = new ArrayList<>();
		for (long serial = 1; serial <= 20_000; serial++) {
			Item item = new Item(serial);
			items.add(item);
			assertThat(table.add(item)).isTrue();
		}
		// every third one leaves: tombstones inside runs, then a rebuild that cleans them up
		for (int i = 0; i < items.size(); i += 3) {
			assertThat(table.remove(items.get(i))).isTrue();
		}
		for (long serial = 20_001; serial <= 30_000; serial++) {
			Item item = new Item(serial);
			items.add(item);
			assertThat(table.add(item)).isTrue();
		}

		List<Long> wrong = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			Item item = items.get(i);
			boolean removed = i < 20_000 && i % 3 == 0;
			if ((table.find(item.serial) == item) == removed) {
				wrong.add(item.serial);
			}
		}
		assertThat(wrong).as("serials found though removed, or not found though added").isEmpty();
		assertThat(table.size()).isEqualTo(30_000 - 6_667);
	}

	private static List<Long> walk(ItemTable table) {
		List<Long> serials = new ArrayList<>();
		table.forEach((item) -> serials.add(item.serial));
		return serials;
	}

}
