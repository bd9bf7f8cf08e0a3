package dev.procreg.registry;

/**
 * Counters of one partition, readable while writers run (each number is exact on its own; they
 * are not one atomic snapshot).
 *
 * @param partition the partition's index
 * @param keys distinct keys held
 * @param entries live entries
 * @param registrations registrations since start
 * @param unregistrations unregistrations since start, explicit and by exit
 * @param unregistrationsByExit those of the unregistrations caused by the owner's exit
 * @param conflicts registrations refused because a unique key was taken
 */
public record PartitionStats(int partition, long keys, long entries, long registrations, long unregistrations,
		long unregistrationsByExit, long conflicts) {
}
