package dev.procreg.cluster.hazelcast;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SerializerConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.cluster.membership.ClusterMember;
import dev.procreg.cluster.membership.DuplicateNodeException;
import dev.procreg.cluster.membership.MembershipListener;
import dev.procreg.cluster.names.Claim;
import dev.procreg.cluster.names.ClaimKey;
import dev.procreg.process.NodeId;

/**
 * This node's membership in a cluster, run by a Hazelcast member: who else is up, failure
 * detection by heartbeats, and merging after a split. Each member carries procreg's identity as
 * attributes (node name, incarnation, transport host and port); Hazelcast's member UUID, which
 * changes on a merge, is never used as an identity.
 *
 * <p>The {@link MembershipListener} hears {@code memberUp} and {@code memberDown} for the other
 * members, one call at a time on one thread of its own, and {@code merged} after this node merged
 * into another cluster; {@link #members()} is the set those calls have built so far, so a
 * snapshot taken in a listener call plus the calls after it is the whole history. A member that
 * joins under a node name a live member already uses is refused: it is not reported to the
 * others, and its own {@link #start} fails with a {@link DuplicateNodeException}.
 *
 * <pre>{@code
 * MembershipOptions options = MembershipOptions.of("orders", runtime.nodeId(), transport.localAddress())
 *     .withMembers(List.of("127.0.0.1:5701-5703"));
 * try (HazelcastMembership membership = HazelcastMembership.start(options, listener)) {
 *     membership.members().forEach(transport::connect);
 *     ...
 * }
 * }</pre>
 */
public final class HazelcastMembership implements AutoCloseable {

	/** How a membership is started: {@link #start(MembershipOptions, MembershipListener)}, or a test's way. */
	@FunctionalInterface
	public interface Starter {

		/**
		 * @param options how to join
		 * @param listener hears members come and go
		 * @return the started membership
		 */
		HazelcastMembership start(MembershipOptions options, MembershipListener listener);

	}

	static final String NODE_ATTRIBUTE = "procreg.node";

	static final String INCARNATION_ATTRIBUTE = "procreg.incarnation";

	static final String TRANSPORT_HOST_ATTRIBUTE = "procreg.transport.host";

	static final String TRANSPORT_PORT_ATTRIBUTE = "procreg.transport.port";

	private static final Logger logger = LoggerFactory.getLogger(HazelcastMembership.class);

	private final ClusterMember self;

	private final HazelcastInstance instance;

	private final MembershipListener listener;

	/** Runs every listener call, and the reconciliation before it, one at a time in order. */
	private final ExecutorService events;

	/** The other members as reported to the listener; written only on the events thread. */
	private final Map<NodeId, ClusterMember> reported = new LinkedHashMap<>();

	private volatile Set<ClusterMember> members = Set.of();

	private HazelcastMembership(ClusterMember self, HazelcastInstance instance, MembershipListener listener) {
		this.self = self;
		this.instance = instance;
		this.listener = listener;
		this.events = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "procreg-membership-" + self.node().name());
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Starts a Hazelcast member with these options and joins the cluster; returns once joined.
	 * @param options how to join
	 * @param listener hears the other members come and go
	 * @return the membership; close it to leave the cluster
	 * @throws DuplicateNodeException if a live member already uses this node's name
	 */
	public static HazelcastMembership start(MembershipOptions options, MembershipListener listener) {
		return start(options, listener, Hazelcast::newHazelcastInstance);
	}

