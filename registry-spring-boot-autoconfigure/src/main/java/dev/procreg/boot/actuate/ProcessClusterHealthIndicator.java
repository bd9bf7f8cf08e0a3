package dev.procreg.boot.actuate;

import java.util.List;

import dev.procreg.cluster.ProcessCluster;
import dev.procreg.cluster.membership.ClusterMember;
import dev.procreg.process.NodeId;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@link HealthIndicator} for the runtime's membership in its cluster: DOWN once this node is no
 * member any more (its Hazelcast member stopped or its transport closed), with this node, the
 * members and the nodes connected in the details. A member not connected yet is no failure:
 * connections follow membership within a round trip or two.
 */
public class ProcessClusterHealthIndicator extends AbstractHealthIndicator {

	private final ProcessCluster cluster;

	/**
	 * @param cluster the cluster membership
	 */
	public ProcessClusterHealthIndicator(ProcessCluster cluster) {
		super("Process cluster health check failed");
		this.cluster = cluster;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> members = this.cluster.members()
			.stream()
			.map(ClusterMember::node)
			.map(NodeId::name)
			.sorted()
			.toList();
		List<String> connected = this.cluster.runtime()
			.connectedNodes()
			.stream()
			.map(NodeId::name)
			.sorted()
			.toList();
		builder.withDetail("node", this.cluster.node().toString())
			.withDetail("members", members.size())
			.withDetail("memberNodes", members)
			.withDetail("connectedNodes", connected);
		if (this.cluster.running() && !members.isEmpty()) {
			builder.up();
		}
		else {
			builder.down();
		}
	}

}
