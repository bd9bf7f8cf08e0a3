package dev.procreg.cluster;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.cluster.hazelcast.HazelcastMembership;
import dev.procreg.cluster.hazelcast.HazelcastNameClaims;
import dev.procreg.cluster.membership.ClusterMember;
import dev.procreg.cluster.membership.MembershipListener;
import dev.procreg.cluster.names.ClaimConflict;
import dev.procreg.cluster.names.ClaimResolver;
import dev.procreg.cluster.transport.ConnectionStatistics;
import dev.procreg.cluster.transport.NodeTransport;
import dev.procreg.process.NodeId;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.NameArbiter;
import dev.procreg.registry.ProcessRegistry;

/**
 * A runtime as a member of a cluster: Hazelcast tells who the members are, the transport keeps
 * one connection to each, the runtime sends its processes' messages and signals through it, and
 * one Hazelcast map arbitrates cluster-scoped names.
 *
 * <ul>
 * <li>A member that joins is dialed; once the handshake is done, the runtime sees the node up
 * (group scopes and cluster-scoped registries exchange their state).</li>
 * <li>A member that leaves, crashes or stops answering heartbeats is disconnected: the runtime
 * sees it down ({@code noconnection} to monitors, links and waiting calls; its group members and
 * names purged) and its claims leave the map.</li>
 * <li>After a healed split, departed nodes' claims are purged and every cluster-scoped registry
 * claims its keys again; where two claims meet, the older wins and the loser exits with
 * {@code NameConflict}.</li>
 * </ul>
 *
 * <pre>{@code
 * ProcessRuntime runtime = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("node1"));
 * ProcessCluster cluster = ProcessCluster.start(runtime,
 *         ClusterOptions.defaults("donations").withMembers(List.of("127.0.0.1:5701-5703")));
 * ProcessRegistry.start(runtime, RegistryOptions.unique("sessions").withClusterScope());
 * }</pre>
 */
