package dev.procreg.boot.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import dev.procreg.cluster.ClusterEvent;
import dev.procreg.cluster.ProcessCluster;
import dev.procreg.cluster.codec.CodecRejections;
import dev.procreg.cluster.membership.ClusterMember;
import dev.procreg.cluster.transport.ConnectionState;
import dev.procreg.cluster.transport.ConnectionStatistics;
import dev.procreg.group.ProcessGroups;
import dev.procreg.process.NodeId;
import dev.procreg.registry.ProcessRegistry;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@link Endpoint @Endpoint} that shows the cluster as this node sees it: the members with their
 * connection (state, round trip, signals and bytes each way, bytes queued) and how many names and
 * group memberships its processes hold, the cluster-scoped registries with their entries by
 * node, the latest node-ups, node-downs, merges and name conflicts, and what the codec refused.
 * Reads this node's counters and views only: asks no process and no other node.
 *
 * <pre>
 * GET /actuator/cluster
 * {"node":"node1#5f3a…","running":true,"members":[{"node":"node2", …,"connection":{"state":"UP", …}}], …}
 * </pre>
 */
@Endpoint(id = "cluster", defaultAccess = Access.READ_ONLY)
public class ClusterEndpoint {

	private final ProcessCluster cluster;

	/**
	 * @param cluster the cluster membership shown
	 */
	public ClusterEndpoint(ProcessCluster cluster) {
		this.cluster = cluster;
	}

	/**
	 * The cluster as this node sees it now.
	 * @return the report
	 */
	@ReadOperation
	public ClusterDescriptor cluster() {
		Map<String, ConnectionStatistics> byPeer = new HashMap<>();
		for (ConnectionStatistics connection : this.cluster.connections()) {
			if (connection.peer() != null) {
				byPeer.merge(connection.peer().name(), connection, ClusterEndpoint::preferUp);
			}
		}
		String self = this.cluster.node().name();
		Set<ClusterMember> clusterMembers = this.cluster.members();
		Map<String, Long> namesByNode = new HashMap<>();
		List<RegistryDescriptor> registries = new ArrayList<>();
		for (ProcessRegistry<?, ?> registry : ProcessRegistry.all(this.cluster.runtime())) {
			if (registry.clusterScope()) {
				Map<String, Long> byNode = byName(registry.countByNode());
				clusterMembers.forEach((member) -> byNode.putIfAbsent(member.node().name(), 0L));
				byNode.forEach((node, count) -> namesByNode.merge(node, count, Long::sum));
				registries.add(new RegistryDescriptor(registry.name(), byNode.getOrDefault(self, 0L),
						byNode.values().stream().mapToLong(Long::longValue).sum(), byNode));
			}
		}
		Map<String, Long> membershipsByNode = new HashMap<>();
		for (ProcessGroups scope : ProcessGroups.scopes(this.cluster.runtime())) {
			byName(scope.membershipsByNode()).forEach((node, count) -> membershipsByNode.merge(node, count, Long::sum));
		}
		List<MemberDescriptor> members = new ArrayList<>();
		for (ClusterMember member : clusterMembers) {
			String name = member.node().name();
			ConnectionStatistics connection = byPeer.get(name);
			members.add(new MemberDescriptor(name, member.node().toString(),
					member.transportAddress().getHostString() + ":" + member.transportAddress().getPort(),
					name.equals(self), (connection != null) ? ConnectionDescriptor.of(connection) : null,
					namesByNode.getOrDefault(name, 0L), membershipsByNode.getOrDefault(name, 0L)));
		}
		members.sort(Comparator.comparing(MemberDescriptor::name));
		Map<String, Long> eventCounts = new LinkedHashMap<>();
		for (ClusterEvent.Kind kind : ClusterEvent.Kind.values()) {
			eventCounts.put(kind.name(), this.cluster.eventCount(kind));
		}
		List<EventDescriptor> events = this.cluster.recentEvents()
			.stream()
			.map((event) -> new EventDescriptor(event.at(), event.kind().name(), event.node().toString(),
					event.detail()))
			.toList();
		CodecRejections rejections = this.cluster.transport().codec().rejections();
		return new ClusterDescriptor(this.cluster.node().toString(), this.cluster.transport().options().clusterName(),
				this.cluster.running(), members, registries, eventCounts, events,
				new RejectionsDescriptor(rejections.count(), rejections.recentClasses()));
	}

