package dev.procreg.cluster;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.procreg.cluster.hazelcast.MembershipOptions;
import dev.procreg.cluster.transport.TransportOptions;
import dev.procreg.process.NodeId;

/**
 * How a runtime joins a cluster: its membership (Hazelcast) and its connections (the transport).
 * Start from {@link #defaults(String)}; every value is checked when the options are made.
 *
 * <pre>{@code
 * ClusterOptions options = ClusterOptions.defaults("donations")
 *     .withMembers(List.of("127.0.0.1:5701-5703"))
 *     .withPort(5701, 3);
 * ProcessCluster cluster = ProcessCluster.start(runtime, options);
 * }</pre>
 *
 * @param bindAddress the address Hazelcast binds to and advertises ({@code 127.0.0.1} by default:
 * its traffic is plaintext)
 * @param port the first port Hazelcast tries
 * @param portCount how many ports from {@code port} Hazelcast may try
 * @param members where other members may be found: {@code host}, {@code host:port} or
 * {@code host:port-port}
 * @param heartbeatInterval how often members send heartbeats (whole seconds)
 * @param maxNoHeartbeat how long without a heartbeat before a hung member is removed (whole
 * seconds, 10 s by default)
 * @param transport the connections between nodes; its cluster name is the cluster's
 */
public record ClusterOptions(String bindAddress, int port, int portCount, List<String> members,
		Duration heartbeatInterval, Duration maxNoHeartbeat, TransportOptions transport) {

	public ClusterOptions {
		Objects.requireNonNull(transport, "transport must not be null");
		members = List.copyOf(Objects.requireNonNull(members, "members must not be null"));
		// the membership's own checks, with a stand-in node, so that bad values fail here and now
		membership(new NodeId("check", 1), new InetSocketAddress("127.0.0.1", 1), bindAddress, port, portCount,
				members, heartbeatInterval, maxNoHeartbeat, transport.clusterName());
	}

	/**
	 * @param clusterName the cluster's name, the same on every member
	 * @return options for a cluster on loopback: Hazelcast from port 5701 (3 tries), heartbeat
	 * 1 s, max-no-heartbeat 10 s, the transport's defaults on any free port
	 */
	public static ClusterOptions defaults(String clusterName) {
		return new ClusterOptions("127.0.0.1", MembershipOptions.DEFAULT_PORT, 3, List.of(), Duration.ofSeconds(1),
				Duration.ofSeconds(10), TransportOptions.defaults(clusterName));
	}

	/** @return the cluster's name */
	public String clusterName() {
		return this.transport.clusterName();
	}

	/**
	 * @param addresses where other members may be found
	 * @return these options with those members
	 */
	public ClusterOptions withMembers(List<String> addresses) {
		return new ClusterOptions(this.bindAddress, this.port, this.portCount, addresses, this.heartbeatInterval,
				this.maxNoHeartbeat, this.transport);
	}

	/**
	 * @param address the address Hazelcast binds to
	 * @return these options with that address
	 */
	public ClusterOptions withBindAddress(String address) {
		return new ClusterOptions(address, this.port, this.portCount, this.members, this.heartbeatInterval,
				this.maxNoHeartbeat, this.transport);
	}

	/**
	 * @param first the first port Hazelcast tries
	 * @param count how many ports it may try
	 * @return these options with those ports
	 */
	public ClusterOptions withPort(int first, int count) {
		return new ClusterOptions(this.bindAddress, first, count, this.members, this.heartbeatInterval,
				this.maxNoHeartbeat, this.transport);
	}

	/**
	 * @param interval how often heartbeats go
	 * @param maxSilence how long without one before a member is removed
	 * @return these options with that failure detection
	 */
	public ClusterOptions withHeartbeat(Duration interval, Duration maxSilence) {
		return new ClusterOptions(this.bindAddress, this.port, this.portCount, this.members, interval, maxSilence,
				this.transport);
	}

	/**
	 * @param options the transport's options
	 * @return these options with those
	 */
	public ClusterOptions withTransport(TransportOptions options) {
		return new ClusterOptions(this.bindAddress, this.port, this.portCount, this.members, this.heartbeatInterval,
				this.maxNoHeartbeat, options);
	}

	/** The membership's options for a node whose transport listens at {@code transportAddress}. */
	MembershipOptions membership(NodeId node, InetSocketAddress transportAddress) {
		return membership(node, transportAddress, this.bindAddress, this.port, this.portCount, this.members,
				this.heartbeatInterval, this.maxNoHeartbeat, this.transport.clusterName());
	}

	private static MembershipOptions membership(NodeId node, InetSocketAddress transportAddress, String bindAddress,
			int port, int portCount, List<String> members, Duration heartbeatInterval, Duration maxNoHeartbeat,
			String clusterName) {
		return MembershipOptions.of(clusterName, node, transportAddress)
			.withBindAddress(bindAddress)
			.withPort(port, portCount)
			.withMembers(members)
			.withHeartbeat(heartbeatInterval, maxNoHeartbeat);
	}

}
