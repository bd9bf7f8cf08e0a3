package dev.procreg.cluster;

import java.time.Instant;

import dev.procreg.process.NodeId;

/**
 * Something that happened to the cluster, as operators see it in the recent events.
 *
 * @param at when
 * @param kind what
 * @param node the node concerned
 * @param detail what else is worth knowing (the claims this node removed from the name map, the conflict)
 */
public record ClusterEvent(Instant at, Kind kind, NodeId node, String detail) {

	/** What happened. */
	public enum Kind {

		/** A member joined and a connection is being made to it. */
		NODE_UP,

		/** A member left, crashed or stopped answering; its names were purged. */
		NODE_DOWN,

		/** This node merged back after a split; its names were claimed again. */
		MERGED,

		/** A name of this node lost to an older claim. */
		CONFLICT

	}

}
