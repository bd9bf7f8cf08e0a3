package dev.procreg.cluster.hazelcast;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.procreg.process.NodeId;

/**
 * Ports and options for members started inside one test JVM: free ports (so parallel builds on
 * one machine do not meet) and a cluster name of their own.
 */
final class ClusterFixture {

	private static final int LOWEST_PORT = 20000;

	private static final int EPHEMERAL_PORTS = 32768;

	private final String clusterName = "procreg-test-" + UUID.randomUUID();

	private final List<Integer> ports = new ArrayList<>();

	ClusterFixture(int members) {
		while (this.ports.size() < members) {
			int port = freePort();
			if (!this.ports.contains(port)) {
				this.ports.add(port);
			}
		}
	}

	String clusterName() {
		return this.clusterName;
	}

	List<String> memberAddresses() {
		return this.ports.stream().map((port) -> "127.0.0.1:" + port).toList();
	}

	/**
	 * Options for the member at that index; its transport address is a made-up free port (the
	 * membership only advertises it).
	 */
	MembershipOptions options(int index, String nodeName) {
		return MembershipOptions
			.of(this.clusterName, NodeId.newIncarnation(nodeName), new InetSocketAddress("127.0.0.1", 40000 + index))
			.withPort(this.ports.get(index), 1)
			.withMembers(memberAddresses());
	}

	/**
	 * A port free now, below the ephemeral ports: members bind theirs long after the fixture chose
	 * them (the spare ones tests later), and meanwhile the members' own connections to each other
	 * take ephemeral local ports, which {@code new ServerSocket(0)} hands out too. Ephemeral ports
	 * start at 32768 on Linux and at 49152 on macOS and Windows.
	 */
	private static int freePort() {
		for (int attempt = 0; attempt < 1000; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(LOWEST_PORT, EPHEMERAL_PORTS);
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress("127.0.0.1", port));
				return port;
			}
			catch (IOException ex) {
				// taken: another one
			}
		}
		throw new IllegalStateException("no free port between " + LOWEST_PORT + " and " + EPHEMERAL_PORTS);
	}

	/** Prints a measured figure when asked to ({@code -Dprocreg.measure=true}); tests assert outcomes only. */
	static void measured(String text) {
		if (Boolean.getBoolean("procreg.measure")) {
			System.out.println("[measure] " + text);
		}
	}

}
