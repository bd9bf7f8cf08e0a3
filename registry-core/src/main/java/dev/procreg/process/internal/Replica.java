package dev.procreg.process.internal;

import dev.procreg.process.NodeId;

/**
 * A component of the core that mirrors its state to the same component on other nodes (a group
 * scope, a clustered registry): it registers under a channel name with
 * {@link Runtimes#replicate}, and the runtime hands it what the same channel of other nodes sends,
 * and the comings and goings of nodes. Every call comes from a transport's thread, in arrival
 * order per node: for each origin node, the calls about it come from one thread at a time, so a
 * replica's view of one origin has one writer.
 */
public interface Replica {

	/**
	 * What the same channel of another node sent.
	 * @param from the node
	 * @param payload what it sent
	 */
	void received(NodeId from, Object payload);

	/**
	 * A node is connected (or was when this replica registered): a replica sends it its own state.
	 * @param node the node
	 */
	void nodeUp(NodeId node);

	/**
	 * A node is gone: a replica forgets what that node told it.
	 * @param node the node, with its incarnation
	 */
	void nodeDown(NodeId node);

}
