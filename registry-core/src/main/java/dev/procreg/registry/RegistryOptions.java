package dev.procreg.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link ProcessRegistry} is set up.
 *
 * <pre>{@code
 * RegistryOptions.unique("sessions").withPartitions(8).withExpectedKeys(1_000_000);
 * RegistryOptions.duplicate("flows").withPartitionBy(PartitionBy.KEY).withMeta("owner", "donations");
 * }</pre>
 *
 * @param name the registry's name, unique in its runtime: via names, metrics and the admin page
 * use it
 * @param keys unique or duplicate keys
 * @param partitionBy how a duplicate registry spreads entries over partitions
 * @param partitions the number of partitions, at least 1
 * @param listeners who is told of registrations and unregistrations
 * @param meta registry-level metadata, readable with {@link ProcessRegistry#meta(Object)}
 * @param cluster whether unique keys are unique across the cluster; see {@link #withClusterScope()}
 * @param expectedKeys how many keys the registry is expected to hold, 0 when unknown; see
 * {@link #withExpectedKeys(int)}
 */
public record RegistryOptions(String name, Keys keys, PartitionBy partitionBy, int partitions,
		List<RegistryListener<?, ?>> listeners, Map<Object, Object> meta, boolean cluster, int expectedKeys) {

	/** The most keys a registry's table holds: 2^28, half of its largest table's slots. */
	public static final int MAX_EXPECTED_KEYS = 1 << 28;

	public RegistryOptions {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("a registry name must not be null or blank");
		}
		Objects.requireNonNull(keys, "keys must not be null");
		Objects.requireNonNull(partitionBy, "partitionBy must not be null");
		if (partitions < 1) {
			throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
		}
		listeners = List.copyOf(Objects.requireNonNull(listeners, "listeners must not be null"));
		meta = Map.copyOf(Objects.requireNonNull(meta, "meta must not be null"));
		if (cluster && keys != Keys.UNIQUE) {
			throw new IllegalArgumentException("registry '" + name
					+ "': only unique keys can take cluster scope (a duplicate registry is local; use process groups across nodes)");
		}
		if (expectedKeys < 0 || expectedKeys > MAX_EXPECTED_KEYS) {
			throw new IllegalArgumentException("registry '" + name + "': expectedKeys must be 0 (unknown) to "
					+ MAX_EXPECTED_KEYS + ", was " + expectedKeys);
		}
	}

	/**
	 * A unique registry with one partition.
	 * @param name the registry's name
	 * @return the options
	 */
	public static RegistryOptions unique(String name) {
		return new RegistryOptions(name, Keys.UNIQUE, PartitionBy.PID, 1, List.of(), Map.of(), false, 0);
	}

	/**
	 * A duplicate registry with one partition, partitioned by pid.
	 * @param name the registry's name
	 * @return the options
	 */
	public static RegistryOptions duplicate(String name) {
		return new RegistryOptions(name, Keys.DUPLICATE, PartitionBy.PID, 1, List.of(), Map.of(), false, 0);
	}

	/**
	 * Makes the registry's keys unique across the cluster, not only in this runtime: a key is
	 * claimed through the runtime's {@link NameArbiter} before it is registered, every node sees
	 * every node's keys, and when a healed network split leaves two owners, the older claim keeps
	 * the key and the other owner exits with {@link NameConflict}. On a runtime without a
	 * distribution it behaves as a local registry.
	 * <pre>{@code
	 * ProcessRegistry.start(runtime, RegistryOptions.unique("sessions").withClusterScope());
	 * }</pre>
	 * @return these options with cluster scope
	 * @throws IllegalArgumentException for duplicate keys
	 */
	public RegistryOptions withClusterScope() {
		return new RegistryOptions(this.name, this.keys, this.partitionBy, this.partitions, this.listeners, this.meta,
				true, this.expectedKeys);
	}

	/**
	 * Splits the registry into partitions, Elixir's {@code :partitions}. A duplicate registry
	 * keeps a set of buckets per partition, so that writers spread ({@link #withPartitionBy}). A
	 * unique registry keeps all its keys in one table, striped for its writers, whatever the
	 * count: its partitions split only the counters ({@link ProcessRegistry#partitionStats}) and the
	 * events, and a lookup costs the same with one partition or many.
	 * <pre>{@code
	 * RegistryOptions.duplicate("topics").withPartitions(Runtime.getRuntime().availableProcessors());
	 * }</pre>
	 * @param count the number of partitions, at least 1
	 * @return these options with that many partitions
	 */
	public RegistryOptions withPartitions(int count) {
		return new RegistryOptions(this.name, this.keys, this.partitionBy, count, this.listeners, this.meta, this.cluster,
				this.expectedKeys);
	}

	/**
	 * @param by how duplicate entries are partitioned
	 * @return these options partitioned that way
	 */
	public RegistryOptions withPartitionBy(PartitionBy by) {
		return new RegistryOptions(this.name, this.keys, by, this.partitions, this.listeners, this.meta, this.cluster,
				this.expectedKeys);
	}

	/**
	 * @param listener one more listener
	 * @return these options with the listener added
	 */
	public RegistryOptions withListener(RegistryListener<?, ?> listener) {
		List<RegistryListener<?, ?>> all = new ArrayList<>(this.listeners);
		all.add(Objects.requireNonNull(listener, "listener must not be null"));
		return new RegistryOptions(this.name, this.keys, this.partitionBy, this.partitions, all, this.meta, this.cluster,
				this.expectedKeys);
	}

	/**
	 * @param key a metadata key
	 * @param value its value
	 * @return these options with the metadata added
	 */
	public RegistryOptions withMeta(Object key, Object value) {
		Map<Object, Object> all = new LinkedHashMap<>(this.meta);
		all.put(Objects.requireNonNull(key, "meta key must not be null"),
				Objects.requireNonNull(value, "meta value must not be null"));
		return new RegistryOptions(this.name, this.keys, this.partitionBy, this.partitions, this.listeners, all, this.cluster,
				this.expectedKeys);
	}

	/**
	 * Sizes the registry for the keys it is expected to hold, as a {@code ConcurrentHashMap}'s
	 * initial capacity does: a unique registry allocates its table at that size, so that it does
	 * not grow on the way there (each growth copies the table while writers wait); a duplicate
	 * registry sizes each partition's map of keys for its share. More keys than expected still fit:
	 * the table grows as it would have. The table takes 16 bytes a slot, at least two slots a key
	 * (about 4 MB for 100,000 keys), from the start.
	 * <pre>{@code
	 * ProcessRegistry.start(runtime, RegistryOptions.unique("sessions").withExpectedKeys(100_000));
	 * }</pre>
	 * @param keys how many keys, 0 (unknown: start small and grow) to {@link #MAX_EXPECTED_KEYS}
	 * @return these options sized for that many keys
	 * @throws IllegalArgumentException when {@code keys} is negative or above {@link #MAX_EXPECTED_KEYS}
	 */
	public RegistryOptions withExpectedKeys(int keys) {
		return new RegistryOptions(this.name, this.keys, this.partitionBy, this.partitions, this.listeners, this.meta,
				this.cluster, keys);
	}

}
