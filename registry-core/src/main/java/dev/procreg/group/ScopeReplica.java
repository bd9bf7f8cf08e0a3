package dev.procreg.group;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;
import dev.procreg.process.RemoteCrashException;
import dev.procreg.process.internal.Replica;
import dev.procreg.process.internal.Replication;

/**
 * A scope's side of its replication channel, {@code :pg}'s protocol between the same scope on
 * two nodes. Each node is the only source of truth for its own members; what a node knows of
 * another's is a per-origin view, written only here.
 *
 * <h2>Sending</h2>
 * Local joins, leaves and deaths go to every node in {@link #peers} as a {@link Join} or
 * {@link Leave}, sent by the scope under the group's lock where the change happens, so that the
 * changes of one group reach each node in the order they happened (the distribution is FIFO per
 * pair of nodes). When a node comes up (or is up when the scope registers), this side adds it to
 * the peers, then sends it a {@link Discover} and a sync: {@link SyncStart}, one
 * {@link SyncGroup} per group with local members, each sent under that group's lock, then
 * {@link SyncEnd}. Since the node is a peer before the walk starts, a change to a group either
 * lands before its {@code SyncGroup} (and is in it) or after it (and follows it as a delta): per
 * group, the sync plus the deltas behind it are the group's history.
 *
 * <h2>Receiving</h2>
 * A {@code Discover} is answered with a sync. A sync replaces the origin's members of each group
 * it lists and, at its end, removes the origin's members from groups it neither listed nor
 * changed by a delta meanwhile. A node going down takes all its members with it: monitors hear
 * {@code Left} with {@link ExitReason#NOCONNECTION}.
 *
 * <h2>Threads</h2>
 * Everything about one other node (what it sends, its coming up and going down, a sync to it)
 * runs under that node's {@link Peer} lock, so its view has one writer at a time even when a
 * transport delivers a node's first signals before announcing it. A peer lock is taken before
 * group locks, never while holding one.
 */
final class ScopeReplica implements Replica {

	private static final NodeId[] NO_NODES = {};

	private final ProcessGroups scope;

	private volatile @Nullable Replication replication;

	/** Nodes that came up before {@link #connect} handed over the replication; null after. Guarded by this. */
	private @Nullable Set<NodeId> early = new LinkedHashSet<>();

	/** The nodes that local changes go to: copied on write under {@link #states}. */
	volatile NodeId[] peers = NO_NODES;

	private final ConcurrentHashMap<NodeId, Peer> states = new ConcurrentHashMap<>();

	ScopeReplica(ProcessGroups scope) {
		this.scope = scope;
	}

	/** Starts sending, once the runtime registered the channel; catches up with nodes already up. */
	void connect(Replication connected) {
		Set<NodeId> upMeanwhile;
		synchronized (this) {
			this.replication = connected;
			upMeanwhile = this.early;
			this.early = null;
		}
		if (upMeanwhile != null) {
			for (NodeId node : upMeanwhile) {
				nodeUp(node);
			}
		}
	}

	/** @return the replication, or null (remembering the node for {@link #connect}) before it */
	private @Nullable Replication replicationFor(NodeId node) {
		Replication current = this.replication;
		if (current == null) {
			synchronized (this) {
				current = this.replication;
				if (current == null) {
					Objects.requireNonNull(this.early).add(node);
				}
			}
		}
		return current;
	}

	// ---- sending, under the group's lock

	/**
	 * Sends a local change to every peer; the caller holds the group's lock.
	 * @param peers the peers read by the caller
	 * @param change a {@link Join} or {@link Leave}
	 */
	void send(NodeId[] peers, Message change) {
		Replication current = this.replication;
		if (current != null) {
			for (NodeId node : peers) {
				current.send(node, change);
			}
		}
	}

	// ---- the replica

	@Override
	public void nodeUp(NodeId node) {
		Replication current = replicationFor(node);
		if (current == null) {
			return;
		}
		for (;;) {
			Peer peer = this.states.computeIfAbsent(node, Peer::new);
			synchronized (peer) {
				if (peer.down) {
					continue;
				}
				addPeer(node);
				current.send(node, new Discover());
				this.scope.syncTo(current, node);
				return;
			}
		}
	}

	@Override
	public void received(NodeId from, Object payload) {
		if (!(payload instanceof Message message)) {
			throw new IllegalArgumentException("scope '" + this.scope.name() + "' got " + payload + " from " + from
					+ ", which is no process group message");
		}
		for (;;) {
			Peer peer = this.states.computeIfAbsent(from, Peer::new);
			synchronized (peer) {
				if (peer.down) {
					continue;
				}
				handle(peer, message);
				return;
			}
		}
	}

