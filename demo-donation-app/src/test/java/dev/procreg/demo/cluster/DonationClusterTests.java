package dev.procreg.demo.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The launcher's arguments: what each node is given, and bad arguments refused with a message
 * naming them before any node starts.
 */
class DonationClusterTests {

	@Test
	void threeNodesByDefaultOnTheReadmesPorts() {
		DonationCluster.Settings settings = DonationCluster.Settings.parse();
		assertThat(settings.nodes()).isEqualTo(3);
		assertThat(settings.nodeArguments(2)).containsExactly("--spring.profiles.active=cluster",
				"--process-registry.node=node2", "--server.port=8082", "--process-registry.cluster.port=5701",
				"--process-registry.cluster.port-count=4", "--process-registry.cluster.members=127.0.0.1:5701-5704");
	}

	@Test
	void portsAndCountAreOptionsAndOtherPropertiesGoToEveryNode() {
		DonationCluster.Settings settings = DonationCluster.Settings.parse("--nodes=2", "--http-port=9001",
				"--cluster-port=6001", "--demo.payments.workers=1");
		assertThat(settings.nodeArguments(2)).containsExactly("--spring.profiles.active=cluster",
				"--process-registry.node=node2", "--server.port=9002", "--process-registry.cluster.port=6001",
				"--process-registry.cluster.port-count=3", "--process-registry.cluster.members=127.0.0.1:6001-6003",
				"--demo.payments.workers=1");
	}

	@Test
	void badArgumentsAreRefusedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> DonationCluster.Settings.parse("--nodes=zero"))
			.withMessage("nodes must be a number from 1 to 9, not 'zero'");
		assertThatIllegalArgumentException().isThrownBy(() -> DonationCluster.Settings.parse("--nodes=10"))
			.withMessage("nodes must be a number from 1 to 9, not '10'");
		assertThatIllegalArgumentException().isThrownBy(() -> DonationCluster.Settings.parse("--http-port=0"))
			.withMessage("http-port must be a number from 1 to 65535, not '0'");
		assertThatIllegalArgumentException().isThrownBy(() -> DonationCluster.Settings.parse("node4"))
			.withMessageStartingWith("'node4' is not an argument of the launcher");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DonationCluster.Settings.parse("--http-port=65534", "--nodes=3"))
			.withMessage("the ports of 3 nodes from http-port 65534 and cluster-port 5701 go beyond 65535");
	}

}
