package dev.procreg.cluster.names;

/**
 * Decides which of two live claims on one name stays. Every node applies it to the same pair and
 * must reach the same answer, so a resolver is a pure function of its arguments: no clock, no
 * local state, and the same winner whichever claim comes first.
 *
 * <pre>{@code
 * ClaimResolver resolver = ClaimResolver.olderClaimWins();
 * Claim winner = resolver.winner(key, mine, theirs);
 * }</pre>
 */
@FunctionalInterface
public interface ClaimResolver {

	/**
	 * @param key the name both claim
	 * @param first one claim
	 * @param second the other claim
	 * @return {@code first} or {@code second}; the same one when the arguments are swapped
	 */
	Claim winner(ClaimKey key, Claim first, Claim second);

	/**
	 * The default: the older claim wins; equal times are decided by node name, then incarnation,
	 * then serial, the smaller winning, so that every node picks the same claim.
	 * @return the resolver
	 */
	static ClaimResolver olderClaimWins() {
		return OlderClaimWins.INSTANCE;
	}

}