public final class ProcessCluster implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ProcessCluster.class);

	private static final int RECENT_EVENTS = 100;

	private final ProcessRuntime runtime;

	private final ClusterOptions options;

	private final NodeTransport transport;

	private volatile @Nullable HazelcastMembership membership;

	private volatile @Nullable HazelcastNameClaims names;

	private final Deque<ClusterEvent> recent = new ArrayDeque<>();

	/** Dials again after a failed connect; one daemon thread. */
	private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "procreg-cluster-redial");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean closed;

	private final Map<ClusterEvent.Kind, LongAdder> counts = new EnumMap<>(ClusterEvent.Kind.class);

	private final List<Consumer<? super ClusterEvent>> eventListeners = new CopyOnWriteArrayList<>();

	private ProcessCluster(ProcessRuntime runtime, ClusterOptions options) {
		this.runtime = runtime;
		this.options = options;
		for (ClusterEvent.Kind kind : ClusterEvent.Kind.values()) {
			this.counts.put(kind, new LongAdder());
		}
		this.transport = NodeTransport.start(options.transport(), runtime::distribute);
	}

	/**
	 * Joins a runtime to the cluster: starts its transport, its Hazelcast member and the name
	 * arbiter. The runtime's node name must be unique among the members.
	 * @param runtime a runtime without a distribution
	 * @param options how to join
	 * @return the membership, to close when the node leaves
	 * @throws IllegalStateException when the runtime has a distribution already, or cannot listen
	 * @throws dev.procreg.cluster.membership.DuplicateNodeException when a live member has the
	 * runtime's node name
	 */
	public static ProcessCluster start(ProcessRuntime runtime, ClusterOptions options) {
		return start(runtime, options, HazelcastMembership::start);
	}

	/** Starts with a given way to start the membership: a test's, whose connections it can cut. */
	static ProcessCluster start(ProcessRuntime runtime, ClusterOptions options, HazelcastMembership.Starter members) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		Objects.requireNonNull(options, "options must not be null");
		ProcessCluster cluster = new ProcessCluster(runtime, options);
		try {
			cluster.join(members);
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
		return cluster;
	}

	private void join(HazelcastMembership.Starter members) {
		InetSocketAddress bound = this.transport.boundAddress();
		InetSocketAddress advertised = (bound.getAddress() != null && bound.getAddress().isAnyLocalAddress())
				? new InetSocketAddress(this.options.bindAddress(), bound.getPort()) : bound;
		HazelcastMembership started = members.start(this.options.membership(this.runtime.nodeId(), advertised),
				new Listener());
		this.membership = started;
		HazelcastNameClaims claims = new HazelcastNameClaims(started, ClaimResolver.olderClaimWins(), this::claimLost);
		this.names = claims;
		NameArbiter.install(this.runtime, new NameClaimsArbiter(claims));
		for (ClusterMember member : started.members()) {
			if (!member.node().equals(this.runtime.nodeId())) {
				connect(member);
			}
		}
	}

	/** @return this node */
	public NodeId node() {
		return this.runtime.nodeId();
	}

	/** @return the runtime this cluster member carries */
	public ProcessRuntime runtime() {
		return this.runtime;
	}

	/** @return the members as the membership knows them now, this node included */
	public Set<ClusterMember> members() {
		HazelcastMembership current = this.membership;
		if (current == null) {
			return Set.of();
		}
		Set<ClusterMember> all = new java.util.LinkedHashSet<>();
		all.add(current.self());
		all.addAll(current.members());
		return all;
	}

	/** @return the connections to other nodes, with their counters and round trips */
	public List<ConnectionStatistics> connections() {
		return this.transport.connections();
	}

	/** @return the transport, for its codec's statistics and round-trip measurements */
	public NodeTransport transport() {
		return this.transport;
	}

	/** @return the latest node-ups, node-downs, merges and conflicts, newest first */
	public List<ClusterEvent> recentEvents() {
		synchronized (this.recent) {
			return new ArrayList<>(this.recent);
		}
	}

	/**
	 * @param kind a kind of event
	 * @return how many events of that kind happened since this node joined (node-downs and
	 * conflicts for monitoring: the recent events keep only the latest)
	 */
	public long eventCount(ClusterEvent.Kind kind) {
		Objects.requireNonNull(kind, "kind must not be null");
		return this.counts.get(kind).sum();
	}

	/**
	 * Hears every event from now on, as {@link #recentEvents()} records it, on the thread that
	 * records it (the membership's, or a registry's during a conflict): a listener must return
	 * quickly. One that throws is logged and kept.
	 * <pre>{@code
	 * cluster.addEventListener((event) -> log.info("{} {}", event.kind(), event.node()));
	 * }</pre>
	 * @param listener the listener
	 */
	public void addEventListener(Consumer<? super ClusterEvent> listener) {
		this.eventListeners.add(Objects.requireNonNull(listener, "listener must not be null"));
	}

	/**
	 * @param listener a listener added before
	 * @return whether it was there
	 */
	public boolean removeEventListener(Consumer<? super ClusterEvent> listener) {
		return this.eventListeners.remove(listener);
	}

	/**
	 * @return whether this node is a member: its Hazelcast member runs and its transport is open
	 * (false once closed, or after Hazelcast gave up the member)
	 */
	public boolean running() {
		HazelcastMembership current = this.membership;
		return current != null && current.running() && this.transport.running();
	}

	/**
	 * Leaves the cluster: the name arbiter stops, the Hazelcast member leaves (the others see
	 * this node go down), the connections close. The runtime goes on, alone; its cluster-scoped
	 * registries keep their own keys.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.retries.shutdownNow();
		HazelcastNameClaims claims = this.names;
		if (claims != null) {
			claims.close();
		}
		HazelcastMembership current = this.membership;
		if (current != null) {
			current.close();
		}
		this.transport.close();
	}

	private void connect(ClusterMember member) {
		connect(member, 1);
	}

	/**
	 * Dials a member, and dials again while it stays a member and no connection came of it: right
	 * after a healed split one side may be refused until its peer's membership has caught up, and
	 * the transport never dials by itself.
	 */
	private void connect(ClusterMember member, int attempt) {
		this.transport.connect(member.node(), member.transportAddress()).whenComplete((node, error) -> {
			if (error == null || this.closed) {
				return;
			}
			if (!members().contains(member)) {
				return; // gone meanwhile: memberDown has disconnected it
			}
			if (attempt == 1 || attempt % 10 == 0) {
				logger.warn("Node {}: could not connect to {} at {} (attempt {}), trying again: {}", this.runtime.node(),
						member.node(), member.transportAddress(), attempt, error.getMessage());
			}
			long delayMillis = Math.min(2_000, 100L << Math.min(attempt, 5));
			this.retries.schedule(() -> connect(member, attempt + 1), delayMillis, TimeUnit.MILLISECONDS);
		});
	}

	private void claimLost(ClaimConflict conflict) {
		record(ClusterEvent.Kind.CONFLICT, conflict.loser().node(),
				conflict.key() + ": " + conflict.loser() + " lost to " + conflict.winner());
	}

	private void record(ClusterEvent.Kind kind, NodeId node, String detail) {
		ClusterEvent event = new ClusterEvent(Instant.now(), kind, node, detail);
		synchronized (this.recent) {
			this.recent.addFirst(event);
			while (this.recent.size() > RECENT_EVENTS) {
				this.recent.removeLast();
			}
		}
		this.counts.get(kind).increment();
		for (Consumer<? super ClusterEvent> listener : this.eventListeners) {
			try {
				listener.accept(event);
			}
			catch (RuntimeException ex) {
				logger.warn("Node {}: a cluster event listener failed on {}", this.runtime.node(), event, ex);
			}
		}
	}

	/** The membership's events, one at a time on its own thread. */
	private final class Listener implements MembershipListener {

		@Override
		public void memberUp(ClusterMember member) {
			if (member.node().equals(ProcessCluster.this.runtime.nodeId())) {
				return;
			}
			record(ClusterEvent.Kind.NODE_UP, member.node(), String.valueOf(member.transportAddress()));
			connect(member);
		}

		@Override
		public void memberDown(ClusterMember member) {
			ProcessCluster.this.transport.disconnect(member.node());
			HazelcastNameClaims claims = ProcessCluster.this.names;
			int purged = 0;
			if (claims != null) {
				try {
					purged = claims.purge(member.node());
				}
				catch (RuntimeException ex) {
					logger.warn("Node {}: could not purge the names of {}", ProcessCluster.this.runtime.node(),
							member.node(), ex);
				}
			}
			record(ClusterEvent.Kind.NODE_DOWN, member.node(), purged + " of its claims removed from the name map by this node (every survivor tries; the first removes them)");
		}

		@Override
		public void merged() {
			// the merge rebuilt this node's view of the members: dial each of them again, which also
			// tells the transport to accept their dials (it refuses the nodes it was told were gone)
			HazelcastMembership current = ProcessCluster.this.membership;
			if (current != null) {
				for (ClusterMember member : current.members()) {
					if (!member.node().equals(ProcessCluster.this.runtime.nodeId())) {
						connect(member);
					}
				}
			}
			HazelcastNameClaims claims = ProcessCluster.this.names;
			if (claims != null) {
				claims.purgeDeparted();
			}
			for (ProcessRegistry<?, ?> registry : ProcessRegistry.all(ProcessCluster.this.runtime)) {
				registry.reassertClaims();
			}
			record(ClusterEvent.Kind.MERGED, ProcessCluster.this.runtime.nodeId(), "names claimed again");
		}

	}

}
