package dev.procreg.registry;

/**
 * How a duplicate registry spreads its entries over partitions. Unique registries always
 * partition by key.
 */
public enum PartitionBy {

	/**
	 * By the registering process (Elixir's default): registering never contends across
	 * processes, but a lookup visits every partition.
	 */
	PID,

	/**
	 * By key (Elixir 1.19): all entries of a key live in one partition, so a lookup or dispatch
	 * visits one partition, while many processes registering one key contend on it.
	 */
	KEY

}
