package dev.procreg.process;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Racing removals of one process from the runtime's process table, on platform threads: two
 * threads find the same element and remove it at once, many times over, each round on a fresh
 * two-slot table; afterwards the element is never found, counted or held. The shape Lincheck's
 * stress mode reported (see {@code ProcessTableLincheckTests#stressPasses}).
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
				Runnable removal = () -> {
					try {
						start.await();
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
					ProcessTableLincheckTests.Item seen = table.find(item.serial);
					if (seen != null) {
						table.remove(seen);
					}
				};
				Future<?> first = threads.submit(removal);
				Future<?> second = threads.submit(removal);
				first.get();
				second.get();
				if (table.find(item.serial) != null || table.size() != 0) {
					found++;
				}
				int[] held = { 0 };
				table.forEach((element) -> held[0]++);
				assertThat(held[0]).as("round " + round + ": slots holding the element").isZero();
			}
			assertThat(found).as("rounds where the element was still found or counted").isZero();
		}
		finally {
			threads.shutdownNow();
		}
	}

}
