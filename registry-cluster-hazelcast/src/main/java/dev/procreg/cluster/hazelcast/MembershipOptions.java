package dev.procreg.cluster.hazelcast;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import dev.procreg.process.NodeId;

/**
 * How a node joins the cluster: procreg's own settings, checked here and translated into a
 * Hazelcast configuration by {@link HazelcastMembership}. Join is by TCP-IP to the listed
 * members only; multicast, auto-detection and phone-home are off.
 *
 * <pre>{@code
 * MembershipOptions options = MembershipOptions.of("orders", runtime.nodeId(), transport.localAddress())
 *     .withPort(5701, 3)
 *     .withMembers(List.of("127.0.0.1:5701-5703"));
 * }</pre>
 *
 * @param clusterName the cluster's name; members of other clusters never join this one
 * @param node this node's name and incarnation; the name must be unique among live members
 * @param bindAddress the IP address Hazelcast binds to and advertises; {@code 0.0.0.0} binds all
 * interfaces. Hazelcast's traffic is plaintext, so the default is the loopback {@code 127.0.0.1}
 * @param port the first port Hazelcast tries
 * @param portCount how many ports from {@code port} on Hazelcast may try (1: exactly {@code port})
 * @param members where other members may be found: {@code host}, {@code host:port} or
 * {@code host:port-port}; empty means this node only until others list it
 * @param transportAddress host and port of this node's transport, advertised to the others
 * @param heartbeatInterval how often members send heartbeats (whole seconds, at least 1 s)
 * @param maxNoHeartbeat how long without a heartbeat before a member is removed (whole seconds,
 * longer than the interval); 5 s caused false suspicions on 2 busy cores
 * @param mergeFirstRunDelay when, after start, the first search for another cluster to merge with
 * runs (whole seconds, at least 1 s)
 * @param mergeNextRunDelay how often that search runs afterwards (whole seconds, at least 1 s)
 */
