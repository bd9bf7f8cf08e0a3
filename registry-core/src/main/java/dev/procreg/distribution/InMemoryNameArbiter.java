package dev.procreg.distribution;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.procreg.registry.NameArbiter;
import dev.procreg.registry.NameClaim;

/**
 * A {@link NameArbiter} shared by the runtimes of one JVM, the companion of
 * {@link InMemoryNetwork}: one map of claims, as consistent as a single Hazelcast map while the
 * cluster is whole. Install the same instance in every runtime.
 *
 * <pre>{@code
 * InMemoryNameArbiter claims = new InMemoryNameArbiter();
 * NameArbiter.install(berlin, claims);
 * NameArbiter.install(paris, claims);
 * }</pre>
 */
public final class InMemoryNameArbiter implements NameArbiter {

	private final Map<Key, NameClaim> claims = new ConcurrentHashMap<>();

	@Override
	public @Nullable NameClaim claim(String registry, Object key, NameClaim claim) {
		return this.claims.putIfAbsent(new Key(registry, key), claim);
	}

	@Override
	public void release(String registry, Object key, NameClaim claim) {
		this.claims.remove(new Key(registry, key), claim);
	}

	@Override
	public boolean replace(String registry, Object key, NameClaim current, NameClaim claim) {
		return this.claims.replace(new Key(registry, key), current, claim);
	}

	/**
	 * @param registry a registry's name
	 * @param key a key
	 * @return the claim that holds the key, if any
	 */
	public @Nullable NameClaim holder(String registry, Object key) {
		return this.claims.get(new Key(registry, key));
	}

	private record Key(String registry, Object key) {
	}

}
