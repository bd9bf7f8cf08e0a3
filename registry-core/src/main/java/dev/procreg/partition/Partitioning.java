package dev.procreg.partition;

/**
 * The one function that routes a key to a partition, shared by {@code ProcessRegistry},
 * {@code PartitionSupervisor} and keyed workers, so that a key's registry partition, its
 * supervisor partition and its worker agree.
 *
 * <p>An integer key {@code k} (an {@code Integer}, {@code Long}, {@code Short} or {@code Byte})
 * goes to partition {@code k mod n}, as in Elixir's {@code PartitionSupervisor}, so numbered keys
 * spread evenly and predictably; any other key goes by its {@code hashCode}, scrambled by a
 * multiplication (Fibonacci hashing) so that hash codes differing in any bits spread, and mapped
 * to a partition by a multiply and a shift rather than a division: it runs on every lookup of a
 * partitioned registry. The function allocates nothing.
 *
 * <pre>{@code
 * int partition = Partitioning.index("donor-42", 8);   // 0..7, the same on every call
 * }</pre>
 */
public final class Partitioning {

	private Partitioning() {
	}

	/**
	 * @param key the routing key, not null
	 * @param partitions how many partitions, at least 1
	 * @return the key's partition, from 0 to {@code partitions - 1}
	 * @throws IllegalArgumentException when the key is null or {@code partitions} is below 1
	 */
	public static int index(Object key, int partitions) {
		if (key == null) {
			throw new IllegalArgumentException("a routing key must not be null");
		}
		if (partitions <= 1) {
			if (partitions < 1) {
				throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
			}
			return 0;
		}
		return index(key, key.hashCode(), partitions);
	}

	/**
	 * {@link #index(Object, int)} for a caller that has the key's {@code hashCode} already: a
	 * lookup computes it once for the partition and the table.
	 * @param key the routing key, not null
	 * @param hashCode {@code key.hashCode()}
	 * @param partitions how many partitions, at least 1 (not checked: a lookup's caller knows)
	 * @return the key's partition, the same as {@link #index(Object, int)}
	 */
	public static int index(Object key, int hashCode, int partitions) {
		if (key instanceof Integer || key instanceof Long || key instanceof Short || key instanceof Byte) {
			return (int) Math.floorMod(((Number) key).longValue(), (long) partitions);
		}
		return reduce(hashCode, partitions);
	}

	/**
	 * Maps a hash code to {@code [0, partitions)}: the hash times the golden ratio's 32-bit
	 * fraction makes every input bit reach the high bits, and the high 32 bits of that times
	 * {@code partitions} is the partition (Lemire's multiply-shift reduction, no division).
	 */
	private static int reduce(int hash, int partitions) {
		long scrambled = (hash * 0x9E3779B9) & 0xFFFF_FFFFL;
		return (int) ((scrambled * partitions) >>> 32);
	}

}
