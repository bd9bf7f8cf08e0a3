package dev.procreg.cluster.names;

import java.util.List;

import dev.procreg.process.NodeId;

/**
 * What re-asserting a node's claims found: how many were already in place, how many had been
 * lost and were put back, how many replaced a claim of a departed node, and the conflicts with
 * live claims, whichever side lost.
 *
 * <pre>{@code
 * Reassertion result = names.reassert(localClaims);
 * metrics.counter("procreg.cluster.names.restored").increment(result.restored());
 * }</pre>
 *
 * @param intact claims found in place
 * @param restored claims that were missing and were put back
 * @param replacedDeparted claims that replaced one of a node no longer a member
 * @param conflicts conflicts with live claims of other nodes, as the resolver decided them
 */
public record Reassertion(int intact, int restored, int replacedDeparted, List<ClaimConflict> conflicts) {

	public Reassertion {
		if (intact < 0 || restored < 0 || replacedDeparted < 0) {
			throw new IllegalArgumentException("counts must not be negative: intact " + intact + ", restored " + restored
					+ ", replacedDeparted " + replacedDeparted);
		}
		conflicts = List.copyOf(conflicts);
	}

	/**
	 * @param node a node
	 * @return the conflicts that node's claims lost
	 */
	public List<ClaimConflict> lostBy(NodeId node) {
		return this.conflicts.stream().filter((conflict) -> conflict.loser().node().equals(node)).toList();
	}

}
