package dev.procreg.cluster.names;

import java.io.Serial;
import java.io.Serializable;

/**
 * A name in a cluster-scoped unique registry: the registry's name and the key registered in it.
 * The key travels to other nodes, so it must be serializable, and its serialized form must be the
 * same for equal keys (strings, numbers, records of them; not a key holding a {@code HashSet}),
 * because an arbiter may compare keys by their bytes.
 *
 * <pre>{@code
 * ClaimKey key = new ClaimKey("sessions", "donor-42");
 * }</pre>
 *
 * @param registry the registry's name
 * @param key the key in that registry
 */
public record ClaimKey(String registry, Object key) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	public ClaimKey {
		if (registry == null || registry.isBlank()) {
			throw new IllegalArgumentException("registry must not be null or blank");
		}
		if (key == null) {
			throw new IllegalArgumentException("key in registry '" + registry + "' must not be null");
		}
		if (!(key instanceof Serializable)) {
			throw new IllegalArgumentException("key in registry '" + registry + "' must be Serializable to be claimed "
					+ "across the cluster, got " + key.getClass().getName());
		}
	}

	@Override
	public String toString() {
		return this.registry + "/" + this.key;
	}

}
