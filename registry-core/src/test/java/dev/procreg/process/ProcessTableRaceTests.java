package dev.procreg.process;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Racing removals of one process from the runtime's process table, on platform threads: two
 * threads find the same element and remove it at once, many times over, each round on a fresh
 * two-slot table. Each thread looks for the element right after its own removal returned, and
 * must not find it (the removal that lost the race used to return before the winner took the
 * element out: the shape Lincheck's stress mode reported); afterwards it is never found, counted
 * or held.
 */
class ProcessTableRaceTests {

	private static final int ROUNDS = 20_000;

	@Test
	void twoRacingRemovalsLeaveTheElementGone() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			int found = 0;
			for (int round = 0; round < ROUNDS; round++) {
				ProcessTableLincheckTests.ItemTable table = new ProcessTableLincheckTests.ItemTable();
				ProcessTableLincheckTests.Item item = new ProcessTableLincheckTests.Item(1_000_003);
				assertThat(table.add(item)).isTrue();
				CyclicBarrier start = new CyclicBarrier(2);
				Callable<Boolean> removalThenFind = () -> {
					start.await();
					ProcessTableLincheckTests.Item seen = table.find(item.serial);
					if (seen != null) {
						table.remove(seen);
					}
					return table.find(item.serial) != null;
				};
				Future<Boolean> first = threads.submit(removalThenFind);
				Future<Boolean> second = threads.submit(removalThenFind);
				if (first.get() || second.get() || table.find(item.serial) != null || table.size() != 0) {
					found++;
				}
				int[] held = { 0 };
				table.forEach((element) -> held[0]++);
				assertThat(held[0]).as("round " + round + ": slots holding the element").isZero();
			}
			assertThat(found).as("rounds where the element was found after a removal returned, or still counted").isZero();
		}
		finally {
			threads.shutdownNow();
		}
	}

}
