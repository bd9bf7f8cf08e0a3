package dev.procreg.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.internal.Owner;

/**
 * One partition of a registry: the concurrent core that the registry's operations reduce to.
 * Every method takes the owner as a token, so a model checker can drive it from plain threads.
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>A unique key maps to at most one {@link Registration}. A write replaces an entry only when
 * its owner is dead, inside {@code compute} (under the key's stripe lock of {@link EntryTable}),
 * so two live owners never hold one key.</li>
 * <li>Reads treat an entry whose owner is dead as absent. Once {@code isAlive} is false for a
 * process, no read returns it, whether or not its exit hooks have run yet.</li>
 * <li>An entry is attached to its owner as an exit hook after it is written. A unique key's
 * writer holds the owner's lock from before the write (having seen the owner alive) until the
 * attach, so the owner cannot die in between; a duplicate key's writer does not, and if the
 * owner died in between, the attach fails and the writer removes the entry itself. Otherwise the
 * hook removes it after the owner's death, or a new owner replaces it first. Whoever takes it out of
 * the table tells its end, exactly once.</li>
 * <li>Events are published under the key's lock (its {@link EntryTable} stripe for a unique key,
 * its bucket's bin lock for a duplicate one), at the step that makes them true, so a
 * key's listeners hear its true owner history: a dead owner's {@code Unregistered} always comes
 * before the {@code Registered} of the owner that replaced it.</li>
 * <li>{@code entries} counts the attached entries of live owners: one in inside the attach, one
 * out inside a detach or just before the owner is marked dead, each under the owner's lock and
 * each with the entry's mark of being attached to a live owner ({@link Registration#attached},
 * {@link Registration#detached}, {@link Registration#ownerDying}), so {@code count()} never
 * counts a dead owner, and a step that fails part way leaves it exact.</li>
 * </ul>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
class Partition<K, V> {

	final ProcessRegistry<K, V> registry;

	final int index;

	/**
	 * The unique keys' entries, the registry's one table, which every partition shares
	 * ({@link ProcessRegistry#uniques}); empty in a duplicate registry.
	 */
	final EntryTable<K, V> uniques;

	/** A {@link Bucket} per duplicate key; empty in a unique registry. */
	final ConcurrentHashMap<K, Bucket<K, V>> buckets;

	final LongAdder entries = new LongAdder();

	final LongAdder registrations = new LongAdder();

	final LongAdder unregistrations = new LongAdder();

	final LongAdder unregistrationsByExit = new LongAdder();

	final LongAdder conflicts = new LongAdder();

	Partition(ProcessRegistry<K, V> registry, int index) {
		this.registry = registry;
		this.index = index;
		this.uniques = registry.uniques;
		// a duplicate registry's partition sizes its map for its share of the keys expected
		RegistryOptions options = registry.options();
		int share = (options.keys() == Keys.DUPLICATE)
				? (int) ((options.expectedKeys() + options.partitions() - 1L) / options.partitions()) : 0;
		// not new ConcurrentHashMap<>(0), whose first table has two bins and grows from there
		this.buckets = (share > 0) ? new ConcurrentHashMap<>(share) : new ConcurrentHashMap<>();
	}

	// ---- unique keys

	/** @return null when registered, or the pid of the live owner that holds the key */
	@Nullable Pid registerUnique(Owner owner, K key, @Nullable V value) {
		return registerUnique(owner, key, key.hashCode(), value);
	}

	/**
	 * {@link #registerUnique(Owner, Object, Object)} with the key's hash code, computed by the caller.
	 * @param hashCode {@code key.hashCode()}
	 */
	@Nullable Pid registerUnique(Owner owner, K key, int hashCode, @Nullable V value) {
		// a key held by a live owner is refused without a lock, and without reading its entry: the
		// slot's pid says that its owner was alive and held the key at that read; a dead owner's
		// entry, or one whose slot has no pid, takes the locked path below
		Pid held = this.uniques.livePid(key, hashCode);
		if (held != null && held != EntryTable.ASK_THE_ENTRY) {
			this.conflicts.increment();
			return held;
		}
		Registration<K, V> entry = newUnique(key, owner, value);
		Registration<K, V> current;
		// the write and the attach under the owner's lock: the owner, seen alive here, cannot die
		// before its entry is attached, so the slot can carry its pid from the write on (EntryTable's
		// invariant 4) and a death always finds the entry among its hooks
		synchronized (owner) {
			if (!owner.isAlive()) {
				// a dead owner writes nothing; it is refused by a live holder, as any register is
				return uniquePid(key, key.hashCode());
			}
			// a key whose home slot is free goes in without its stripe's lock; any other, locked
			if (this.uniques.insertAtHome(entry, Partition::claim)) {
				attachWritten(owner, entry);
				return null;
			}
			current = this.uniques.compute(key, entry, Partition::claim);
			if (current == entry) {
				attachWritten(owner, entry);
				return null;
			}
		}
		this.conflicts.increment();
		return current.pid;
	}

	/**
	 * Attaches a unique key's entry, just written with its owner's pid, to the owner, which
	 * counts it in (Registration.attached), under the owner's lock. The attach is the last step:
	 * once it is done nothing is left to fail, so a register either ends with its entry counted
	 * and attached or takes it out again. A step that fails with an exception (a call past the
	 * end of the stack) takes the entry out before the exception goes on: left in its slot and
	 * not attached, the entry would keep the pid after the owner's death, and every lookup would
	 * return the dead pid.
	 */
	private void attachWritten(Owner owner, Registration<K, V> entry) {
		boolean done = false;
		try {
			RegistryFaults.afterWrite();
			// only code run re-entrantly on this thread (a test's fault point) could kill the
			// owner here: the attach then fails and the entry is taken out at once
			owner.attachOrRun(entry);
			done = true;
		}
		finally {
			if (!done && !entry.attachedToLiveOwner()) {
				owner.detach(entry); // when it failed after linking the hook, before marking it attached
				this.uniques.remove(entry.key, entry, Partition::removeUnattached);
			}
		}
	}

	/** Under the key's stripe: removes an entry whose attach failed, unless it is gone already. */
	private static <K, V> @Nullable Registration<K, V> removeUnattached(@Nullable Registration<K, V> existing,
			@Nullable Registration<K, V> mine) {
		if (existing != mine) {
			return existing;
		}
		mine.partition.ended(mine, null);
		return null;
	}

	/**
	 * Under the key's stripe: {@code entry} takes the key unless a live owner holds it. A method,
	 * not a lambda that captures the entry: every register would allocate one.
	 */
	private static <K, V> @Nullable Registration<K, V> claim(@Nullable Registration<K, V> existing,
			@Nullable Registration<K, V> entry) {
		if (existing != null) {
			if (existing.owner.isAlive()) {
				return existing;
			}
			// a dead owner's entry whose exit hook has not run yet: its end is told now, so that the
			// key's events replay its true history (the old owner leaves, then the new comes)
			existing.partition.ended(existing, deathReason(existing));
		}
		entry.partition.registered(entry);
		return entry;
	}

	/** A unique key's new entry. Overridable only for a test's planted bug. */
	Registration<K, V> newUnique(K key, Owner owner, @Nullable V value) {
		return new Registration<>(this, key, owner, value);
	}

	/**
	 * The live entry of a unique key: the read every lookup makes. Overridable only for a test's
	 * planted bug (a read that skips the owner's liveness).
	 */
	@Nullable Registration<K, V> unique(K key) {
		Registration<K, V> entry = this.uniques.get(key);
		return (entry != null && entry.live()) ? entry : null;
	}

	/**
	 * The pid of the live owner of a unique key: the read {@code whereis} makes, which reads the
	 * entry only when its slot has no copy of a live owner's pid. Overridable only for a test's
	 * planted bug.
	 * @param hashCode the key's {@code hashCode()}, computed by the caller
	 */
	@Nullable Pid uniquePid(K key, int hashCode) {
		return this.uniques.uniquePid(key, hashCode);
	}

	boolean unregisterUnique(Owner owner, K key) {
		Registration<K, V> entry = this.uniques.get(key);
		if (entry == null || entry.owner != owner) {
			return false;
		}
		// under the owner's lock, as a register's write and attach: the owner cannot die while the
		// entry is detached and still in its slot, when no hook would clear the slot's pid
		synchronized (owner) {
			if (!entry.attachedToLiveOwner()) {
				return false;
			}
			boolean done = false;
			try {
				this.uniques.remove(key, entry, Partition::detachAndRemove);
				done = true;
			}
			finally {
				// a write that failed before the function (a helper's stack running out at the gate)
				// left the entry attached, to the owner's death; one that failed in the function after
				// the detach left it detached in its slot, where nothing would clear its pid
				if (!done && !entry.attachedToLiveOwner() && this.uniques.get(key) == entry) {
					this.uniques.remove(key, entry, Partition::removeUnattached);
				}
			}
			return !entry.attachedToLiveOwner();
		}
	}

	/**
	 * Under the key's stripe and the owner's lock: detaches the caller's entry from its owner and
	 * removes it, in one step. A detach before the write, outside it, left a dead owner's pid in
	 * the slot for good when the write then failed: no hook was left to clear it.
	 */
	private static <K, V> @Nullable Registration<K, V> detachAndRemove(@Nullable Registration<K, V> existing,
			@Nullable Registration<K, V> mine) {
		if (existing != mine || !mine.owner.detach(mine)) {
			return existing; // not this owner's entry any more: its death took it
		}
		RegistryFaults.afterDetach();
		mine.partition.ended(mine, null);
		return null;
	}

	// ---- duplicate keys

	void registerDuplicate(Owner owner, K key, @Nullable V value) {
		Registration.Duplicate<K, V> entry = new Registration.Duplicate<>(this, key, owner, value);
		// a step that fails (a call past the end of the stack) takes the entry out again: left in
		// its bucket and not attached, no death would ever take it out. That includes the bucket's
		// write, which appends to a bucket already in the map before it tells the event. The attach
		// counts the entry in under the owner's lock (Registration.attached), where a death counts
		// it out, and the detach counts out only an entry counted in
		boolean done = false;
		try {
			this.buckets.compute(key, (k, existing) -> {
				Bucket<K, V> bucket = (existing != null) ? existing : new Bucket<>();
				bucket.append(entry);
				RegistryFaults.afterAppend();
				registered(entry);
				return bucket;
			});
			RegistryFaults.afterWrite();
			owner.attachOrRun(entry);
			RegistryFaults.afterDuplicateAttach();
			done = true;
		}
		finally {
			if (!done) {
				owner.detach(entry);
				unlink(entry, null);
			}
		}
	}

	/** Counts an entry in as it is attached to its owner, under the owner's lock (Registration.attached). */
	void countIn() {
		RegistryFaults.beforeCountIn();
		this.entries.increment();
	}

	/**
	 * Counts an entry out as it is detached from its live owner, or just before its owner is
	 * marked dead, under the owner's lock (Registration.detached, Registration.ownerDying): from a
	 * death on, {@code count()} no longer counts the entry, so it never counts a dead owner.
	 */
	void countOut() {
		RegistryFaults.beforeCountOut();
		this.entries.decrement();
	}

	@Nullable Bucket<K, V> bucket(K key) {
		return this.buckets.get(key);
	}

	/**
	 * Visits the live entries of a duplicate key, oldest first, as one atomic snapshot: the walk
	 * is repeated while the bucket changed under it (its version moved, or the key now maps to
	 * another bucket), and what it collected is re-checked for liveness at the end, so the result
	 * is exactly the live entries at that moment. After a few lost races the walk runs under the
	 * key's bin lock, where the bucket cannot change.
	 */
	void forEachDuplicate(K key, Consumer<Registration<K, V>> action) {
		List<Registration<K, V>> live = new ArrayList<>();
		for (int attempt = 0; attempt < 4; attempt++) {
			Bucket<K, V> bucket = bucket(key);
			if (bucket == null) {
				return;
			}
			int version = bucket.version;
			live.clear();
			collect(bucket, live);
			if (bucket.version == version && bucket(key) == bucket && stillAlive(live)) {
				live.forEach(action);
				return;
			}
		}
		live.clear();
		this.buckets.computeIfPresent(key, (k, bucket) -> {
			collect(bucket, live);
			return bucket;
		});
		live.removeIf((entry) -> !entry.live());
		live.forEach(action);
	}

	private static <K, V> void collect(Bucket<K, V> bucket, List<Registration<K, V>> into) {
		for (Registration.Duplicate<K, V> entry = bucket.head; entry != null; entry = entry.next) {
			if (!entry.removed && entry.live()) {
				into.add(entry);
			}
		}
	}

	private static <K, V> boolean stillAlive(List<Registration<K, V>> entries) {
		for (Registration<K, V> entry : entries) {
			if (!entry.live()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Takes a duplicate key's entry out of its bucket, then detaches it from its owner, which
	 * counts it out, both under the owner's lock, as a unique key's unregister: the owner cannot
	 * die meanwhile, so the entry's end is this unregister's, told as one (an {@code Unregistered}
	 * without an exit reason), and the detach that follows finds it attached. A step that fails (a
	 * call past the end of the stack) leaves at worst an entry out of its bucket and still
	 * attached and counted, until another unregister or its owner's death counts it out. Detached
	 * first, an unlink that failed left the entry in its bucket, counted out and attached to
	 * nothing: lookups returned it while its owner lived, and no death ever took it out. Without
	 * the lock, a death between the check and the unlink had its end told as an unregister (both
	 * found by reviews). Lock order: the owner's, then the key's bin lock; nothing under a bin lock
	 * takes an owner's (listeners run on a thread of their own).
	 * @param entry one of the owner's hooks when it was read ({@link ProcessRegistry}'s {@code ownEntries})
	 * @return whether the entry was the owner's and is no longer
	 */
	boolean unregisterDuplicate(Registration.Duplicate<K, V> entry) {
		synchronized (entry.owner) {
			if (!entry.owner.isAlive()) {
				return false; // its death takes the entry out and tells its end
			}
			// an entry whose attach failed part way is unmarked: it is still the owner's to unregister
			unlink(entry, null);
			return entry.owner.detach(entry);
		}
	}

	/** Takes an entry out of its bucket and tells its end, under the key's bin lock. */
	private void unlink(Registration.Duplicate<K, V> entry, @Nullable ExitReason reason) {
		RegistryFaults.beforeUnlink();
		this.buckets.computeIfPresent(entry.key, (k, bucket) -> {
			if (bucket.remove(entry)) {
				ended(entry, reason);
			}
			return (bucket.size == 0) ? null : bucket;
		});
	}

	// ---- both

	/**
	 * Runs as the owner's exit hook: the owner is already dead for every reader, and
	 * {@link #ownerDying} already took the entry out of {@link #entries}.
	 */
	void removeAfterExit(Registration<K, V> entry, ExitReason reason) {
		RegistryFaults.beforeCleanup();
		remove(entry, reason);
	}

	/**
	 * Takes out an entry whose owner is dead and tells its end, unless a new owner replaced it
	 * first: after the death, or at once when the owner died between the write and the attach.
	 */
	void remove(Registration<K, V> entry, ExitReason reason) {
		if (entry instanceof Registration.Duplicate<K, V> duplicate) {
			unlink(duplicate, reason);
		}
		else {
			this.uniques.remove(entry.key, entry, (existing, mine) -> {
				if (existing != mine) {
					return existing; // replaced by a new owner (which told this entry's end), or already gone
				}
				ended(mine, reason);
				return null;
			});
		}
	}

	private static ExitReason deathReason(Registration<?, ?> entry) {
		ExitReason reason = entry.owner.exitReason();
		return (reason != null) ? reason : ExitReason.NORMAL;
	}

	/** Under the key's lock, so that a key's events are published in the order of its history. */
	private void registered(Registration<K, V> entry) {
		this.registrations.increment();
		this.registry.registered(entry);
	}

	/** Under the key's lock; once per entry, by whoever takes it out of the table. */
	private void ended(Registration<K, V> entry, @Nullable ExitReason reason) {
		this.unregistrations.increment();
		if (reason != null) {
			this.unregistrationsByExit.increment();
		}
		this.registry.unregistered(entry, reason);
	}

	/**
	 * @return the number of keys this partition holds, a dead owner's included until its entry is
	 * removed: a duplicate registry's buckets; in a unique registry, whose table every partition
	 * shares, the entries this partition put in it and has not taken out yet (each is told once in
	 * and once out). The removals are read first, so the difference is never below zero.
	 */
	long keyCount() {
		if (this.registry.keys() == Keys.DUPLICATE) {
			return this.buckets.size();
		}
		long out = this.unregistrations.sum();
		return Math.max(0, this.registrations.sum() - out);
	}

	/** Visits each duplicate key's live entries, one key's as one snapshot, weakly consistent across keys. */
	void forEachLiveDuplicate(Consumer<Registration<K, V>> action) {
		this.buckets.forEach((key, bucket) -> forEachDuplicate(key, action));
	}

	PartitionStats stats() {
		return new PartitionStats(this.index, keyCount(), this.entries.sum(), this.registrations.sum(),
				this.unregistrations.sum(), this.unregistrationsByExit.sum(), this.conflicts.sum());
	}

}