	/** Counts by node name, sorted: the incarnation is the member's, shown once there. */
	private static Map<String, Long> byName(Map<NodeId, Long> counts) {
		Map<String, Long> byName = new TreeMap<>();
		counts.forEach((node, count) -> byName.merge(node.name(), count, Long::sum));
		return byName;
	}

	private static ConnectionStatistics preferUp(ConnectionStatistics one, ConnectionStatistics other) {
		return (other.state() == ConnectionState.UP && one.state() != ConnectionState.UP) ? other : one;
	}

	/**
	 * The cluster as one node sees it.
	 *
	 * @param node this node, with its incarnation
	 * @param cluster the cluster's name
	 * @param running whether this node is a member (its Hazelcast member and transport run)
	 * @param members the members, this node included, by name
	 * @param registries the cluster-scoped registries
	 * @param eventCounts how many events of each kind happened since this node joined
	 * @param recentEvents the latest events, newest first
	 * @param codecRejections what the codec refused to decode
	 */
	public record ClusterDescriptor(String node, String cluster, boolean running, List<MemberDescriptor> members,
			List<RegistryDescriptor> registries, Map<String, Long> eventCounts, List<EventDescriptor> recentEvents,
			RejectionsDescriptor codecRejections) implements OperationResponseBody {

	}

	/**
	 * One member.
	 *
	 * @param name its node name
	 * @param node its node name and incarnation
	 * @param transportAddress where its transport listens
	 * @param self whether it is this node
	 * @param connection this node's connection to it, null for this node or while none is open
	 * @param names the entries of cluster-scoped registries whose process runs on it, as this
	 * node sees them
	 * @param groupMembers the memberships of process groups (every scope) held by its processes,
	 * as this node sees them
	 */
	public record MemberDescriptor(String name, String node, String transportAddress, boolean self,
			@Nullable ConnectionDescriptor connection, long names, long groupMembers) {

	}

	/**
	 * A connection to another node, its counters as read now.
	 *
	 * @param state HANDSHAKING, UP or CLOSED
	 * @param dialed whether this node dialed it
	 * @param tls whether it is encrypted and both ends authenticated
	 * @param roundTripMicros the latest measured round trip, in microseconds; null before the
	 * first
	 * @param signalsSent signals sent (messages, calls, replies, exits, monitors, replication)
	 * @param bytesSent their bytes, with framing
	 * @param signalsReceived signals received
	 * @param bytesReceived their bytes
	 * @param signalsDropped signals received but not decodable, refused classes among them
	 * @param bytesQueued bytes waiting to go out
	 */
	public record ConnectionDescriptor(String state, boolean dialed, boolean tls, @Nullable Long roundTripMicros,
			long signalsSent, long bytesSent, long signalsReceived, long bytesReceived, long signalsDropped,
			long bytesQueued) {

		static ConnectionDescriptor of(ConnectionStatistics connection) {
			return new ConnectionDescriptor(connection.state().name(), connection.dialed(), connection.tls(),
					(connection.roundTrip() != null) ? connection.roundTrip().toNanos() / 1000 : null,
					connection.signalsSent(), connection.bytesSent(), connection.signalsReceived(),
					connection.bytesReceived(), connection.signalsDropped(), connection.bytesQueued());
		}

	}

	/**
	 * A cluster-scoped registry.
	 *
	 * @param name its name
	 * @param localEntries the entries whose process runs on this node
	 * @param entries all its entries, this node's and the other nodes'
	 * @param entriesByNode its entries by the node name of their process, every member named
	 */
	public record RegistryDescriptor(String name, long localEntries, long entries, Map<String, Long> entriesByNode) {

	}

	/**
	 * Something that happened to the cluster.
	 *
	 * @param at when
	 * @param kind NODE_UP, NODE_DOWN, MERGED or CONFLICT
	 * @param node the node concerned
	 * @param detail the claims this node removed from the name map, or the conflict
	 */
	public record EventDescriptor(Instant at, String kind, String node, String detail) {

	}

	/**
	 * What the codec refused.
	 *
	 * @param count signals refused since this node joined
	 * @param recentClasses the latest refused classes, most recent last
	 */
	public record RejectionsDescriptor(long count, List<String> recentClasses) {

	}

}
