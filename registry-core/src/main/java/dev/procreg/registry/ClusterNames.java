package dev.procreg.registry;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.process.ExitReason;
import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Owner;
import dev.procreg.process.internal.Replica;
import dev.procreg.process.internal.Replication;
import dev.procreg.process.internal.Runtimes;

/**
 * The cluster side of a cluster-scoped unique registry: claims through the {@link NameArbiter},
 * and a view of the keys other nodes hold, as syn keeps one.
 *
 * <p><b>Owner-local truth, replicated.</b> A node's own entries live in its partitions as in any
 * registry. Every change of them is queued, in the order it happened (the queue is written under
 * the key's lock), and a serial drainer sends it to every connected node. Each node keeps the
 * other nodes' keys in {@code remote}, written only from the replication channel; it forgets a
 * node's keys when the node goes down, so that a connection always starts from nothing.
 *
 * <p>A node that connects gets a snapshot through the same queue. The snapshot only adds: a
 * change is queued just before it shows in the partition, so a snapshot built after a queued
 * registration may miss it (the registration itself was sent first), and one built after a
 * queued unregistration must not list the key; it lists an entry only while {@code claims}, which
 * a change updates before it is queued, still holds it. Deltas that follow apply on top; each
 * names its owner, so applying one twice is harmless.
 *
 * <p><b>Claims.</b> With an arbiter, a key is claimed cluster-wide before it is registered here,
 * so that two connected nodes never both admit it; a claim whose owner is dead, or whose node is
 * not connected, is taken over. Without one, a node admits a key no node it knows of holds.
 * Either way, when two live owners meet (a split healed), every node keeps the claim that
 * {@link NameClaim#OLDER_FIRST} sorts first, and the loser's own node unregisters it and sends it
 * the exit signal {@link NameConflict}.
 *
 * <p><b>Reads.</b> A read finds this node's entry first (promise 1 holds exactly for it), then the
 * view, which may show another node's process one hop after its death, or until its node is
 * known to be down, and shows another node's new key one hop after its register returned.
 */
final class ClusterNames<K, V> implements Replica {

	private static final Logger logger = LoggerFactory.getLogger(ClusterNames.class);

	private final ProcessRegistry<K, V> registry;

	private final ProcessRuntime runtime;

	/** Set by {@link #open()}; read under {@code early}'s lock until then. */
	private volatile @Nullable Replication replication;

	/** The keys other nodes hold, one winning claim per key. */
	private final Map<K, Held> remote = new ConcurrentHashMap<>();

	/** The claims of this node's entries. */
	private final Map<K, NameClaim> claims = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<Object> outbox = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean draining = new AtomicBoolean();

	private volatile @Nullable NameArbiter arbiter;

	private volatile boolean arbiterLooked;

	ClusterNames(ProcessRegistry<K, V> registry) {
		this.registry = registry;
		this.runtime = registry.runtime();
	}

	/** Nodes that came up while the channel was being joined, before {@code replication} was set. */
	private final List<NodeId> early = new ArrayList<>();

	/** Joins the registry's replication channel, once the registry is the runtime's. */
	void open() {
		Replication joined = Runtimes.replicate(this.runtime, "registry:" + this.registry.name(), this);
		List<NodeId> connectedMeanwhile;
		synchronized (this.early) {
			this.replication = joined;
			connectedMeanwhile = List.copyOf(this.early);
			this.early.clear();
		}
		connectedMeanwhile.forEach(this::nodeUp);
	}

	// ---- this node's writes

