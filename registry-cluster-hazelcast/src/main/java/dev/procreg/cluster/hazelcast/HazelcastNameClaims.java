package dev.procreg.cluster.hazelcast;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryUpdatedListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.cluster.names.Claim;
import dev.procreg.cluster.names.ClaimConflict;
import dev.procreg.cluster.names.ClaimKey;
import dev.procreg.cluster.names.ClaimListener;
import dev.procreg.cluster.names.ClaimResolver;
import dev.procreg.cluster.names.Reassertion;
import dev.procreg.process.NodeId;

/**
 * The cluster's name arbiter: one Hazelcast map from {@link ClaimKey} to {@link Claim}. A node
 * claims a name before the owner's {@code init} runs, so the loser of a race never runs it
 * anywhere; it releases the name with a conditional remove; the claims of a node that left are
 * removed when the node is reported down.
 *
 * <p>During a split each side may claim the same name, and entries written on the smaller side
 * may be lost when the sides merge. So after a merge (and on each new connection) every node
 * {@linkplain #reassert re-asserts} its own claims: a lost claim is put back; two live claims on
 * one key are decided by the {@link ClaimResolver}, the same on every node, and the loser's node
 * hears it through its {@link ClaimListener}, whether it found the conflict itself or another
 * node replaced its claim.
 *
 * <p>Methods block for a round trip to the member that stores the key; call them from the
 * registry's claiming thread, never from a process's own callbacks while holding locks.
 *
 * <pre>{@code
 * HazelcastNameClaims names = new HazelcastNameClaims(membership, ClaimResolver.olderClaimWins(), listener);
 * Claim mine = Claim.of(pid);
 * Claim holder = names.claim("sessions", "donor-42", mine);
 * if (holder == null) { ... run init ... } else { ... AlreadyStarted(holder.pid()) ... }
 * names.release("sessions", "donor-42", mine);
 * }</pre>
 */
public final class HazelcastNameClaims {

	/** The name of the arbiter map. */
	public static final String MAP_NAME = "procreg.names";

	private static final Logger logger = LoggerFactory.getLogger(HazelcastNameClaims.class);

	private final HazelcastMembership membership;

	private final NodeId self;

	private final ClaimResolver resolver;

	private final ClaimListener listener;

	private final IMap<ClaimKey, Claim> claims;

	private final UUID replacedListener;

	/**
	 * @param membership this node's membership, whose Hazelcast member stores the map
	 * @param resolver decides conflicts; the same resolver on every node
	 * @param listener hears each claim of this node that lost a conflict
	 */
	public HazelcastNameClaims(HazelcastMembership membership, ClaimResolver resolver, ClaimListener listener) {
		if (membership == null || resolver == null || listener == null) {
			throw new IllegalArgumentException("membership, resolver and listener must not be null");
		}
		this.membership = membership;
		this.self = membership.self().node();
		this.resolver = resolver;
		this.listener = listener;
		this.claims = membership.instance().getMap(MAP_NAME);
		// only updates are sent here: a claim is replaced only when a re-assertion beat it
		this.replacedListener = this.claims.addEntryListener(
				(EntryUpdatedListener<ClaimKey, Claim>) this::onReplaced, true);
	}

	/**
	 * Claims a name for a process of this node, if nobody holds it.
	 * @param registry the registry's name
	 * @param key the key
	 * @param claim this node's claim
	 * @return null if the name is now this claim's, else the claim that holds it (which may be
	 * this very claim, if it was made before)
	 */
	public @Nullable Claim claim(String registry, Object key, Claim claim) {
		checkOwn(claim);
		return this.claims.putIfAbsent(new ClaimKey(registry, key), claim);
	}

	/**
	 * Releases a name if this claim still holds it.
	 * @param registry the registry's name
	 * @param key the key
	 * @param claim the claim made for it
	 * @return whether the claim held the name and was removed
	 */
	public boolean release(String registry, Object key, Claim claim) {
		checkOwn(claim);
		try {
			return this.claims.remove(new ClaimKey(registry, key), claim);
		}
		catch (HazelcastInstanceNotActiveException ex) {
			// this node left the cluster: the others purge its claims
			return false;
		}
	}

	/**
	 * Takes a name over from a claim, if that claim still holds it: a claim whose owner died, or
	 * whose node left, or that lost to this node's older claim.
	 * @param registry the registry's name
	 * @param key the key
	 * @param current the claim that holds the name now
	 * @param claim this node's claim
	 * @return whether the name is now this claim's
	 */
	public boolean replace(String registry, Object key, Claim current, Claim claim) {
		checkOwn(claim);
		return this.claims.replace(new ClaimKey(registry, key), current, claim);
	}

	/**
	 * @param registry the registry's name
	 * @param key the key
	 * @return the claim that holds the name, or null
	 */
	public @Nullable Claim holder(String registry, Object key) {
		return this.claims.get(new ClaimKey(registry, key));
	}

