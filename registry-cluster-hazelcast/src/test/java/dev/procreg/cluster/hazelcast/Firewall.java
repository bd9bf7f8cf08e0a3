package dev.procreg.cluster.hazelcast;

import com.hazelcast.cluster.Address;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.FirewallingNodeContext;
import com.hazelcast.instance.impl.HazelcastInstanceFactory;
import com.hazelcast.internal.server.FirewallingServer.FirewallingServerConnectionManager;
import com.hazelcast.test.Accessors;

/**
 * Splits inside one JVM: Hazelcast members made with its {@code FirewallingNodeContext}, whose
 * connections to each other a test cuts and restores, both ways.
 */
public final class Firewall {

	private Firewall() {
	}

	/**
	 * @param config a member's configuration
	 * @return a member whose connections can be cut
	 */
	public static HazelcastInstance newMember(Config config) {
		return HazelcastInstanceFactory.newHazelcastInstance(config, config.getInstanceName(),
				new FirewallingNodeContext());
	}

	/** Closes the connections between two members and refuses new ones, both ways. */
	public static void cut(HazelcastInstance first, HazelcastInstance second) {
		connections(first).blockNewConnection(address(second));
		connections(second).blockNewConnection(address(first));
		connections(first).closeActiveConnection(address(second));
		connections(second).closeActiveConnection(address(first));
	}

	/** Lets two members connect again. */
	public static void heal(HazelcastInstance first, HazelcastInstance second) {
		connections(first).unblock(address(second));
		connections(second).unblock(address(first));
	}

	private static FirewallingServerConnectionManager connections(HazelcastInstance instance) {
		return (FirewallingServerConnectionManager) Accessors.getNode(instance)
			.getServer()
			.getConnectionManager(EndpointQualifier.MEMBER);
	}

	private static Address address(HazelcastInstance instance) {
		return Accessors.getNode(instance).getThisAddress();
	}

}
