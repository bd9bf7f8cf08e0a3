package dev.procreg.cluster.transport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

import dev.procreg.process.NodeId;
import dev.procreg.process.NodeLink;
import dev.procreg.process.Signal;

/**
 * The runtime's end as a transport test sees it: records every signal, node-up and node-down,
 * with the thread that delivered it. A double of the runtime, which the end-to-end tests replace
 * with the real one.
 */
final class RecordingLink implements NodeLink {

	record Received(NodeId from, Signal signal, String thread) {
	}

	private final NodeId node;

	final Queue<Received> received = new ConcurrentLinkedQueue<>();

	/** "up node" and "down node", in the order they were called. */
	final List<String> events = Collections.synchronizedList(new ArrayList<>());

	final List<NodeId> ups = Collections.synchronizedList(new ArrayList<>());

	final List<NodeId> downs = Collections.synchronizedList(new ArrayList<>());

	private final Set<NodeId> connected = ConcurrentHashMap.newKeySet();

	volatile BiConsumer<NodeId, Signal> onReceive = (from, signal) -> {
	};

	RecordingLink(String name) {
		this.node = NodeId.newIncarnation(name);
	}

	@Override
	public NodeId node() {
		return this.node;
	}

	@Override
	public void receive(NodeId from, Signal signal) {
		this.received.add(new Received(from, signal, Thread.currentThread().getName()));
		this.onReceive.accept(from, signal);
	}

	@Override
	public void nodeUp(NodeId node) {
		this.connected.add(node);
		this.ups.add(node);
		this.events.add("up " + node);
	}

	@Override
	public void nodeDown(NodeId node) {
		this.connected.remove(node);
		this.downs.add(node);
		this.events.add("down " + node);
	}

	@Override
	public Set<NodeId> connectedNodes() {
		return Set.copyOf(this.connected);
	}

	/**
	 * Checks the runtime's view is consistent: per node name, up and down alternate, each down
	 * names the incarnation of the up before it, and what is connected now is what the events say.
	 * @return what is wrong, or null
	 */
	String inconsistency() {
		java.util.Map<String, NodeId> current = new java.util.HashMap<>();
		List<String> seen;
		synchronized (this.events) {
			seen = List.copyOf(this.events);
		}
		for (String event : seen) {
			String[] parts = event.split(" ");
			String name = parts[1].substring(0, parts[1].lastIndexOf('#'));
			NodeId node = new NodeId(name, Long.parseLong(parts[1].substring(parts[1].lastIndexOf('#') + 1)));
			if (parts[0].equals("up")) {
				if (current.containsKey(name)) {
					return "up " + node + " while " + current.get(name) + " is up: " + seen;
				}
				current.put(name, node);
			}
			else if (!node.equals(current.remove(name))) {
				return "down " + node + " without its up: " + seen;
			}
		}
		if (!Set.copyOf(current.values()).equals(connectedNodes())) {
			return "connected " + connectedNodes() + " but events say " + current.values();
		}
		return null;
	}

	List<Object> messages() {
		return this.received.stream().map((r) -> (Object) ((Signal.Send) r.signal()).message()).toList();
	}

}
