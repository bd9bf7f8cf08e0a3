package dev.procreg.process.internal;

import java.util.Set;

import dev.procreg.process.NodeId;

/**
 * The sending side of a {@link Replica}'s channel: what it sends reaches the same channel on
 * other nodes, in order per node, or nowhere when a node has no such channel (it then asks
 * for state itself when it registers).
 */
public interface Replication {

	/**
	 * @param node a connected node
	 * @param payload what to send, serializable
	 * @return whether the node is connected
	 */
	boolean send(NodeId node, Object payload);

	/**
	 * Sends to every connected node.
	 * @param payload what to send
	 */
	void broadcast(Object payload);

	/** @return the nodes connected now */
	Set<NodeId> connectedNodes();

}