	private void handle(Peer peer, Message message) {
		NodeId from = peer.node;
		switch (message) {
			case Discover discover -> {
				Replication current = replicationFor(from);
				if (current != null) {
					addPeer(from);
					this.scope.syncTo(current, from);
				}
			}
			case SyncStart start -> peer.unconfirmed = new HashSet<>(peer.groups);
			case SyncGroup sync -> {
				peer.confirm(sync.group());
				peer.track(sync.group(), this.scope.applySync(from, sync.group(), sync.pids()));
			}
			case SyncEnd end -> {
				Set<Object> unlisted = peer.unconfirmed;
				peer.unconfirmed = null;
				if (unlisted != null && !unlisted.isEmpty()) {
					this.scope.syncEnded(from, List.copyOf(unlisted));
					peer.groups.removeAll(unlisted);
				}
			}
			case Join join -> {
				peer.confirm(join.group());
				peer.track(join.group(), this.scope.remoteJoin(from, join.group(), join.pids()));
			}
			case Leave leave -> {
				peer.confirm(leave.group());
				peer.track(leave.group(), this.scope.remoteLeave(from, leave.group(), leave.pids(), leave.reason()));
			}
		}
	}

	@Override
	public void nodeDown(NodeId node) {
		synchronized (this) {
			if (this.early != null) {
				this.early.remove(node);
			}
		}
		Peer peer = this.states.remove(node);
		if (peer == null) {
			return;
		}
		synchronized (peer) {
			peer.down = true;
			removePeer(node);
			if (!peer.groups.isEmpty()) {
				this.scope.originDown(node, List.copyOf(peer.groups));
				peer.groups.clear();
			}
		}
	}

	private void addPeer(NodeId node) {
		synchronized (this.states) {
			NodeId[] now = this.peers;
			if (Arrays.asList(now).contains(node)) {
				return;
			}
			NodeId[] next = Arrays.copyOf(now, now.length + 1);
			next[now.length] = node;
			this.peers = next;
		}
	}

	private void removePeer(NodeId node) {
		synchronized (this.states) {
			List<NodeId> next = new ArrayList<>(Arrays.asList(this.peers));
			if (next.remove(node)) {
				this.peers = next.isEmpty() ? NO_NODES : next.toArray(NO_NODES);
			}
		}
	}

	@Override
	public String toString() {
		return "ScopeReplica[" + this.scope + "]";
	}

	/**
	 * What this scope knows of another node, guarded by its own lock: the groups where that node
	 * has members here, and during a sync from it, the groups the sync has not confirmed yet.
	 */
	private static final class Peer {

		final NodeId node;

		final Set<Object> groups = new HashSet<>();

		@Nullable Set<Object> unconfirmed;

		/** Set when the node went down: a thread that waited for this lock takes a fresh state. */
		boolean down;

		Peer(NodeId node) {
			this.node = node;
		}

		void confirm(Object group) {
			if (this.unconfirmed != null) {
				this.unconfirmed.remove(group);
			}
		}

		void track(Object group, boolean hasMembers) {
			if (hasMembers) {
				this.groups.add(group);
			}
			else {
				this.groups.remove(group);
			}
		}

	}

	// ---- what travels: small records, serializable when the group keys are

	/** What one scope sends the same scope on another node. */
	sealed interface Message extends Serializable {
	}

	/** Asks the receiver for a sync of its local members. */
	record Discover() implements Message {

		@Serial
		private static final long serialVersionUID = 1L;

	}

	/** A sync begins: the groups the receiver holds members of the sender in are unconfirmed. */
	record SyncStart() implements Message {

		@Serial
		private static final long serialVersionUID = 1L;

	}

	/**
	 * The sender's live local members of one group now: they replace what the receiver held.
	 * @param group the group
	 * @param pids the members, each as many times as it joined
	 */
	record SyncGroup(Object group, List<Pid> pids) implements Message {

		@Serial
		private static final long serialVersionUID = 1L;

		SyncGroup {
			pids = List.copyOf(pids);
		}

	}

	/** A sync ends: the sender has no members in the groups still unconfirmed. */
	record SyncEnd() implements Message {

		@Serial
		private static final long serialVersionUID = 1L;

	}

	/**
	 * Local processes joined a group.
	 * @param group the group
	 * @param pids the processes, once per join
	 */
	record Join(Object group, List<Pid> pids) implements Message {

		@Serial
		private static final long serialVersionUID = 1L;

		Join {
			pids = List.copyOf(pids);
		}

	}

	/**
	 * Local processes left a group, by {@code leave} or by exiting. A crash's exception travels as
	 * a {@link RemoteCrashException}, as the runtime's own signals carry it: a node that cannot
	 * read the thrown class back must still learn that the member left.
	 * @param group the group
	 * @param pids the processes, once per leave
	 * @param reason {@link GroupEvent#LEAVE} or the exit reason
	 */
	record Leave(Object group, List<Pid> pids, ExitReason reason) implements Message {

		@Serial
		private static final long serialVersionUID = 1L;

		Leave {
			pids = List.copyOf(pids);
			reason = RemoteCrashException.portable(reason);
		}

	}

}
