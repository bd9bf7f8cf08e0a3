package dev.procreg.process;

import java.util.Set;

/**
 * A runtime's end of its {@link Distribution}: the transport hands it every signal it receives
 * and tells it when a node comes and goes. Returned by {@link ProcessRuntime#distribute}.
 *
 * <p>A node going down (its connection lost, or the membership dropping it) fails every call
 * waiting on it with exit reason {@code noconnection}, sends {@code Down} with
 * {@code noconnection} for every monitor of its processes, an exit signal {@code noconnection}
 * for every link to them, and forgets the monitors its processes held on this node's processes.
 */
public interface NodeLink {

	/** @return this runtime's node */
	NodeId node();

	/**
	 * Handles a signal that arrived from another node; the transport calls it from its own
	 * thread, in arrival order per node. Returns quickly: messages go to mailboxes, calls to the
	 * servers' mailboxes; no process code runs on the calling thread.
	 * @param from the node that sent it
	 * @param signal the signal
	 */
	void receive(NodeId from, Signal signal);

	/**
	 * A node is connected.
	 * @param node the node
	 */
	void nodeUp(NodeId node);

	/**
	 * A node is gone: see the class comment.
	 * @param node the node, with the incarnation that is gone
	 */
	void nodeDown(NodeId node);

	/** @return the nodes connected now */
	Set<NodeId> connectedNodes();

}
