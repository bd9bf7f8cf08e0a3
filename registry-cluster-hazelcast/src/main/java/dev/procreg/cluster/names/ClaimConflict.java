package dev.procreg.cluster.names;

/**
 * Two live claims on one name, found when owners re-assert after a split, and how the
 * {@link ClaimResolver} decided it. The loser's node evicts the name and tells the loser.
 *
 * @param key the name
 * @param winner the claim that stays
 * @param loser the claim that was dropped
 */
public record ClaimConflict(ClaimKey key, Claim winner, Claim loser) {

	public ClaimConflict {
		if (key == null || winner == null || loser == null) {
			throw new IllegalArgumentException("key, winner and loser must not be null");
		}
		if (winner.equals(loser)) {
			throw new IllegalArgumentException("winner and loser of " + key + " are the same claim: " + winner);
		}
	}

}
