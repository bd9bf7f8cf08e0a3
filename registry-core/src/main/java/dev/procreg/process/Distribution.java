package dev.procreg.process;

/**
 * How a runtime reaches other nodes: a transport implements it and connects a runtime with
 * {@link ProcessRuntime#distribute(Distribution)}, which returns the {@link NodeLink} the
 * transport hands what it receives to.
 *
 * <p>The contract a transport keeps:
 * <ul>
 * <li>Signals to one node arrive in the order they were sent, at most once, and are handed to
 * that node's {@link NodeLink#receive} on a thread of the transport, never on the sender's.</li>
 * <li>{@link #send} returns {@code false} when there is no connection to the node; the signal is
 * dropped. It may block while the node's connection is congested (back-pressure, as Erlang's busy
 * distribution port does), never for ever.</li>
 * <li>When a connection is lost, the transport first refuses further sends to that node, then
 * calls {@link NodeLink#nodeDown}; what was in flight is lost.</li>
 * </ul>
 *
 * <pre>{@code
 * NodeLink link = runtime.distribute((node, signal) -> connections.send(node, signal));
 * // on the transport's reader thread:
 * link.receive(fromNode, signal);
 * }</pre>
 */
@FunctionalInterface
public interface Distribution {

	/**
	 * Sends a signal to a node.
	 * @param node the node of the signal's addressee, with its incarnation
	 * @param signal the signal
	 * @return whether the node is connected (the signal is on its way); {@code false} drops it
	 */
	boolean send(NodeId node, Signal signal);

}
