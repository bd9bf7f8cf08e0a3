package dev.procreg.registry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The unique keys of one partition: a concurrent hash table whose nodes are the entries
 * themselves. A {@code ConcurrentHashMap<K, Registration>} makes a lookup walk slot → map node →
 * key → entry; here the entry carries its key's hash, so a lookup walks slot → entry → key, one
 * dependent load fewer, and the liveness copy it checks next sits in the entry it already read.
 *
 * <h2>Layout</h2>
 * {@code slots} is a power-of-two array; slot {@code hash & (length - 1)} holds {@code null}, one
 * entry, or an array of two or more entries whose hashes share that slot. Writers lock one of
 * {@link #stripes} chosen by {@code hash & (stripes - 1)}.
 *
 * <h2>Invariants</h2>
 * <ol>
 * <li><b>Nothing a reader can reach is mutated.</b> A write puts a new value in a slot (an entry,
 * or a fresh array: copy on write), never changes an array already in a slot; a resize builds a
 * new {@code slots} array and never writes the old one. Entries need no {@code next} field.</li>
 * <li><b>One writer per slot.</b> A slot's keys share their low hash bits, and the table is never
 * shorter than the stripe count, so every key of a slot maps to one stripe: a writer holding it
 * owns the slot. It reads {@code slots} under the lock, and a resize holds every stripe, so the
 * table a writer writes is the current one and no write is lost to a resize.</li>
 * <li><b>A key is in at most one slot.</b> Its own, {@code hash & (length - 1)}, at most once: a
 * writer finds it there under the stripe before inserting.</li>
 * <li><b>Reads are lock-free and linearizable.</b> A reader reads {@code slots} once, then one slot
 * with acquire semantics (the writer's release publishes the entry's fields). It sees either the
 * current table or one a resize froze after the reader took it; a frozen table is exactly the
 * state at the moment of that resize, which falls within the read.</li>
 * <li><b>{@code count} is the number of entries</b>: a writer changes it under the stripe of
 * the slot it changed, so it is exact when no write runs (a resize holds every stripe, so it
 * sees it exact) and weakly consistent otherwise.</li>
 * </ol>
 * The table grows (doubling) when it is three quarters full and never shrinks, as
 * {@code ConcurrentHashMap}. Keys whose hashes collide share one slot's array, so a write there
 * copies it: O(k) for k colliding keys, where {@code ConcurrentHashMap} would make a tree.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
class EntryTable<K, V> {

	static final int STRIPES = 64;

	private static final int MAX_CAPACITY = 1 << 30;

	private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);


	private volatile Object[] slots;

	/** The write locks; never more than the slots. */
	private final Object[] stripes;

	/** The number of entries, changed under the key's stripe (invariant 5). */
	private final LongAdder count = new LongAdder();

	EntryTable() {
		this(STRIPES);
	}

	/** A table with {@code stripes} locks (a power of two), also its first capacity; small for tests. */
	EntryTable(int stripes) {
		if (stripes < 1 || Integer.bitCount(stripes) != 1) {
			throw new IllegalArgumentException("stripes must be a power of two: " + stripes);
		}
		this.slots = new Object[stripes];
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
	 * The entry under {@code key}, or {@code null}: one volatile read of the table, one acquire
	 * read of the slot, no lock, no allocation (invariant 4).
	 */
	@Nullable Registration<K, V> get(Object key) {
		int hash = spread(key.hashCode());
		Object[] table = this.slots;
		return find(SLOT.getAcquire(table, hash & (table.length - 1)), key, hash);
	}

	/** The entry under {@code key} in a slot's content. Overridable only for a test's planted bug. */
	@SuppressWarnings("unchecked")
	@Nullable Registration<K, V> find(@Nullable Object slot, Object key, int hash) {
		if (slot instanceof Registration<?, ?> entry) {
			return matches(entry, key, hash) ? (Registration<K, V>) entry : null;
		}
		if (slot != null) {
			for (Registration<?, ?> entry : (Registration<?, ?>[]) slot) {
				if (matches(entry, key, hash)) {
					return (Registration<K, V>) entry;
				}
			}
		}
		return null;
	}

	private static boolean matches(Registration<?, ?> entry, Object key, int hash) {
		return entry.hash == hash && (entry.key == key || key.equals(entry.key));
	}

	/** @return the number of entries; exact when no write runs (invariant 5) */
	int size() {
		return this.count.intValue();
	}

	/**
	 * Visits the entries of the current table, each once. Weakly consistent: an entry present
	 * throughout is visited; one added or removed meanwhile may or may not be.
	 */
	@SuppressWarnings("unchecked")
	void forEach(Consumer<? super Registration<K, V>> action) {
		Object[] table = this.slots;
		for (int i = 0; i < table.length; i++) {
			Object slot = SLOT.getAcquire(table, i);
			if (slot instanceof Registration<?, ?> entry) {
				action.accept((Registration<K, V>) entry);
			}
			else if (slot != null) {
				for (Registration<?, ?> entry : (Registration<?, ?>[]) slot) {
					action.accept((Registration<K, V>) entry);
				}
			}
		}
	}

	// ---- writes

	/**
	 * Replaces the entry under {@code key} by what {@code remapping} makes of it, under the key's
	 * stripe lock (invariant 2), as {@code ConcurrentHashMap.compute} does under its bin lock:
	 * what the function does (publishing an event) is ordered with every other write of the key.
	 * @param key the key
	 * @param remapping gets the current entry or {@code null}; returns it unchanged, a new entry of
	 * the same key, or {@code null} to remove it; if it throws, the table is unchanged
	 * @return the entry now under the key, or {@code null}
	 */
	@Nullable Registration<K, V> compute(K key, Remapping<K, V> remapping) {
		int hash = spread(key.hashCode());
		Object stripe = this.stripes[hash & (this.stripes.length - 1)];
		Registration<K, V> result;
		int capacity;
		synchronized (stripe) {
			Object[] table = this.slots;
			capacity = table.length;
			int index = hash & (capacity - 1);
			Object slot = table[index];
			Registration<K, V> existing = find(slot, key, hash);
			result = remapping.apply(existing);
			if (result == existing) {
				return result;
			}
			if (result != null && (result.hash != hash || (result.key != key && !key.equals(result.key)))) {
				throw new IllegalArgumentException("an entry of key " + result.key + " cannot go under key " + key);
			}
			SLOT.setRelease(table, index, replaced(slot, existing, result));
			if (existing != null) {
				if (result == null) {
					this.count.decrement();
				}
				return result;
			}
			this.count.increment();
		}
		if (capacity < MAX_CAPACITY && this.count.sum() > threshold(capacity)) {
			lockAllThenGrow(0, capacity);
		}
		return result;
	}

	/** What a function makes of a key's current entry, under the key's stripe lock. */
	@FunctionalInterface
	interface Remapping<K, V> {

		@Nullable Registration<K, V> apply(@Nullable Registration<K, V> existing);

	}

	/** A slot's new content: {@code existing} (null: none) replaced by {@code result} (null: none). */
	private static @Nullable Object replaced(@Nullable Object slot, @Nullable Registration<?, ?> existing,
			@Nullable Registration<?, ?> result) {
		if (slot == existing) {
			return result;
		}
		if (!(slot instanceof Registration<?, ?>[] entries)) {
			return new Registration<?, ?>[] { (Registration<?, ?>) slot, result }; // existing is null here
		}
		if (existing == null) {
			Registration<?, ?>[] grown = new Registration<?, ?>[entries.length + 1];
			System.arraycopy(entries, 0, grown, 0, entries.length);
			grown[entries.length] = result;
			return grown;
		}
		int at = 0;
		while (entries[at] != existing) {
			at++;
		}
		if (result != null) {
			Registration<?, ?>[] copy = entries.clone();
			copy[at] = result;
			return copy;
		}
		if (entries.length == 2) {
			return entries[1 - at];
		}
		Registration<?, ?>[] shrunk = new Registration<?, ?>[entries.length - 1];
		System.arraycopy(entries, 0, shrunk, 0, at);
		System.arraycopy(entries, at + 1, shrunk, at, shrunk.length - at);
		return shrunk;
	}

	// ---- growing

	private static int threshold(int capacity) {
		return capacity - (capacity >>> 2);
	}

	/** Takes every stripe in index order (the only place that holds two), then grows. */
	private void lockAllThenGrow(int stripe, int capacity) {
		if (stripe == this.stripes.length) {
			if (this.slots.length == capacity) { // no other grower came first
				this.slots = grown(this.slots);
			}
			return;
		}
		synchronized (this.stripes[stripe]) {
			lockAllThenGrow(stripe + 1, capacity);
		}
	}

	/**
	 * A table twice as long holding the same entries, built aside and published whole; slot
	 * {@code i} splits into {@code i} and {@code i + length} by one hash bit. Every stripe is held.
	 */
	private Object[] grown(Object[] table) {
		int length = table.length;
		Object[] next = new Object[length << 1];
		for (int i = 0; i < length; i++) {
			split(table[i], next, i, length);
		}
		return next;
	}

	/**
	 * Moves one old slot's content into slots {@code i} and {@code i + length} of a table no reader
	 * sees yet. Overridable only for a test's planted bug.
	 */
	void split(@Nullable Object slot, Object[] next, int i, int length) {
		if (slot instanceof Registration<?, ?> entry) {
			next[entry.hash & ((length << 1) - 1)] = entry;
		}
		else if (slot != null) {
			Registration<?, ?>[] entries = (Registration<?, ?>[]) slot;
			int high = 0;
			for (Registration<?, ?> entry : entries) {
				high += ((entry.hash & length) != 0) ? 1 : 0;
			}
			next[i] = part(entries, entries.length - high, 0, length);
			next[i + length] = part(entries, high, length, length);
		}
	}

	/** The {@code count} entries whose hash bit {@code length} is {@code bit}, as a slot's content. */
	private static @Nullable Object part(Registration<?, ?>[] entries, int count, int bit, int length) {
		if (count == entries.length) {
			return entries;
		}
		if (count == 0) {
			return null;
		}
		Registration<?, ?>[] part = new Registration<?, ?>[count];
		int at = 0;
		for (Registration<?, ?> entry : entries) {
			if ((entry.hash & length) == bit) {
				part[at++] = entry;
			}
		}
		return (count == 1) ? part[0] : part;
	}

}