	/**
	 * Starts with a given way to create the member from its configuration: tests create members
	 * whose connections they can cut (Hazelcast's {@code FirewallingNodeContext}).
	 * @param options how to join
	 * @param listener hears members come and go
	 * @param newMember creates the Hazelcast member
	 * @return the membership; close it to leave the cluster
	 */
	public static HazelcastMembership start(MembershipOptions options, MembershipListener listener,
			Function<Config, HazelcastInstance> newMember) {
		if (options == null) {
			throw new IllegalArgumentException("options must not be null");
		}
		if (listener == null) {
			throw new IllegalArgumentException("listener must not be null");
		}
		ClusterMember self = new ClusterMember(options.node(), options.transportAddress());
		HazelcastInstance instance = newMember.apply(config(options));
		try {
			refuseDuplicate(instance, options.node());
		}
		catch (DuplicateNodeException ex) {
			instance.shutdown();
			throw ex;
		}
		HazelcastMembership membership = new HazelcastMembership(self, instance, listener);
		instance.getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {

			@Override
			public void memberAdded(MembershipEvent event) {
				membership.reconcile(false);
			}

			@Override
			public void memberRemoved(MembershipEvent event) {
				membership.reconcile(false);
			}

		});
		instance.getLifecycleService().addLifecycleListener((event) -> {
			if (event.getState() == LifecycleState.MERGED) {
				membership.reconcile(true);
			}
		});
		membership.reconcile(false);
		return membership;
	}

	/**
	 * The Hazelcast configuration these options stand for.
	 */
	static Config config(MembershipOptions options) {
		Config config = new Config();
		config.setClusterName(options.clusterName());
		config.setInstanceName("procreg-" + options.node().name() + "-" + Long.toUnsignedString(options.node().incarnation(), 36));
		config.setProperty("hazelcast.logging.type", "slf4j");
		config.setProperty("hazelcast.phone.home.enabled", "false");
		config.setProperty("hazelcast.heartbeat.interval.seconds", Long.toString(options.heartbeatInterval().toSeconds()));
		config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(options.maxNoHeartbeat().toSeconds()));
		config.setProperty("hazelcast.merge.first.run.delay.seconds", Long.toString(options.mergeFirstRunDelay().toSeconds()));
		config.setProperty("hazelcast.merge.next.run.delay.seconds", Long.toString(options.mergeNextRunDelay().toSeconds()));
		config.setProperty("hazelcast.wait.seconds.before.join", "1");
		config.setProperty("hazelcast.socket.bind.any", Boolean.toString(options.bindsAnyAddress()));
		NetworkConfig network = config.getNetworkConfig();
		network.setPort(options.port()).setPortCount(options.portCount()).setPortAutoIncrement(options.portCount() > 1);
		if (!options.bindsAnyAddress()) {
			network.getInterfaces().setEnabled(true).addInterface(options.bindAddress());
		}
		JoinConfig join = network.getJoin();
		join.getMulticastConfig().setEnabled(false);
		join.getAutoDetectionConfig().setEnabled(false);
		List<String> members = options.members().isEmpty()
				? List.of(hostForMembers(options.bindsAnyAddress() ? "127.0.0.1" : options.bindAddress()) + ":" + options.port())
				: expandPortRanges(options.members());
		join.getTcpIpConfig().setEnabled(true).setMembers(members);
		InetSocketAddress transport = options.transportAddress();
		config.getMemberAttributeConfig()
			.setAttribute(NODE_ATTRIBUTE, options.node().name())
			.setAttribute(INCARNATION_ATTRIBUTE, Long.toString(options.node().incarnation()))
			.setAttribute(TRANSPORT_HOST_ATTRIBUTE, transport.getHostString())
			.setAttribute(TRANSPORT_PORT_ATTRIBUTE, Integer.toString(transport.getPort()));
		// a merge only adds names the surviving side lacks and never overwrites one: the owners'
		// re-assertion decides conflicts, so that the loser's node is always told
		config.getMapConfig(HazelcastNameClaims.MAP_NAME)
			.getMergePolicyConfig()
			.setPolicy(PutIfAbsentMergePolicy.class.getName());
		config.getSerializationConfig()
			.addSerializerConfig(new SerializerConfig().setTypeClass(Claim.class).setImplementation(new ClaimSerializer()))
			.addSerializerConfig(new SerializerConfig().setTypeClass(ClaimKey.class).setImplementation(new ClaimKeySerializer()));
		return config;
	}

	/**
	 * @return this node as the others see it
	 */
	public ClusterMember self() {
		return this.self;
	}

	/**
	 * @return the other members, as reported to the listener so far
	 */
	public Set<ClusterMember> members() {
		return this.members;
	}

	/**
	 * @return whether the Hazelcast member runs (false once closed, or after Hazelcast shut it
	 * down)
	 */
	public boolean running() {
		return this.instance.getLifecycleService().isRunning();
	}

	/**
	 * Leaves the cluster gracefully; the others hear {@code memberDown} at once. The listener
	 * hears nothing more.
	 */
	@Override
	public void close() {
		this.events.shutdownNow();
		try {
			this.instance.shutdown();
		}
		catch (HazelcastInstanceNotActiveException ex) {
			// already gone
		}
	}

	/**
	 * @return the node ids of the live members as Hazelcast sees them now, this node included
	 */
	Set<NodeId> liveNodes() {
		Set<NodeId> live = new HashSet<>();
		for (Member member : this.instance.getCluster().getMembers()) {
			ClusterMember known = toClusterMember(member);
			if (known != null) {
				live.add(known.node());
			}
		}
		return live;
	}

	HazelcastInstance instance() {
		return this.instance;
	}

	private void reconcile(boolean merged) {
		try {
			this.events.execute(() -> {
				applyCurrentMembers();
				if (merged) {
					notify("merged", this.listener::merged);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// closed
		}
	}

	private void applyCurrentMembers() {
		Map<NodeId, ClusterMember> current;
		try {
			current = currentOthers();
		}
		catch (HazelcastInstanceNotActiveException ex) {
			return;
		}
		List<ClusterMember> down = new ArrayList<>();
		for (ClusterMember member : this.reported.values()) {
			if (!current.containsKey(member.node())) {
				down.add(member);
			}
		}
		List<ClusterMember> up = new ArrayList<>();
		for (ClusterMember member : current.values()) {
			if (!this.reported.containsKey(member.node())) {
				up.add(member);
			}
		}
		for (ClusterMember member : down) {
			this.reported.remove(member.node());
			this.members = Set.copyOf(this.reported.values());
			notify("memberDown", () -> this.listener.memberDown(member));
		}
		for (ClusterMember member : up) {
			this.reported.put(member.node(), member);
			this.members = Set.copyOf(this.reported.values());
			notify("memberUp", () -> this.listener.memberUp(member));
		}
	}

	/**
	 * The other members now, one per node name: the oldest member holding a name keeps it, a
	 * later one with the same name is a refused duplicate on its way out.
	 */
	private Map<NodeId, ClusterMember> currentOthers() {
		Map<String, ClusterMember> byName = new LinkedHashMap<>();
		byName.put(this.self.node().name(), this.self);
		for (Member member : this.instance.getCluster().getMembers()) {
			ClusterMember known = toClusterMember(member);
			if (known != null) {
				byName.putIfAbsent(known.node().name(), known);
			}
		}
		byName.remove(this.self.node().name());
		Map<NodeId, ClusterMember> others = new LinkedHashMap<>();
		byName.values().forEach((member) -> others.put(member.node(), member));
		return others;
	}

	private void notify(String what, Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Membership listener of {} failed on {}", this.self.node(), what, ex);
		}
	}

	private static void refuseDuplicate(HazelcastInstance instance, NodeId node) {
		for (Member member : instance.getCluster().getMembers()) {
			ClusterMember known = toClusterMember(member);
			if (!member.localMember() && known != null
					&& known.node().name().equals(node.name())) {
				throw new DuplicateNodeException(node, known.node());
			}
		}
	}

	/**
	 * A transport host given as an IP address is used as it is; a host name is resolved here.
	 * @return the procreg member a Hazelcast member stands for, or null for a member without
	 * procreg's attributes (another application in the same cluster)
	 */
	static @Nullable ClusterMember toClusterMember(Member member) {
		String name = member.getAttribute(NODE_ATTRIBUTE);
		String incarnation = member.getAttribute(INCARNATION_ATTRIBUTE);
		String host = member.getAttribute(TRANSPORT_HOST_ATTRIBUTE);
		String port = member.getAttribute(TRANSPORT_PORT_ATTRIBUTE);
		if (name == null || incarnation == null || host == null || port == null) {
			return null;
		}
		try {
			return new ClusterMember(new NodeId(name, Long.parseLong(incarnation)),
					new InetSocketAddress(host, Integer.parseInt(port)));
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Ignoring member {} with malformed procreg attributes", member, ex);
			return null;
		}
	}

	/** Hazelcast takes {@code host:port} only: {@code host:first-last} becomes one entry per port. */
	static List<String> expandPortRanges(List<String> members) {
		List<String> expanded = new java.util.ArrayList<>();
		for (String member : members) {
			int colon = member.lastIndexOf(':');
			int dash = (colon > 0 && !member.endsWith("]")) ? member.indexOf('-', colon) : -1;
			if (dash < 0) {
				expanded.add(member);
				continue;
			}
			String host = member.substring(0, colon);
			int first = Integer.parseInt(member.substring(colon + 1, dash));
			int last = Integer.parseInt(member.substring(dash + 1));
			for (int port = first; port <= last; port++) {
				expanded.add(host + ":" + port);
			}
		}
		return expanded;
	}

	private static String hostForMembers(String address) {
		return address.contains(":") ? "[" + address + "]" : address;
	}

}
