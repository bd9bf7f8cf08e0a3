package dev.procreg.cluster.membership;

import java.io.Serial;
import java.io.Serializable;
import java.net.InetSocketAddress;

import dev.procreg.process.NodeId;

/**
 * A live member of the cluster: the node (name and incarnation) and where its transport listens.
 * The node id is the identity; an engine's own member id (which may change, as Hazelcast's does
 * on a merge) is never used as one.
 *
 * <pre>{@code
 * ClusterMember member = new ClusterMember(new NodeId("node2", 42), new InetSocketAddress("127.0.0.1", 7402));
 * transport.connect(member.node(), member.transportAddress());
 * }</pre>
 *
 * @param node the node and its incarnation (never 0)
 * @param transportAddress host and port of the node's transport
 */
public record ClusterMember(NodeId node, InetSocketAddress transportAddress) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	public ClusterMember {
		if (node == null) {
			throw new IllegalArgumentException("node must not be null");
		}
		if (node.incarnation() == 0) {
			throw new IllegalArgumentException("a member's incarnation must be known, got 0 for node " + node.name());
		}
		if (transportAddress == null) {
			throw new IllegalArgumentException("transportAddress of " + node + " must not be null");
		}
	}

	@Override
	public String toString() {
		return this.node + "@" + this.transportAddress.getHostString() + ":" + this.transportAddress.getPort();
	}

}
