package dev.procreg.cluster.names;

import java.util.Comparator;

/**
 * The default resolver: the older claim wins, then the smaller node name, incarnation and serial.
 */
enum OlderClaimWins implements ClaimResolver {

	INSTANCE;

	private static final Comparator<Claim> AGE = Comparator.comparingLong(Claim::time)
		.thenComparing((Claim claim) -> claim.node().name())
		.thenComparingLong((Claim claim) -> claim.node().incarnation())
		.thenComparingLong(Claim::serial);

	@Override
	public Claim winner(ClaimKey key, Claim first, Claim second) {
		return (AGE.compare(first, second) <= 0) ? first : second;
	}

}
