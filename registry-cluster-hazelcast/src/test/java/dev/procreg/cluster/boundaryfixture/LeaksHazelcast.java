package dev.procreg.cluster.boundaryfixture;

import com.hazelcast.core.HazelcastInstance;

/**
 * A planted violation for {@code HazelcastBoundaryTests}: a class outside the Hazelcast package
 * that uses a Hazelcast type.
 */
public final class LeaksHazelcast {

	private LeaksHazelcast() {
	}

	public static String nameOf(HazelcastInstance instance) {
		return instance.getName();
	}

}
