package dev.procreg.partition;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ProcessRuntime;
import dev.procreg.supervisor.DynamicSupervisor;
import dev.procreg.supervisor.PartitionSupervisor;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Tests for {@link Partitioning}, the one function registries, supervisors and workers share. */
@ExtendWith(RuntimeExtension.class)
class PartitioningTests {

	@Test
	void integerKeysGoToTheirRemainderAndEveryKeyStaysInRange() {
		assertThat(Partitioning.index(10, 4)).isEqualTo(2);
		assertThat(Partitioning.index(10L, 4)).isEqualTo(2);
		assertThat(Partitioning.index(-1, 4)).isEqualTo(3);
		long seed = new Random().nextLong();
		Random random = new Random(seed);
		for (int i = 0; i < 10_000; i++) {
			String key = Long.toHexString(random.nextLong());
			int partitions = 1 + random.nextInt(64);
			int index = Partitioning.index(key, partitions);
			assertThat(index).as("seed %d, key %s", seed, key).isBetween(0, partitions - 1);
			assertThat(Partitioning.index(key, partitions)).isEqualTo(index);
		}
	}

	@Test
	void thePartitionSupervisorRoutesByTheSameFunction(ProcessRuntime runtime) {
		PartitionSupervisor supervisor = PartitionSupervisor.create(runtime, 8, DynamicSupervisor.Options.defaults());
		for (String key : new String[] { "donor-1", "donor-2", "order-77" }) {
			assertThat(supervisor.partitionIndex(key)).isEqualTo(Partitioning.index(key, 8));
		}
	}

	@Test
	void badInputIsRefusedWithAMessageNamingTheMistake() {
		assertThatIllegalArgumentException().isThrownBy(() -> Partitioning.index(null, 4))
			.withMessageContaining("routing key must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> Partitioning.index("k", 0))
			.withMessageContaining("partitions must be at least 1");
	}

}
