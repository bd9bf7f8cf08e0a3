package dev.procreg.registry;

import java.io.Serial;
import java.io.Serializable;
import java.util.Comparator;

import dev.procreg.process.Pid;

/**
 * One process's claim on a key of a cluster-scoped registry: the owner and when it claimed.
 * When two live claims meet on one key (after a network split heals), every node applies the
 * same order, {@link #OLDER_FIRST}, and keeps the first: the older claim wins (then the node name,
 * its incarnation and the pid's serial break ties), so all nodes agree without talking.
 *
 * @param owner the process that claimed the key
 * @param time when it claimed, in milliseconds since the epoch
 */
public record NameClaim(Pid owner, long time) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	/** The resolver: the claim that sorts first wins. */
	public static final Comparator<NameClaim> OLDER_FIRST = Comparator.comparingLong(NameClaim::time)
		.thenComparing((claim) -> claim.owner().node())
		.thenComparingLong((claim) -> claim.owner().nodeId().incarnation())
		.thenComparingLong((claim) -> claim.owner().serial());

	public NameClaim {
		if (owner == null) {
			throw new IllegalArgumentException("a claim's owner must not be null");
		}
	}

	/**
	 * @param other another claim on the same key
	 * @return whether this claim wins over the other
	 */
	public boolean winsOver(NameClaim other) {
		return OLDER_FIRST.compare(this, other) < 0;
	}

}