	/**
	 * Registers a key for a process of this node, after claiming it.
	 * @return null when registered, else the process that holds the key
	 */
	@Nullable Pid register(Partition<K, V> partition, Owner owner, K key, @Nullable V value) {
		Registration<K, V> local = partition.unique(key);
		if (local != null) {
			partition.conflicts.increment();
			return local.pid;
		}
		Held held = this.remote.get(key);
		if (held != null && !stale(held.claim)) {
			partition.conflicts.increment();
			return held.claim.owner();
		}
		NameClaim claim = new NameClaim(owner.pid(), System.currentTimeMillis());
		NameArbiter arbiter = arbiter();
		if (arbiter != null) {
			NameClaim current;
			while ((current = arbiter.claim(this.registry.name(), key, claim)) != null) {
				if (current.owner().equals(owner.pid())) {
					claim = current;
					break;
				}
				if (!stale(current)) {
					partition.conflicts.increment();
					return current.owner();
				}
				if (arbiter.replace(this.registry.name(), key, current, claim)) {
					break;
				}
			}
		}
		this.claims.put(key, claim);
		Pid holder = partition.registerUnique(owner, key, value);
		if (holder != null) {
			this.claims.remove(key, claim);
			if (arbiter != null && !holder.equals(owner.pid())) {
				arbiter.release(this.registry.name(), key, claim);
			}
			return holder;
		}
		return null;
	}

	/** Under the key's lock: queues the registration for the other nodes. */
	void registered(Registration<K, V> entry) {
		NameClaim claim = this.claims.get(entry.key);
		if (claim == null || !claim.owner().equals(entry.pid)) {
			claim = new NameClaim(entry.pid, System.currentTimeMillis());
			this.claims.put(entry.key, claim);
		}
		send(new Registered(entry.key, claim, entry.value));
	}

	/** Under the key's lock: queues the end of a registration, and the release of its claim. */
	void unregistered(Registration<K, V> entry) {
		NameClaim claim = this.claims.get(entry.key);
		if (claim != null && claim.owner().equals(entry.pid)) {
			this.claims.remove(entry.key, claim);
		}
		else {
			claim = null;
		}
		send(new Unregistered(entry.key, entry.pid, claim));
	}

	/**
	 * After a healed split: claims every key of this node again; where another claim holds one,
	 * the older claim keeps it and a losing local owner is evicted.
	 */
	void reassert() {
		NameArbiter arbiter = arbiter();
		if (arbiter == null) {
			return;
		}
		this.registry.forEachLocal((entry) -> {
			NameClaim mine = this.claims.get(entry.key);
			if (mine == null || !mine.owner().equals(entry.pid)) {
				return;
			}
			NameClaim current = arbiter.claim(this.registry.name(), entry.key, mine);
			if (current == null || current.equals(mine)) {
				return;
			}
			if (mine.winsOver(current) || stale(current)) {
				arbiter.replace(this.registry.name(), entry.key, current, mine);
			}
			else {
				evict(entry, current);
			}
		});
	}

	// ---- reads

	@Nullable Pid whereis(K key) {
		Held held = this.remote.get(key);
		return (held != null) ? held.claim.owner() : null;
	}

	@Nullable RegistryEntry<K, V> lookup(K key) {
		Held held = this.remote.get(key);
		return (held != null) ? held.entry(key) : null;
	}

	int remoteCount() {
		return this.remote.size();
	}

	void forEachRemote(Consumer<RegistryEntry<K, V>> action) {
		this.remote.forEach((key, held) -> action.accept(held.entry(key)));
	}

	// ---- the other nodes

	@Override
	@SuppressWarnings("unchecked")
	public void received(NodeId from, Object payload) {
		switch (payload) {
			case Registered registered -> apply((K) registered.key, registered.claim, (V) registered.value);
			case Unregistered unregistered -> this.remote.computeIfPresent((K) unregistered.key,
					(key, held) -> held.claim.owner().equals(unregistered.owner) ? null : held);
			case Sync sync -> {
				for (Registered registered : sync.entries) {
					apply((K) registered.key, registered.claim, (V) registered.value);
				}
			}
			case Discover discover -> send(new SyncTo(from));
			default -> logger.warn("Registry '{}': unknown replication payload {} from {}", this.registry.name(),
					payload, from);
		}
	}

	@Override
	public void nodeUp(NodeId node) {
		// joining the channel tells of the nodes connected already, before it returns the channel
		synchronized (this.early) {
			if (this.replication == null) {
				this.early.add(node);
				return;
			}
		}
		Replication channel = this.replication;
		channel.send(node, Discover.INSTANCE);
		send(new SyncTo(node));
	}

	@Override
	public void nodeDown(NodeId node) {
		this.remote.values().removeIf((held) -> held.claim.owner().nodeId().sameNodeAs(node));
	}

