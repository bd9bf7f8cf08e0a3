package dev.procreg.cluster.hazelcast;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import org.junit.jupiter.api.Test;

import dev.procreg.cluster.membership.MembershipListener;
import dev.procreg.process.NodeId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Options are checked before any member starts, with a message that names the bad value, and
 * translate into the Hazelcast settings CLUSTER.md asks for.
 */
class MembershipOptionsTests {

	private static final NodeId NODE = new NodeId("node1", 7);

	private static final InetSocketAddress TRANSPORT = new InetSocketAddress("127.0.0.1", 7401);

	private final MembershipOptions defaults = MembershipOptions.of("orders", NODE, TRANSPORT);

	@Test
	void defaultsStayOnLoopbackWithOneSecondHeartbeatsAndTenSecondsToRemoval() {
		assertThat(this.defaults.bindAddress()).isEqualTo("127.0.0.1");
		assertThat(this.defaults.port()).isEqualTo(5701);
		assertThat(this.defaults.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.defaults.maxNoHeartbeat()).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void configJoinsByTcpIpOnlyAndCarriesTheNodeAsAttributes() {
		Config config = HazelcastMembership.config(this.defaults.withPort(5801, 3)
			.withMembers(List.of("127.0.0.1:5801-5803", "10.0.0.2"))
			.withHeartbeat(Duration.ofSeconds(2), Duration.ofSeconds(12))
			.withMergeDelays(Duration.ofSeconds(3), Duration.ofSeconds(4)));
		assertThat(config.getClusterName()).isEqualTo("orders");
		JoinConfig join = config.getNetworkConfig().getJoin();
		assertThat(join.getMulticastConfig().isEnabled()).isFalse();
		assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
		assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
		assertThat(join.getTcpIpConfig().getMembers()).as("a port range becomes one address per port")
			.containsExactly("127.0.0.1:5801", "127.0.0.1:5802", "127.0.0.1:5803", "10.0.0.2");
		assertThat(config.getNetworkConfig().getPort()).isEqualTo(5801);
		assertThat(config.getNetworkConfig().getPortCount()).isEqualTo(3);
		assertThat(config.getNetworkConfig().isPortAutoIncrement()).isTrue();
		assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
		assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
		assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
		assertThat(config.getProperty("hazelcast.logging.type")).isEqualTo("slf4j");
		assertThat(config.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("2");
		assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("12");
		assertThat(config.getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("3");
		assertThat(config.getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("4");
		assertThat(config.getMapConfig("procreg.names").getMergePolicyConfig().getPolicy())
			.isEqualTo("com.hazelcast.spi.merge.PutIfAbsentMergePolicy");
		assertThat(config.getMemberAttributeConfig().getAttributes()).containsEntry("procreg.node", "node1")
			.containsEntry("procreg.incarnation", "7")
			.containsEntry("procreg.transport.host", "127.0.0.1")
			.containsEntry("procreg.transport.port", "7401");
	}

	@Test
	void withoutListedMembersTheNodeListsItself() {
		Config config = HazelcastMembership.config(this.defaults);
		assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5701");
	}

	@Test
	void bindingAllInterfacesIsExplicit() {
		Config config = HazelcastMembership.config(this.defaults.withBindAddress("0.0.0.0"));
		assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("true");
		assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isFalse();
	}

	@Test
	void badOptionsAreRefusedNamingTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> MembershipOptions.of(" ", NODE, TRANSPORT))
			.withMessageContaining("clusterName");
		assertThatIllegalArgumentException().isThrownBy(() -> MembershipOptions.of("orders", null, TRANSPORT))
			.withMessageContaining("node must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MembershipOptions.of("orders", new NodeId("node1", 0), TRANSPORT))
			.withMessageContaining("incarnation must be known");
		assertThatIllegalArgumentException().isThrownBy(() -> MembershipOptions.of("orders", NODE, null))
			.withMessageContaining("transportAddress must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MembershipOptions.of("orders", NODE, new InetSocketAddress("127.0.0.1", 0)))
			.withMessageContaining("port 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MembershipOptions.of("orders", NODE, new InetSocketAddress("0.0.0.0", 7401)))
			.withMessageContaining("not the wildcard 0.0.0.0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withBindAddress("localhost"))
			.withMessageContaining("bindAddress must be an IP address")
			.withMessageContaining("'localhost'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withPort(0, 1))
			.withMessageContaining("port must be between 1 and 65535, got 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withPort(65535, 2))
			.withMessageContaining("portCount")
			.withMessageContaining("65535");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withPort(5701, 0))
			.withMessageContaining("portCount 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withMembers(null))
			.withMessageContaining("members must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withMembers(List.of("127.0.0.1:5701", " ")))
			.withMessageContaining("blank");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withMembers(List.of("host:port")))
			.withMessageContaining("member 'host:port' is not host, host:port or host:port-port");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withMembers(List.of("127.0.0.1:5703-5701")))
			.withMessageContaining("'127.0.0.1:5703-5701'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withMembers(List.of("127.0.0.1:70000")))
			.withMessageContaining("'127.0.0.1:70000'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.withHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(10)))
			.withMessageContaining("heartbeatInterval must be a whole number of seconds, at least 1 s, got PT0.5S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.withHeartbeat(Duration.ofSeconds(5), Duration.ofSeconds(5)))
			.withMessageContaining("maxNoHeartbeat (PT5S) must be longer than heartbeatInterval (PT5S)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.withMergeDelays(Duration.ZERO, Duration.ofSeconds(5)))
			.withMessageContaining("mergeFirstRunDelay");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.withMergeDelays(Duration.ofSeconds(5), null))
			.withMessageContaining("mergeNextRunDelay must not be null");
	}

	@Test
	void startRefusesMissingArgumentsBeforeAnyMemberStarts() {
		MembershipListener listener = new RecordingListener();
		assertThatIllegalArgumentException().isThrownBy(() -> HazelcastMembership.start(null, listener))
			.withMessage("options must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> HazelcastMembership.start(this.defaults, null))
			.withMessage("listener must not be null");
	}

}
