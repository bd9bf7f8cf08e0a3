package dev.procreg.registry;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;

/**
 * One entry of a registry: the key, the owner process and the value. It is also the owner's
 * exit hook and, for a unique key, the node of its partition's {@link EntryTable}, so one object
 * sits in the table, is what reads of the value read, and takes the entry out when its owner
 * exits; unregistering a key of a process with many keys costs O(1). {@code whereis} and a refused
 * register do not read it while its slot holds its owner's pid (see {@link EntryTable}).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
class Registration<K, V> extends ExitHook {

	// Field order matters: HotSpot lays out this class's references in declaration order right
	// after ExitHook's, then the int and the boolean, so the fields every lookup reads (key, pid,
	// hash, attachedAlive) come last and side by side: 14 bytes, in one cache line for 7 in 8
	// entries (declared first, they spread over 26 bytes and two lines for most).

	final Partition<K, V> partition;

	final Owner owner;

	volatile @Nullable V value;

	final K key;

	/** The owner's pid, what reads return; the owner holds the liveness word, {@link #live()} a copy. */
	final Pid pid;

	/** The key's hash as {@link EntryTable} spreads it: a lookup compares it before the key. */
	final int hash;

	/**
	 * Whether this entry is attached to its owner and the owner is alive: set when attached,
	 * cleared when detached and just before the owner is marked dead, each under the owner's lock.
	 * A read that finds it set needs no trip to the owner (one cache miss fewer at scale): the
	 * owner was alive at that read, since the death clears it first. Clear does not mean dead (not
	 * attached yet, or detached and about to leave the table): the owner's own word decides then.
	 */
	private volatile boolean attachedAlive;

	/** The tombstone of {@link EntryTable}: no partition, key, owner or pid; never attached, never returned. */
	private Registration() {
		this.partition = null;
		this.key = null;
		this.hash = 0;
		this.owner = null;
		this.pid = null;
	}

	/** @return a new entry that is no entry: what {@link EntryTable} leaves in a slot whose entry it removed */
	static Registration<?, ?> tombstone() {
		return new Registration<>();
	}

	Registration(Partition<K, V> partition, K key, Owner owner, @Nullable V value) {
		this.partition = partition;
		this.key = key;
		this.hash = EntryTable.spread(key.hashCode());
		this.owner = owner;
		this.pid = owner.pid();
		this.value = value;
	}

	/** @return whether the owner is alive; the liveness check of every read */
	final boolean live() {
		return this.attachedAlive || this.owner.isAlive();
	}

	final RegistryEntry<K, V> toEntry() {
		return new RegistryEntry<>(this.key, this.pid, this.value);
	}

	/**
	 * Counts the entry in, then marks it attached to a live owner: a count that fails (a stack
	 * running out) leaves it neither, for its register to detach. The count goes in and out only
	 * here, in {@link #detached()} and in {@link #ownerDying()}, each under the owner's lock and
	 * each with the mark, so that {@code count()} counts exactly the entries marked.
	 */
	@Override
	protected final void attached() {
		// a unique key's slot's pid is in already: written with the entry, under the owner's lock
		this.partition.countIn();
		this.attachedAlive = true;
	}

	/**
	 * Counts the entry out and drops the mark, before the owner unlinks it: a count that fails
	 * leaves the entry attached and counted, and the detach throws. An entry whose attach failed
	 * part way was never counted.
	 */
	@Override
	protected final void detached() {
		RegistryFaults.beforeDetached();
		// the slot's pid stays: the unregister holds the owner's lock and the key's stripe, and
		// removes the entry in the same step
		countOutIfMarked();
	}

	/**
	 * Counts the entry out and then drops the mark, only if it is marked: the count goes out once
	 * for each time it went in ({@link #attached()}), and a run that fails in the count keeps both.
	 */
	private void countOutIfMarked() {
		if (this.attachedAlive) {
			this.partition.countOut();
			this.attachedAlive = false;
		}
	}

	/** @return whether the entry is one of its owner's exit hooks and the owner is not dying; stable under the owner's lock */
	final boolean attachedToLiveOwner() {
		return this.attachedAlive;
	}

	/**
	 * Clears the slot's pid and takes the entry out of its partition's count, then drops the
	 * entry's own copy of "attached to a live owner", in that order: a run that fails part way (a
	 * stack running out in the clear) leaves the copy set, and the death runs it again on a fresh
	 * stack ({@code Owner}), which then does all of it once. The owner is alive throughout, so
	 * the copy still set is true. The pid is cleared even when the copy is not set: an entry whose
	 * attach failed part way and whose register could not detach it either (the stack running out
	 * twice) is among the owner's hooks, uncounted, with its pid in its slot, and a pid left there
	 * would be returned, dead, until the hook takes the entry out. Not final only for a test's
	 * planted bug (copies left set at the death).
	 */
	@Override
	protected void ownerDying() {
		clearPid(); // again in a second run: it finds the pid cleared
		countOutIfMarked();
	}

	/**
	 * Not when the killing thread holds one of the table's stripes (a key's {@code equals} that
	 * kills, run in a write's probe): the clear takes a stripe.
	 */
	@Override
	protected boolean ownerDyingMayRunElsewhere() {
		return !this.partition.uniques.heldByCurrentThread();
	}

	/** Clears the owner's pid from the entry's slot before the owner is marked dead, under its lock. */
	void clearPid() {
		RegistryFaults.beforeClearPid();
		this.partition.uniques.clearPid(this);
	}

	@Override
	protected final void processExited(Owner process, ExitReason reason) {
		this.partition.removeAfterExit(this, reason);
	}

	@Override
	protected final void attachFailed(Owner process, ExitReason reason) {
		this.partition.remove(this, reason);
	}

	@Override
	public final String registeredName() {
		return this.partition.registry.name() + ":" + this.key;
	}

	@Override
	public String toString() {
		return registeredName() + "=" + this.pid;
	}

	/**
	 * An entry of a duplicate key: also a node of its key's {@link Bucket}.
	 *
	 * @param <K> the key type
	 * @param <V> the value type
	 */
	static final class Duplicate<K, V> extends Registration<K, V> {

		/** Never cleared on unlinking, so a reader standing on a removed node walks on. */
		volatile @Nullable Duplicate<K, V> next;

		@Nullable Duplicate<K, V> prev;

		volatile boolean removed;

		Duplicate(Partition<K, V> partition, K key, Owner owner, @Nullable V value) {
			super(partition, key, owner, value);
		}

		/** A duplicate key's entry is in its bucket, not in a slot: its own copy is the only one. */
		@Override
		void clearPid() {
		}

	}

}