	/** Another node's key: kept when it wins; a local owner that loses is evicted. */
	private void apply(K key, NameClaim claim, @Nullable V value) {
		Registration<K, V> local = this.registry.localUnique(key);
		if (local != null) {
			NameClaim mine = this.claims.get(key);
			if (mine == null || !mine.owner().equals(local.pid)) {
				mine = new NameClaim(local.pid, 0L);
			}
			if (!claim.winsOver(mine)) {
				this.remote.put(key, new Held(claim, value)); // the loser: its node evicts it
				return;
			}
			evict(local, claim);
		}
		this.remote.merge(key, new Held(claim, value),
				(current, next) -> (current.claim.owner().equals(next.claim.owner()) || next.claim.winsOver(current.claim))
						? next : current);
	}

	private void evict(Registration<K, V> local, NameClaim winner) {
		if (local.partition.unregisterUnique(local.owner, local.key)) {
			logger.info("Registry '{}': {} loses key {} to the older claim of {}", this.registry.name(), local.pid,
					local.key, winner.owner());
			this.runtime.exit(local.pid,
					ExitReason.of(new NameConflict(this.registry.name(), local.key, winner.owner())));
		}
	}

	/** A claim nobody can hold any more: its owner is a dead process here, or its node is not connected. */
	private boolean stale(NameClaim claim) {
		Pid owner = claim.owner();
		if (owner.node().equals(this.runtime.node())) {
			return !this.runtime.isAlive(owner);
		}
		return !this.runtime.connectedNodes().contains(owner.nodeId());
	}

	private @Nullable NameArbiter arbiter() {
		if (!this.arbiterLooked) {
			this.arbiter = Runtimes.component(this.runtime, NameArbiter.class, "arbiter").orElse(null);
			this.arbiterLooked = this.arbiter != null;
		}
		return this.arbiter;
	}

	// ---- the serial sender

	private void send(Object change) {
		this.outbox.add(change);
		if (!this.draining.get() && this.draining.compareAndSet(false, true)) {
			Thread.startVirtualThread(this::drain);
		}
	}

	private void drain() {
		for (;;) {
			Object change;
			while ((change = this.outbox.poll()) != null) {
				try {
					sendNow(change);
				}
				catch (RuntimeException ex) {
					logger.warn("Registry '{}': could not replicate {}", this.registry.name(), change, ex);
				}
			}
			this.draining.set(false);
			if (this.outbox.isEmpty() || !this.draining.compareAndSet(false, true)) {
				return;
			}
		}
	}

	private void sendNow(Object change) {
		Replication channel = this.replication;
		if (channel == null) {
			return; // a change before the channel was joined: the snapshots of the first syncs carry it
		}
		if (change instanceof SyncTo syncTo) {
			List<Registered> entries = new ArrayList<>();
			this.registry.forEachLocal((entry) -> {
				NameClaim claim = this.claims.get(entry.key);
				if (claim != null && claim.owner().equals(entry.pid)) {
					entries.add(new Registered(entry.key, claim, entry.value));
				}
			});
			channel.send(syncTo.node, new Sync(entries));
			return;
		}
		channel.broadcast(change);
		if (change instanceof Unregistered unregistered && unregistered.claim != null) {
			NameArbiter arbiter = arbiter();
			if (arbiter != null) {
				arbiter.release(this.registry.name(), unregistered.key, unregistered.claim);
			}
		}
	}

	/** Another node's key as the view holds it. */
	private record Held(NameClaim claim, @Nullable Object value) {

		@SuppressWarnings("unchecked")
		<K, V> RegistryEntry<K, V> entry(K key) {
			return new RegistryEntry<>(key, this.claim.owner(), (V) this.value);
		}

	}

	/** Sends a snapshot to one node, in the queue's order. */
	private record SyncTo(NodeId node) {
	}

	record Registered(Object key, NameClaim claim, @Nullable Object value) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

	}

	record Unregistered(Object key, Pid owner, @Nullable NameClaim claim) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

	}

	record Sync(List<Registered> entries) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

	}

	/** Asks a node for its snapshot. */
	enum Discover {

		INSTANCE

	}

}
