package dev.procreg.cluster.names;

import dev.procreg.registry.NameClaim;

/**
 * The default resolver: the core's own order, {@link NameClaim#OLDER_FIRST} (the older claim
 * wins, then the smaller node name, incarnation and serial), so the claims map and the
 * registries' views settle every conflict alike.
 */
enum OlderClaimWins implements ClaimResolver {

	INSTANCE;

	@Override
	public Claim winner(ClaimKey key, Claim first, Claim second) {
		return (NameClaim.OLDER_FIRST.compare(core(first), core(second)) <= 0) ? first : second;
	}

	private static NameClaim core(Claim claim) {
		return new NameClaim(claim.pid(), claim.time());
	}

}
