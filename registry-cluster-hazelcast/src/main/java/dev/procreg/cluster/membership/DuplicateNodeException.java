package dev.procreg.cluster.membership;

import java.io.Serial;

import dev.procreg.process.NodeId;

/**
 * A node tried to join under a name that a live member already uses. Node names are unique in a
 * cluster, as in Erlang; the refused node has left the cluster again by the time this is thrown.
 */
public class DuplicateNodeException extends IllegalStateException {

	@Serial
	private static final long serialVersionUID = 1L;

	private final NodeId refused;

	private final NodeId existing;

	/**
	 * @param refused the node that tried to join
	 * @param existing the live member that holds the name
	 */
	public DuplicateNodeException(NodeId refused, NodeId existing) {
		super("node name '" + refused.name() + "' is already used by live member " + existing
				+ "; node " + refused + " was refused and has left the cluster");
		this.refused = refused;
		this.existing = existing;
	}

	/**
	 * @return the node that tried to join
	 */
	public NodeId refused() {
		return this.refused;
	}

	/**
	 * @return the live member that holds the name
	 */
	public NodeId existing() {
		return this.existing;
	}

}
