package dev.procreg.registry;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Runtimes;

/**
 * Decides, for the whole cluster, which process claims a key of a cluster-scoped registry
 * first: a registry asks it before registering, so that two nodes connected to each other never
 * both admit a key (the loser never runs {@code init}). {@code registry-cluster-hazelcast}
 * implements it with one Hazelcast map; without an arbiter, a cluster-scoped registry admits
 * what no node it knows of holds, and settles conflicts when they meet ({@link NameClaim}).
 *
 * <pre>{@code
 * NameArbiter.install(runtime, hazelcastClaims);
 * ProcessRegistry.start(runtime, RegistryOptions.unique("sessions").withClusterScope());
 * }</pre>
 */
public interface NameArbiter {

	/**
	 * Claims a key if nobody holds it.
	 * @param registry the registry's name
	 * @param key the key
	 * @param claim the claim
	 * @return {@code null} when the key is now claimed by {@code claim}, else the claim that
	 * holds it
	 */
	@Nullable NameClaim claim(String registry, Object key, NameClaim claim);

	/**
	 * Removes a claim, if it is still the one that holds the key.
	 * @param registry the registry's name
	 * @param key the key
	 * @param claim the claim
	 */
	void release(String registry, Object key, NameClaim claim);

	/**
	 * Replaces a claim, if it is still the one that holds the key: how a stale claim (its owner
	 * dead, its node gone) or a conflict's loser is taken over.
	 * @param registry the registry's name
	 * @param key the key
	 * @param current the claim to replace
	 * @param claim the new claim
	 * @return whether it was replaced
	 */
	boolean replace(String registry, Object key, NameClaim current, NameClaim claim);

	/**
	 * Makes the cluster-scoped registries of a runtime claim their keys through an arbiter.
	 * @param runtime the runtime
	 * @param arbiter the arbiter
	 * @throws IllegalStateException when the runtime has an arbiter already
	 */
	static void install(ProcessRuntime runtime, NameArbiter arbiter) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		Objects.requireNonNull(arbiter, "arbiter must not be null");
		if (!Runtimes.addComponent(runtime, NameArbiter.class, "arbiter", arbiter)) {
			throw new IllegalStateException("runtime " + runtime.node() + " has a name arbiter already");
		}
	}

}