public record MembershipOptions(String clusterName, NodeId node, String bindAddress, int port, int portCount,
		List<String> members, InetSocketAddress transportAddress, Duration heartbeatInterval, Duration maxNoHeartbeat,
		Duration mergeFirstRunDelay, Duration mergeNextRunDelay) {

	/** Hazelcast's own default first port. */
	public static final int DEFAULT_PORT = 5701;

	private static final Pattern MEMBER = Pattern.compile("[^\\s:]+(:\\d{1,5}(-\\d{1,5})?)?|\\[[0-9a-fA-F:.]+\\](:\\d{1,5}(-\\d{1,5})?)?");

	public MembershipOptions {
		if (clusterName == null || clusterName.isBlank()) {
			throw new IllegalArgumentException("clusterName must not be null or blank");
		}
		if (node == null) {
			throw new IllegalArgumentException("node must not be null");
		}
		if (node.incarnation() == 0) {
			throw new IllegalArgumentException("node incarnation must be known (not 0) to join a cluster: " + node.name());
		}
		checkBindAddress(bindAddress);
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
		}
		if (portCount < 1 || port + portCount - 1 > 65535) {
			throw new IllegalArgumentException("portCount must be at least 1 and port + portCount - 1 at most 65535, got port "
					+ port + " and portCount " + portCount);
		}
		if (members == null) {
			throw new IllegalArgumentException("members must not be null (empty means this node only)");
		}
		members = List.copyOf(members.stream().map(MembershipOptions::checkMember).toList());
		if (transportAddress == null) {
			throw new IllegalArgumentException("transportAddress must not be null");
		}
		if (transportAddress.getAddress() != null && transportAddress.getAddress().isAnyLocalAddress()) {
			throw new IllegalArgumentException("transportAddress must be an address the others can reach, not the wildcard "
					+ transportAddress.getHostString());
		}
		if (transportAddress.getPort() == 0) {
			throw new IllegalArgumentException("transportAddress must name the transport's bound port, got port 0 in "
					+ transportAddress);
		}
		checkSeconds("heartbeatInterval", heartbeatInterval);
		checkSeconds("maxNoHeartbeat", maxNoHeartbeat);
		if (maxNoHeartbeat.compareTo(heartbeatInterval) <= 0) {
			throw new IllegalArgumentException("maxNoHeartbeat (" + maxNoHeartbeat + ") must be longer than heartbeatInterval ("
					+ heartbeatInterval + ")");
		}
		checkSeconds("mergeFirstRunDelay", mergeFirstRunDelay);
		checkSeconds("mergeNextRunDelay", mergeNextRunDelay);
	}

	/**
	 * The defaults: bind and port {@code 127.0.0.1:5701} with up to 3 ports, no other members
	 * listed, heartbeat every 1 s, a member removed after 10 s without one, merge searches after
	 * 5 s and then every 5 s.
	 * @param clusterName the cluster's name
	 * @param node this node
	 * @param transportAddress where this node's transport listens
	 * @return the options
	 */
	public static MembershipOptions of(String clusterName, NodeId node, InetSocketAddress transportAddress) {
		return new MembershipOptions(clusterName, node, "127.0.0.1", DEFAULT_PORT, 3, List.of(), transportAddress,
				Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(5));
	}

	/**
	 * @param bindAddress the IP address to bind and advertise
	 * @return a copy with that bind address
	 */
	public MembershipOptions withBindAddress(String bindAddress) {
		return new MembershipOptions(this.clusterName, this.node, bindAddress, this.port, this.portCount, this.members,
				this.transportAddress, this.heartbeatInterval, this.maxNoHeartbeat, this.mergeFirstRunDelay,
				this.mergeNextRunDelay);
	}

	/**
	 * @param port the first port to try
	 * @param portCount how many ports from there (1: exactly that port)
	 * @return a copy with those ports
	 */
	public MembershipOptions withPort(int port, int portCount) {
		return new MembershipOptions(this.clusterName, this.node, this.bindAddress, port, portCount, this.members,
				this.transportAddress, this.heartbeatInterval, this.maxNoHeartbeat, this.mergeFirstRunDelay,
				this.mergeNextRunDelay);
	}

	/**
	 * @param members where other members may be found ({@code host}, {@code host:port},
	 * {@code host:port-port})
	 * @return a copy with those members
	 */
	public MembershipOptions withMembers(List<String> members) {
		return new MembershipOptions(this.clusterName, this.node, this.bindAddress, this.port, this.portCount, members,
				this.transportAddress, this.heartbeatInterval, this.maxNoHeartbeat, this.mergeFirstRunDelay,
				this.mergeNextRunDelay);
	}

	/**
	 * @param interval how often members send heartbeats
	 * @param maxNoHeartbeat how long without one before a member is removed
	 * @return a copy with that failure detection
	 */
	public MembershipOptions withHeartbeat(Duration interval, Duration maxNoHeartbeat) {
		return new MembershipOptions(this.clusterName, this.node, this.bindAddress, this.port, this.portCount, this.members,
				this.transportAddress, interval, maxNoHeartbeat, this.mergeFirstRunDelay, this.mergeNextRunDelay);
	}

	/**
	 * @param first when the first search for another cluster to merge with runs, after start
	 * @param next how often it runs afterwards
	 * @return a copy with those merge delays
	 */
	public MembershipOptions withMergeDelays(Duration first, Duration next) {
		return new MembershipOptions(this.clusterName, this.node, this.bindAddress, this.port, this.portCount, this.members,
				this.transportAddress, this.heartbeatInterval, this.maxNoHeartbeat, first, next);
	}

	/**
	 * @return whether Hazelcast binds every interface ({@code 0.0.0.0})
	 */
	boolean bindsAnyAddress() {
		return "0.0.0.0".equals(this.bindAddress);
	}

	private static void checkBindAddress(String bindAddress) {
		if (bindAddress == null || bindAddress.isBlank()) {
			throw new IllegalArgumentException("bindAddress must not be null or blank");
		}
		boolean literal = bindAddress.matches("\\d{1,3}(\\.\\d{1,3}){3}") || bindAddress.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
		if (!literal) {
			throw new IllegalArgumentException("bindAddress must be an IP address (such as 127.0.0.1 or 0.0.0.0), got '"
					+ bindAddress + "'");
		}
		try {
			InetAddress.getByName(bindAddress);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("bindAddress is not a valid IP address: '" + bindAddress + "'", ex);
		}
	}

	private static String checkMember(String member) {
		if (member == null || member.isBlank()) {
			throw new IllegalArgumentException("members must not contain null or blank entries");
		}
		String trimmed = member.strip();
		if (!MEMBER.matcher(trimmed).matches()) {
			throw new IllegalArgumentException("member '" + member + "' is not host, host:port or host:port-port");
		}
		int colon = trimmed.lastIndexOf(':');
		if (colon > 0 && !trimmed.endsWith("]")) {
			String[] range = trimmed.substring(colon + 1).split("-");
			int first = Integer.parseInt(range[0]);
			int last = Integer.parseInt(range[range.length - 1]);
			if (first < 1 || last > 65535 || last < first) {
				throw new IllegalArgumentException("member '" + member + "' has a port outside 1-65535 or an empty range");
			}
		}
		return trimmed;
	}

	private static void checkSeconds(String name, Duration value) {
		if (value == null) {
			throw new IllegalArgumentException(name + " must not be null");
		}
		if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.toNanosPart() != 0) {
			throw new IllegalArgumentException(name + " must be a whole number of seconds, at least 1 s, got " + value);
		}
	}

}
