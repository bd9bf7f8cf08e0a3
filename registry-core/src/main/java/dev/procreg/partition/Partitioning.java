package dev.procreg.partition;

/**
 * The one function that routes a key to a partition, shared by {@code ProcessRegistry},
 * {@code PartitionSupervisor} and keyed workers, so that a key's registry partition, its
 * supervisor partition and its worker agree.
 *
 * <p>An integer key {@code k} (an {@code Integer}, {@code Long}, {@code Short} or {@code Byte})
 * goes to partition {@code k mod n}, as in Elixir's {@code PartitionSupervisor}, so numbered keys
 * spread evenly and predictably; any other key goes by its {@code hashCode}, with the high bits
 * folded into the low ones so that hash codes differing only in their high bits still spread.
 * The function allocates nothing.
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
		if (partitions < 1) {
			throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
		}
		if (partitions == 1) {
			return 0;
		}
		if (key instanceof Integer || key instanceof Long || key instanceof Short || key instanceof Byte) {
			return (int) Math.floorMod(((Number) key).longValue(), (long) partitions);
		}
		int hash = key.hashCode();
		return Math.floorMod(hash ^ (hash >>> 16), partitions);
	}

}
