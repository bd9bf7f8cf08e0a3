package dev.procreg.registry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The unique keys of one partition: a concurrent hash table whose nodes are the entries
 * themselves, with each slot's hash and key kept beside it. A {@code ConcurrentHashMap<K,
 * Registration>} makes a lookup walk slot → map node → key (→ its bytes), then the entry: four
 * dependent loads, each a cache miss when the table is large. Here slot {@code i} is three
 * arrays at {@code i}: the entry, its hash and its key. A lookup reads all three at once, then
 * the key (to compare) and the entry (for its liveness and pid) at once, then the key's bytes:
 * three levels of dependent loads instead of four, and no entry is read for a slot whose hash
 * differs. An entry, allocated by its process among that process's own objects, is far from the
 * other entries in memory; reading it beside the key, not before it, is what this layout buys.
 *
 * <h2>Layout</h2>
 * Open addressing with linear probing: {@link Slots} holds three power-of-two arrays, and a key's
 * entry sits in the first free slot from {@code hash & (length - 1)} on when it is inserted, so
 * keys whose hashes collide sit side by side. An entry slot is {@code null} (never used), an
 * entry, {@link #TOMBSTONE} (its entry was removed) or {@link #RESERVED} (a writer is filling its
 * hash and key). Writers lock one of {@link #stripes}, chosen by {@code hash & (stripes - 1)}.
 *
 * <h2>Invariants</h2>
 * <ol>
 * <li><b>Nothing is moved.</b> A slot goes {@code null} → reserved → entry, entry → tombstone,
 * tombstone → reserved → entry, or entry → an entry of the same key; never back to {@code null},
 * and an entry never changes slot. A resize builds new arrays aside and never writes the old ones.</li>
 * <li><b>A key's writers are serialized</b> by its stripe lock, and only they write a slot that
 * holds one of its entries; a slot that is {@code null} or a tombstone is reserved by compare and
 * set, since writers of other stripes probe through it too, and only the reserving writer then
 * writes the slot's hash and key, before it publishes the entry with a release write.</li>
 * <li><b>The hash and key beside an entry are its own</b> for as long as it is in the slot: its
 * hash, and its key or one equal to it (a replacement of the same key keeps the slot). A reader
 * that read the entry with an acquire read sees them, or, when the entry was removed and the slot
 * reused meanwhile, those of a later entry; so it confirms a match on the entry itself.</li>
 * <li><b>A key is in at most one slot</b>, before the first {@code null} of its probe sequence:
 * a writer inserts only after probing up to that {@code null} without meeting the key, into that
 * {@code null} or a tombstone before it, and slots never become {@code null} again.</li>
 * <li><b>Reads are lock-free and linearizable.</b> A reader takes {@code slots} once and probes
 * from the key's home slot up to the key or a {@code null}, passing tombstones and reserved
 * slots. It returns an entry that was there when read. It passes an entry whose slot's hash
 * differs: that entry is another key's, or (3) it was removed before the hash was read, and the
 * key was absent from that moment until it was inserted again. A miss means the key was absent
 * at some moment of the probe (by 1 and 4 an entry present throughout would have been met). A
 * table a resize replaced meanwhile is frozen as it was at that resize, a moment within the read.</li>
 * <li><b>There is always a {@code null} slot</b>, so every probe ends: an insert that would take
 * the used slots (entries, tombstones, reserved) over half of the table first rebuilds it, and at
 * most one insert per stripe runs at once while the table has at least twice as many slots as stripes.</li>
 * <li><b>{@code count} is the number of entries</b>, changed under the key's stripe; exact when no
 * write runs (a resize holds every stripe), weakly consistent otherwise.</li>
 * </ol>
 * A resize (all stripes locked, in index order) doubles the table when more than a quarter of it
 * holds entries, and otherwise rebuilds it at its size without the tombstones. Like
 * {@code ConcurrentHashMap}, it never shrinks. Keys whose hashes collide, as strings' hash codes
 * can be made to, probe linearly: O(k) for k colliding keys, where {@code ConcurrentHashMap}
 * would make a tree.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
class EntryTable<K, V> {

	static final int STRIPES = 64;

	private static final int MAX_CAPACITY = 1 << 30;

	private static final Registration<?, ?> TOMBSTONE = Registration.tombstone();

	/** What a slot holds while its writer fills its hash and key; readers pass it. */
	private static final Registration<?, ?> RESERVED = Registration.tombstone();

	private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Registration[].class);

	private volatile Slots slots;

	/** The write locks; at most half as many as the slots (invariant 5). */
	private final Object[] stripes;

	/** Entries (invariant 6). */
	private final LongAdder count = new LongAdder();

	/** Slots that are not {@code null}: entries and tombstones, changed under a stripe. */
	private final LongAdder used = new LongAdder();

	EntryTable() {
		this(STRIPES);
	}

	/** A table with {@code stripes} locks (a power of two) and twice as many slots; small for tests. */
	EntryTable(int stripes) {
		if (stripes < 1 || Integer.bitCount(stripes) != 1) {
			throw new IllegalArgumentException("stripes must be a power of two: " + stripes);
		}
		this.slots = new Slots(2 * stripes);
		this.stripes = new Object[stripes];
		for (int i = 0; i < stripes; i++) {
			this.stripes[i] = new Object();
		}
	}

	/**
	 * A key's hash: its {@code hashCode} scrambled (Fibonacci multiply, high half folded down) so
	 * that the low bits, which pick the slot and the stripe, depend on every bit of it.
	 */
	static int spread(int hashCode) {
		int h = hashCode * 0x9E3779B9;
		return h ^ (h >>> 16);
	}

	// ---- reads

	/**
	 * The entry under {@code key}, or {@code null}: one volatile read of the table, then acquire
	 * reads of the slots from the key's home on; no lock, no allocation (invariant 4).
	 */
	@Nullable Registration<K, V> get(Object key) {
		int hash = spread(key.hashCode());
		return find(this.slots, key, hash);
	}

	/** Probes {@code table} for {@code key}. Overridable only for a test's planted bug. */
	@SuppressWarnings("unchecked")
	@Nullable Registration<K, V> find(Slots table, Object key, int hash) {
		Registration<?, ?>[] entries = table.entries;
		int[] hashes = table.hashes;
		Object[] keys = table.keys;
		int mask = entries.length - 1;
		for (int i = hash & mask;; i = (i + 1) & mask) {
			Registration<?, ?> entry = (Registration<?, ?>) SLOT.getAcquire(entries, i);
			if (entry == null) {
				return null;
			}
			if (hashes[i] == hash) {
				// the slot's key, not the entry's: both loads start before either is compared
				Object slotKey = keys[i];
				if ((slotKey == key || key.equals(slotKey)) && entry != TOMBSTONE && entry != RESERVED
						&& (entry.key == slotKey || key.equals(entry.key))) {
					return (Registration<K, V>) entry;
				}
			}
		}
	}

	private static boolean matches(Registration<?, ?> entry, Object key, int hash) {
		return entry.hash == hash && entry != TOMBSTONE && entry != RESERVED && (entry.key == key || key.equals(entry.key));
	}

	/** @return the number of entries; exact when no write runs (invariant 6) */
	int size() {
		return this.count.intValue();
	}

	/**
	 * Visits the entries of the current table, each once (entries never move, invariant 1).
	 * Weakly consistent: an entry present throughout is visited; one added or removed meanwhile
	 * may or may not be.
	 */
	@SuppressWarnings("unchecked")
	void forEach(Consumer<? super Registration<K, V>> action) {
		Registration<?, ?>[] table = this.slots.entries;
		for (int i = 0; i < table.length; i++) {
			Registration<?, ?> entry = (Registration<?, ?>) SLOT.getAcquire(table, i);
			if (entry != null && entry != TOMBSTONE && entry != RESERVED) {
				action.accept((Registration<K, V>) entry);
			}
		}
	}

	// ---- writes

	/**
	 * Replaces the entry under {@code key} by what {@code remapping} makes of it, under the key's
	 * stripe lock (invariant 2), as {@code ConcurrentHashMap.compute} does under its bin lock:
	 * what the function does (publishing an event) is ordered with every other write of the key,
	 * and it runs once per call.
	 * @param key the key
	 * @param remapping gets the current entry or {@code null}; returns it unchanged, a new entry of
	 * the same key, or {@code null} to remove it; if it throws, the table is unchanged
	 * @return the entry now under the key, or {@code null}
	 */
	@SuppressWarnings("unchecked")
	@Nullable Registration<K, V> compute(K key, Remapping<K, V> remapping) {
		int hash = spread(key.hashCode());
		Object stripe = this.stripes[hash & (this.stripes.length - 1)];
		for (;;) {
			int capacity;
			synchronized (stripe) {
				Slots slots = this.slots;
				Registration<?, ?>[] table = slots.entries;
				capacity = table.length;
				int mask = capacity - 1;
				int tombstone = -1;
				int i = hash & mask;
				Registration<?, ?> found;
				for (;; i = (i + 1) & mask) {
					found = (Registration<?, ?>) SLOT.getAcquire(table, i);
					if (found == null || matches(found, key, hash)) {
						break;
					}
					if (found == TOMBSTONE && tombstone < 0) {
						tombstone = i;
					}
				}
				Registration<K, V> existing = (Registration<K, V>) found;
				if (existing == null && this.used.sum() >= capacity >>> 1 && capacity < MAX_CAPACITY) {
					// an insert might take the used slots over half: rebuild first (invariant 5); before
					// the function, which runs once, and whatever the function then decides
				}
				else {
					Registration<K, V> result = remapping.apply(existing);
					if (result == existing) {
						return result;
					}
					if (result != null && (result.hash != hash || (result.key != key && !key.equals(result.key)))) {
						throw new IllegalArgumentException("an entry of key " + result.key + " cannot go under key " + key);
					}
					if (existing != null) {
						if (result != null) {
							slots.keys[i] = result.key; // an equal key, maybe another object (invariant 3)
						}
						SLOT.setRelease(table, i, (result != null) ? result : TOMBSTONE);
						if (result == null) {
							this.count.decrement();
						}
					}
					else {
						claim(slots, (tombstone >= 0) ? tombstone : i, result);
						this.count.increment();
					}
					return result;
				}
			}
			rebuild(capacity);
		}
	}

	/** What a function makes of a key's current entry, under the key's stripe lock. */
	@FunctionalInterface
	interface Remapping<K, V> {

		@Nullable Registration<K, V> apply(@Nullable Registration<K, V> existing);

	}

	/**
	 * Puts a new entry in the first free slot (tombstone or {@code null}) from {@code from} on:
	 * writers of other stripes may claim the same slot, so each claim reserves it by compare and
	 * set, and a lost one probes on (invariants 2 and 6); the winner fills the slot's hash and key,
	 * then publishes the entry.
	 */
	private void claim(Slots slots, int from, Registration<?, ?> entry) {
		Registration<?, ?>[] table = slots.entries;
		int mask = table.length - 1;
		for (int i = from;; i = (i + 1) & mask) {
			Registration<?, ?> slot = (Registration<?, ?>) SLOT.getAcquire(table, i);
			boolean reserved = false;
			if (slot == TOMBSTONE) {
				reserved = SLOT.compareAndSet(table, i, TOMBSTONE, RESERVED);
			}
			else if (slot == null && SLOT.compareAndSet(table, i, (Registration<?, ?>) null, RESERVED)) {
				this.used.increment();
				reserved = true;
			}
			if (reserved) {
				slots.hashes[i] = entry.hash;
				slots.keys[i] = entry.key;
				SLOT.setRelease(table, i, entry);
				return;
			}
		}
	}

	// ---- resizing

	/** Takes every stripe in index order (the only place that holds two), then rebuilds. */
	private void rebuild(int capacity) {
		lockAllThenRebuild(0, capacity);
	}

	private void lockAllThenRebuild(int stripe, int capacity) {
		if (stripe < this.stripes.length) {
			synchronized (this.stripes[stripe]) {
				lockAllThenRebuild(stripe + 1, capacity);
			}
			return;
		}
		Registration<?, ?>[] table = this.slots.entries;
		if (table.length != capacity) {
			return; // another writer rebuilt it first
		}
		long entries = this.count.sum();
		int length = (entries < capacity >>> 2 || capacity == MAX_CAPACITY) ? capacity : capacity << 1;
		Slots next = new Slots(length);
		for (Registration<?, ?> entry : table) {
			// every stripe is held: no slot is reserved
			if (entry != null && entry != TOMBSTONE) {
				place(next, entry);
			}
		}
		this.used.reset();
		this.used.add(entries);
		this.slots = next;
	}

	/**
	 * Puts an entry in the first {@code null} slot from its home in a table no reader sees yet.
	 * Overridable only for a test's planted bug.
	 */
	void place(Slots next, Registration<?, ?> entry) {
		int mask = next.entries.length - 1;
		int i = entry.hash & mask;
		while (next.entries[i] != null) {
			i = (i + 1) & mask;
		}
		next.hashes[i] = entry.hash;
		next.keys[i] = entry.key;
		next.entries[i] = entry;
	}

	/**
	 * One table: slot {@code i} is {@code entries[i]}, with the hash and key of its entry beside it
	 * (invariant 3). Published whole, through {@link EntryTable#slots}.
	 */
	static final class Slots {

		final Registration<?, ?>[] entries;

		final int[] hashes;

		final @Nullable Object[] keys;

		Slots(int length) {
			this.entries = new Registration<?, ?>[length];
			this.hashes = new int[length];
			this.keys = new Object[length];
		}

	}

}
