package dev.procreg.distribution;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.process.Distribution;
import dev.procreg.process.NodeId;
import dev.procreg.process.NodeLink;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.Signal;

/**
 * Runtimes of one JVM connected as nodes of a cluster, without sockets: each ordered pair of
 * nodes is a connection with its own queue and delivery thread, so signals keep their order per
 * pair and arrive on a thread that is neither the sender's nor the receiver's, as over a network.
 * Connections can be cut and healed, to test what a lost connection does ({@code noconnection})
 * and what happens after.
 *
 * <p>Signals travel as objects, not bytes: a message is shared with the receiver, not copied.
 *
 * <pre>{@code
 * try (InMemoryNetwork network = new InMemoryNetwork()) {
 *     network.join(berlin);
 *     network.join(paris);          // berlin and paris are connected
 *     network.cut(berlin, paris);   // both sides see the other go down
 *     network.heal(berlin, paris);  // and come back
 * }
 * }</pre>
 */
public final class InMemoryNetwork implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(InMemoryNetwork.class);

	private final Map<NodeId, Node> nodes = new LinkedHashMap<>();

	private boolean closed;

	/**
	 * Connects a runtime to every node of the network, and theirs to it.
	 * @param runtime a runtime without a distribution, whose node name no other node has
	 * @throws IllegalArgumentException when a node of that name is in the network already
	 * @throws IllegalStateException when the runtime has a distribution already, or the network
	 * is closed
	 */
	public synchronized void join(ProcessRuntime runtime) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		ensureOpen();
		for (NodeId other : this.nodes.keySet()) {
			if (other.name().equals(runtime.node())) {
				throw new IllegalArgumentException("the network has a node named '" + runtime.node() + "' already");
			}
		}
		Node node = new Node(runtime.nodeId());
		node.link = runtime.distribute(node);
		this.nodes.put(node.id, node);
		for (Node other : this.nodes.values()) {
			if (other != node) {
				connect(node, other);
			}
		}
	}

	/**
	 * Takes a node out of the network, as if its machine stopped: every other node sees it go
	 * down. The runtime itself goes on, alone.
	 * @param runtime a runtime of the network
	 */
	public synchronized void leave(ProcessRuntime runtime) {
		Node node = node(runtime);
		for (Node other : new ArrayList<>(this.nodes.values())) {
			if (other != node) {
				disconnect(node, other);
			}
		}
		this.nodes.remove(node.id);
	}

	/**
	 * Cuts the connection between two nodes, both ways: signals in flight are lost, and each side
	 * sees the other go down.
	 * @param a a runtime of the network
	 * @param b another one
	 */
	public synchronized void cut(ProcessRuntime a, ProcessRuntime b) {
		Node first = node(a);
		Node second = node(b);
		requireDistinct(first, second);
		disconnect(first, second);
	}

	/**
	 * Connects two nodes again after a {@link #cut}; each side sees the other come up.
	 * @param a a runtime of the network
	 * @param b another one
	 */
	public synchronized void heal(ProcessRuntime a, ProcessRuntime b) {
		Node first = node(a);
		Node second = node(b);
		requireDistinct(first, second);
		if (!first.out.containsKey(second.id)) {
			connect(first, second);
		}
	}

	/** @return how many signals the network has delivered, for tests that wait for quiet */
	public long delivered() {
		long total = 0;
		synchronized (this) {
			for (Node node : this.nodes.values()) {
				total += node.delivered.get();
			}
		}
		return total;
	}

	/** Stops every connection; the runtimes see no node go down. */
	@Override
	public synchronized void close() {
		this.closed = true;
		for (Node node : this.nodes.values()) {
			for (Connection connection : node.out.values()) {
				connection.stop();
			}
			node.out.clear();
		}
	}

	private void connect(Node a, Node b) {
		a.out.put(b.id, new Connection(a, b));
		b.out.put(a.id, new Connection(b, a));
		a.link.nodeUp(b.id);
		b.link.nodeUp(a.id);
	}

	private void disconnect(Node a, Node b) {
		Connection ab = a.out.remove(b.id);
		Connection ba = b.out.remove(a.id);
		if (ab != null) {
			ab.stop();
		}
		if (ba != null) {
			ba.stop();
		}
		if (ab != null || ba != null) {
			a.link.nodeDown(b.id);
			b.link.nodeDown(a.id);
		}
	}

	private Node node(ProcessRuntime runtime) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		ensureOpen();
		Node node = this.nodes.get(runtime.nodeId());
		if (node == null) {
			throw new IllegalArgumentException("runtime " + runtime.nodeId() + " is not in this network");
		}
		return node;
	}

	private static void requireDistinct(Node a, Node b) {
		if (a == b) {
			throw new IllegalArgumentException("a node has no connection to itself: " + a.id);
		}
	}

	private void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException("the network is closed");
		}
	}

	/** One runtime in the network: its distribution sends through its connections. */
	private static final class Node implements Distribution {

		final NodeId id;

		/** Its connections to the other nodes; read without the network's lock by senders. */
		final Map<NodeId, Connection> out = new java.util.concurrent.ConcurrentHashMap<>();

		final AtomicLong delivered = new AtomicLong();

		NodeLink link;

		Node(NodeId id) {
			this.id = id;
		}

		@Override
		public boolean send(NodeId node, Signal signal) {
			Connection connection = this.out.get(node);
			return connection != null && connection.offer(signal);
		}

	}

	/** One direction between two nodes: a queue and the thread that delivers it in order. */
	private static final class Connection implements Runnable {

		private static final Object STOP = new Object();

		private final Node from;

		private final Node to;

		private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();

		private volatile boolean open = true;

		Connection(Node from, Node to) {
			this.from = from;
			this.to = to;
			Thread.ofPlatform()
				.daemon()
				.name("procreg-network-" + from.id.name() + "-" + to.id.name())
				.start(this);
		}

		boolean offer(Signal signal) {
			return this.open && this.queue.offer(signal);
		}

		void stop() {
			this.open = false;
			this.queue.clear();
			this.queue.offer(STOP);
		}

		@Override
		public void run() {
			try {
				for (Object next = this.queue.take(); next != STOP && this.open; next = this.queue.take()) {
					try {
						this.to.link.receive(this.from.id, (Signal) next);
					}
					catch (RuntimeException ex) {
						logger.error("Node {} could not take {} from {}", this.to.id, next, this.from.id, ex);
					}
					this.to.delivered.incrementAndGet();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
