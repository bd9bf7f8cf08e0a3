package dev.procreg.cluster.names;

/**
 * Hears that a claim of this node lost a conflict: the owner's node evicts the name locally and
 * sends the losing process its {@code NameConflict} exit. Called on a thread of the arbiter, never
 * the owner's; it may be called more than once for one conflict, so handling must be idempotent.
 *
 * <pre>{@code
 * ClaimListener listener = conflict -> registry.evict(conflict.key(), conflict.loser().pid(), conflict.winner());
 * }</pre>
 */
@FunctionalInterface
public interface ClaimListener {

	/**
	 * @param conflict the name, the winning claim, and this node's claim that lost
	 */
	void claimLost(ClaimConflict conflict);

}
