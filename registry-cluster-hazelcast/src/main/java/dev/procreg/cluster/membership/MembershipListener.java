package dev.procreg.cluster.membership;

/**
 * Hears members of the cluster come and go. Calls come one at a time, in order, on one thread
 * owned by the membership, never this node itself; a call may block (for example to purge the
 * names of a departed node), which only delays the next call.
 *
 * <pre>{@code
 * MembershipListener listener = new MembershipListener() {
 *     public void memberUp(ClusterMember member) { transport.connect(member); }
 *     public void memberDown(ClusterMember member) { transport.nodeDown(member.node()); }
 *     public void merged() { names.reassert(localClaims()); }
 * };
 * }</pre>
 */
public interface MembershipListener {

	/**
	 * Another member joined, or came back after a split.
	 * @param member the member
	 */
	void memberUp(ClusterMember member);

	/**
	 * A member left, crashed, stopped answering heartbeats, or is on the other side of a split.
	 * @param member the member, as it was reported up
	 */
	void memberDown(ClusterMember member);

	/**
	 * This node merged into another cluster after a split healed: the owners of names re-assert
	 * them now, because entries written on either side may have been lost in the merge.
	 */
	default void merged() {
	}

}