	/**
	 * Removes every claim of a node that is no longer a member, each only if it still belongs to
	 * that node: call it when the node is reported down. A node that is a member again (or still)
	 * keeps its claims.
	 * @param node the departed node
	 * @return how many claims were removed
	 */
	public int purge(NodeId node) {
		if (node == null) {
			throw new IllegalArgumentException("node must not be null");
		}
		if (node.equals(this.self)) {
			throw new IllegalArgumentException("a node cannot purge its own claims: " + node);
		}
		if (this.membership.liveNodes().contains(node)) {
			return 0;
		}
		return removeWhere(ClaimRemoval.of(node));
	}

	/**
	 * Removes every claim of a node that is not a member now, each only if it still belongs to
	 * such a node: after a merge, claims of nodes that died on the other side come back with it.
	 * @return how many claims were removed
	 */
	public int purgeDeparted() {
		return removeWhere(ClaimRemoval.allBut(this.membership.liveNodes()));
	}

	/**
	 * Puts this node's claims back after a merge or a new connection, and settles conflicts: a
	 * missing claim is put back, a claim of a departed node is replaced, and where another live
	 * node holds the name the resolver decides. A claim of this node that loses is reported to
	 * the {@link ClaimListener} as well as returned. Do not release a claim while it is being
	 * re-asserted, or release it again afterwards.
	 * @param local this node's claims, by name
	 * @return what was found: claims intact, restored, taken from departed nodes, and every
	 * conflict decided, whichever side lost
	 */
	public Reassertion reassert(Map<ClaimKey, Claim> local) {
		if (local == null) {
			throw new IllegalArgumentException("local claims must not be null");
		}
		local.values().forEach(this::checkOwn);
		Set<NodeId> live = this.membership.liveNodes();
		int[] outcomes = new int[Outcome.values().length];
		List<ClaimConflict> conflicts = new ArrayList<>();
		for (Map.Entry<ClaimKey, Claim> entry : local.entrySet()) {
			ClaimKey key = entry.getKey();
			Claim mine = entry.getValue();
			Settled settled = reassert(key, mine, live);
			outcomes[settled.outcome().ordinal()]++;
			if (settled.outcome() == Outcome.WON) {
				conflicts.add(new ClaimConflict(key, mine, settled.found()));
			}
			else if (settled.outcome() == Outcome.LOST) {
				ClaimConflict conflict = new ClaimConflict(key, settled.found(), mine);
				conflicts.add(conflict);
				report(conflict);
			}
		}
		return new Reassertion(outcomes[Outcome.INTACT.ordinal()], outcomes[Outcome.RESTORED.ordinal()],
				outcomes[Outcome.REPLACED_DEPARTED.ordinal()], conflicts);
	}

	/**
	 * Stops listening for replaced claims; the map and its claims stay with the cluster.
	 */
	public void close() {
		try {
			this.claims.removeEntryListener(this.replacedListener);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not remove the replaced-claims listener of {}", this.self, ex);
		}
	}

	/**
	 * Puts one claim back, leaving in the map whichever of it and the claim found wins.
	 */
	private Settled reassert(ClaimKey key, Claim mine, Set<NodeId> live) {
		while (true) {
			Claim found = this.claims.putIfAbsent(key, mine);
			if (found == null) {
				return new Settled(Outcome.RESTORED, mine);
			}
			if (found.equals(mine)) {
				return new Settled(Outcome.INTACT, mine);
			}
			boolean departed = !live.contains(found.node());
			if (!departed && this.resolver.winner(key, found, mine).equals(found)) {
				return new Settled(Outcome.LOST, found);
			}
			if (this.claims.replace(key, found, mine)) {
				return new Settled(departed ? Outcome.REPLACED_DEPARTED : Outcome.WON, found);
			}
		}
	}

	/** What re-asserting one claim came to. */
	private enum Outcome {

		INTACT, RESTORED, REPLACED_DEPARTED, WON, LOST

	}

	/** The outcome for one claim, and the claim found in its place. */
	private record Settled(Outcome outcome, Claim found) {
	}

	private void onReplaced(EntryEvent<ClaimKey, Claim> event) {
		Claim old = event.getOldValue();
		Claim now = event.getValue();
		if (old != null && now != null && old.node().equals(this.self) && !old.equals(now)) {
			report(new ClaimConflict(event.getKey(), now, old));
		}
	}

	private void report(ClaimConflict conflict) {
		try {
			this.listener.claimLost(conflict);
		}
		catch (RuntimeException ex) {
			logger.warn("Claim listener of {} failed on {}", this.self, conflict, ex);
		}
	}

	private int removeWhere(ClaimRemoval removal) {
		Map<ClaimKey, Boolean> results = this.claims.executeOnEntries(removal, removal);
		int removed = 0;
		for (Boolean result : results.values()) {
			if (Boolean.TRUE.equals(result)) {
				removed++;
			}
		}
		return removed;
	}

	private void checkOwn(Claim claim) {
		if (claim == null) {
			throw new IllegalArgumentException("claim must not be null");
		}
		if (!claim.node().equals(this.self)) {
			throw new IllegalArgumentException("claim " + claim + " belongs to node " + claim.node()
					+ ", not to this node " + this.self);
		}
	}

}
