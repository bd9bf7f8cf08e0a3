package dev.procreg.cluster.hazelcast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.procreg.process.NodeId;

/**
 * Ports and options for members started inside one test JVM: free ports (so parallel builds on
 * one machine do not meet) and a cluster name of their own.
 */
final class ClusterFixture {

	private final String clusterName = "procreg-test-" + UUID.randomUUID();

	private final List<Integer> ports = new ArrayList<>();

	ClusterFixture(int members) {
		for (int i = 0; i < members; i++) {
			this.ports.add(freePort());
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

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Prints a measured figure when asked to ({@code -Dprocreg.measure=true}); tests assert outcomes only. */
	static void measured(String text) {
		if (Boolean.getBoolean("procreg.measure")) {
			System.out.println("[measure] " + text);
		}
	}

}
