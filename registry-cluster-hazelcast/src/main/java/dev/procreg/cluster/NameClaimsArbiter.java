package dev.procreg.cluster;

import org.jspecify.annotations.Nullable;

import dev.procreg.cluster.hazelcast.HazelcastNameClaims;
import dev.procreg.cluster.names.Claim;
import dev.procreg.registry.NameArbiter;
import dev.procreg.registry.NameClaim;

/**
 * The core's {@link NameArbiter} on the cluster's one claims map: translates the registry's
 * claims to the map's and back.
 */
final class NameClaimsArbiter implements NameArbiter {

	private final HazelcastNameClaims claims;

	NameClaimsArbiter(HazelcastNameClaims claims) {
		this.claims = claims;
	}

	@Override
	public @Nullable NameClaim claim(String registry, Object key, NameClaim claim) {
		Claim held = this.claims.claim(registry, key, stored(claim));
		return (held != null) ? new NameClaim(held.pid(), held.time()) : null;
	}

	@Override
	public void release(String registry, Object key, NameClaim claim) {
		this.claims.release(registry, key, stored(claim));
	}

	@Override
	public boolean replace(String registry, Object key, NameClaim current, NameClaim claim) {
		return this.claims.replace(registry, key, stored(current), stored(claim));
	}

	private static Claim stored(NameClaim claim) {
		return new Claim(claim.owner().nodeId(), claim.owner().serial(), claim.time());
	}

}
