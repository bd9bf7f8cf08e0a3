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
	void aCallerThatHasTheKeysHashCodeGetsTheSamePartition() {
		Object[] keys = { "session-1", "", 42, -7L, (short) 3, (byte) -2, new HighBitsKey(1 << 20), 3.5, 'c' };
		for (Object key : keys) {
			for (int partitions = 1; partitions <= 9; partitions++) {
				assertThat(Partitioning.index(key, key.hashCode(), partitions)).as("%s in %d", key, partitions)
					.isEqualTo(Partitioning.index(key, partitions));
			}
		}
	}

	@Test
	void hashedKeysSpreadOverEveryPartitionEvenWhenTheirHashCodesDifferOnlyInHighBits() {
		for (int partitions : new int[] { 2, 3, 8, 10 }) {
			int[] strings = new int[partitions];
			int[] highBits = new int[partitions];
			for (int i = 0; i < 8_000; i++) {
				strings[Partitioning.index("session-" + i, partitions)]++;
				highBits[Partitioning.index(new HighBitsKey(i << 19), partitions)]++;
			}
			int fair = 8_000 / partitions;
			for (int p = 0; p < partitions; p++) {
				assertThat(strings[p]).as("strings in partition %d of %d", p, partitions).isBetween(fair * 3 / 4, fair * 5 / 4);
				assertThat(highBits[p]).as("high-bit keys in partition %d of %d", p, partitions)
					.isBetween(fair * 3 / 4, fair * 5 / 4);
			}
		}
	}

	/** A key whose hash code is given, to spread keys that differ only in the high bits. */
	private record HighBitsKey(int hash) {

		@Override
		public int hashCode() {
			return this.hash;
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
