package dev.procreg.registry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Pid;

/**
 * The unique keys of a registry, every partition's: a concurrent hash table whose nodes are the entries
 * themselves, with each slot's hash, key and live owner's pid kept beside it. A
 * {@code ConcurrentHashMap<K, Registration>} makes a lookup walk slot → map node → key (→ its
 * bytes), then the entry for its liveness and pid: four or five levels of dependent loads, each a
 * cache miss when the table is large. Here slot {@code i} is the entry and its key side by side
 * in one array, its hash in a second and, while the entry's owner is alive, the owner's pid in a
 * third. A lookup (whereis) and a refused register read the three at once, then
 * the key and its bytes: they never read the entry, which its process allocated among its own
 * objects, far from every other entry, nor the pid.
 *
 * <h2>Layout</h2>
 * The keys are split among {@link #STRIPES} segments by the top bits of their hashes
 * ({@link #stripeOf}); each segment is a table of its own ({@link Slots}), written only under its
 * stripe's lock, and grown or cleaned by the writer that finds it full, under that lock, while
 * every other segment is read and written as before. A table that is one array for every key
 * must stop all its writers to grow, or forward each slot to the new array as
 * {@code ConcurrentHashMap} does: stopping them (a gate that every writer waited at while the
 * table was copied) cost spawning 100,000 processes that each register a sixth of their CPU, in
 * spinning and parked writers rather than in copying (benchmark README). A segment's copy is a
 * 64th of the work and stops a 64th of the writers.
 * <p>Within a segment: open addressing with linear probing, a key's entry in the first slot that
 * is free, when it is inserted, from its home ({@code hash & (slots - 1)}) on, so keys whose
 * hashes collide sit side by side. The hash keeps the low four bits of the key's hash code and
 * scrambles the rest ({@link #spread}), so keys with neighbouring hash codes share a segment and
 * its slot arrays' cache lines, while the runs of 16 they fill land at random. With 100,000 keys
 * in 262,144 slots (a simulation of the probe, not kept) a hit reads 3.2 slots on average for
 * {@code session-N} strings and 4.3 for the integers 0 to 99,999 (scrambling every bit: 1.3), a
 * miss 4.9 and 7.7 (1.8), every probe in consecutive memory; random hash codes probe as before.
 * In registration order a lookup ran at 1.0–1.2× a {@code ConcurrentHashMap}'s, against
 * 0.6–0.7× with every bit scrambled (benchmark README). A partitioned registry keeps one table
 * for all its partitions ({@link ProcessRegistry#uniques}), so that a lookup need not route. An
 * entry cell is {@code null} (never used), an entry, or {@link #TOMBSTONE} (its entry was
 * removed); a pid is {@code null} or the pid of the entry's live owner.
 *
 * <h2>Invariants</h2>
 * <ol>
 * <li><b>Nothing is moved.</b> A slot goes {@code null} → entry, entry → tombstone, tombstone →
 * entry, or entry → an entry of the same key; never back to {@code null}, and an entry never
 * changes slot. A rebuild builds new arrays aside and never writes the old ones. An entry is in a
 * table once: a removed entry is never inserted again.</li>
 * <li><b>A segment's writers are serialized</b> by its stripe's lock, and only they write its
 * slots: a slot's hash and key are written before its entry is published with a release write.
 * A tombstone is taken again only by a key of the same hash, the lowest-indexed such tombstone on
 * its probe: a key that comes back while its old slot is still a tombstone lands there or at a
 * lower index, never after it, so a walk in slot order ({@link #forEach}) does not meet it twice.
 * Were tombstones anyone's, another key passing by would take the old slot, and a walk that read
 * the key there before it left would meet it again further on (a concurrency test's walker saw
 * that in about one run in ten). Only a key of the same hash taking the old slot meanwhile can
 * still do that.</li>
 * <li><b>The hash and key beside an entry are its own</b> for as long as it is in the slot: its
 * hash, and its key or one equal to it (a replacement of the same key keeps the slot). A reader
 * that read the entry with an acquire read sees them, or, when the entry was removed and the slot
 * reused meanwhile, those of a later entry; so it confirms a match on the entry itself.</li>
 * <li><b>A slot's pid is set only while its entry's owner is alive</b>, and is that owner's pid.
 * It is written only under the key's stripe (so a rebuild carries it over exactly): {@link #compute}
 * sets it, just after it publishes a new entry, while its caller holds the owner's lock and has
 * seen the owner alive (so the owner stays alive at least until the entry is attached as its exit
 * hook); {@link #clearPid} clears it before the owner is marked dead (under the owner's lock);
 * and {@code compute} clears it before the slot holds another entry or a tombstone (an
 * unregister holds the owner's lock from the entry's detach to that removal). A reader that reads
 * the entry, then the pid, then the key, then the same entry again, saw one entry throughout
 * (by 1), so the pid is that entry's, its owner was alive when the pid was read, and the key is
 * the entry's.</li>
 * <li><b>A key is in at most one slot</b>, before the first {@code null} of its probe sequence:
 * a writer inserts only after probing up to that {@code null} without meeting the key, into that
 * {@code null} or a tombstone before it, and slots never become {@code null} again.</li>
 * <li><b>Reads are lock-free and linearizable.</b> A reader takes its segment's table once and
 * probes from the key's home slot up to the key or a {@code null}, passing tombstones. It returns
 * an entry that was there when read. It passes an entry whose slot's hash differs: that entry is
 * another key's, or (3) it was removed before the hash was read, and the key was absent from that
 * moment until it was inserted again. A miss means the key was absent at some moment of the
 * probe (by 1 and 5 an entry present throughout would have been met). A table a rebuild replaced
 * meanwhile is frozen as it was when the rebuild began, and stays so until it was replaced, a
 * moment within the read (the reader took it before).</li>
 * <li><b>There is always a {@code null} slot</b>, so every probe ends: an insert that would take
 * the used slots (entries and tombstones, {@link Stripe#used}, exact under the lock) over half of
 * its segment first rebuilds it. The largest segment ({@link #MAX_CAPACITY} slots) is rebuilt at
 * its size, without its tombstones, and refuses an insert once half of it holds entries
 * ({@link #refuseWhenFull}).</li>
 * <li><b>The stripes' counts add up to the number of entries</b>, each changed under its stripe;
 * exact when no write runs, weakly consistent otherwise.</li>
 * </ol>
 * A rebuild doubles its segment when more than a quarter of it holds entries or it has fewer than
 * 16 slots, and otherwise rebuilds it at its size without the tombstones. Like
 * {@code ConcurrentHashMap}, it never shrinks. Keys whose hashes collide, as strings' hash codes
 * can be made to, probe linearly: O(k) for k colliding keys, where {@code ConcurrentHashMap}
 * would make a tree.
 *
 * <h2>Hash codes that repeat</h2>
 * Runs pay while each hash code is one key's. Where codes are dense and repeat, they cost: a
 * record of two small {@code int}s hashes to {@code 31 * a + b}, so 100,000 such keys (10 tenants
 * × 10,000 users) share about 10,000 hash codes, ten keys each, a run of 16 neighbouring codes
 * must take 160 keys, and its entries sat 98 slots from their homes on average. So a rebuild
 * measures how far the entries it copied sit from their homes, and when that is more than
 * {@link #LONG_PROBE} slots on average it copies them again into a <em>scrambled</em> table: a
 * key's home is then the top bits of a multiply of its whole hash, the runs are gone, and the
 * same records sit 7.6 slots from home ({@code EntryTableLayoutTests}). The stored hash, and so
 * the segment, stay as they were: only where a probe starts changes, and each table says how its
 * probes start ({@link Slots#scrambled}), so a reader of a table that a rebuild replaced probes
 * it as it was built. A table stays scrambled. Strings numbered in order and dense integers sit
 * 1.5 slots from home and keep their runs.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
class EntryTable<K, V> {

	/** The segments, each with its lock: at most 64, chosen by the top six bits of a hash. */
	static final int STRIPES = 64;

	/**
	 * The slots of a segment's largest table: 128 MB of slot arrays, for up to 2^22 keys in each of
	 * the 64 segments (invariant 7); below bit 26, so a home never depends on the bits that chose
	 * the segment.
	 */
	private static final int MAX_CAPACITY = 1 << 23;

	/** Which bits of a hash choose its segment: the top six ({@link #stripeOf}). */
	private static final int STRIPE_SHIFT = 26;

	/** Slots below which a rebuild doubles a segment rather than only drop its tombstones. */
	private static final int MIN_CLEANED = 16;

	/** Mean slots from home to entry in a table in runs above which its rebuild scrambles every bit. */
	private static final int LONG_PROBE = 16;

	private static final Registration<?, ?> TOMBSTONE = Registration.tombstone();

	/** What {@link #livePid} answers when only the entry knows whether its owner is alive; no process's pid. */
	static final Pid ASK_THE_ENTRY = Pid.of("entry-table.ask-the-entry", 0);

	private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(Object[].class);

	private static final VarHandle PID = MethodHandles.arrayElementVarHandle(Pid[].class);

	private static final VarHandle TABLE = MethodHandles.arrayElementVarHandle(Slots[].class);

	private static final VarHandle COUNT;

	static {
		try {
			COUNT = MethodHandles.lookup().findVarHandle(Stripe.class, "count", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/**
	 * Each segment's current table, read with an acquire by readers, replaced with a release by
	 * a rebuild under the segment's stripe. An array of its own, written only at rebuilds, rather
	 * than a field of each stripe: a writer's lock and counts would share the readers' cache line.
	 */
	private final Slots[] tables;

	/** The write locks, with what their writers count; one per segment. */
	private final Stripe[] stripes;

	/** The slots of a segment's largest table ({@link #MAX_CAPACITY}, or fewer in a test's table). */
	private final int maxCapacity;

	/** Whether every table a rebuild makes is scrambled, not only those whose entries sit far from home. */
	private final boolean scrambled;

	EntryTable() {
		this(STRIPES, false, MAX_CAPACITY);
	}

	/** A table of {@code stripes} segments (a power of two, at most 64). */
	EntryTable(int stripes) {
		this(stripes, false, MAX_CAPACITY);
	}

	/**
	 * A table as above whose segments are scrambled from the start when {@code scrambled}
	 * ({@link #rebuild}): a model checker then sees their probes.
	 */
	EntryTable(int stripes, boolean scrambled) {
		this(stripes, scrambled, MAX_CAPACITY);
	}

	/**
	 * A table as above whose segments grow to at most {@code maxCapacity} slots: a test then fills
	 * the largest one.
	 */
	EntryTable(int stripes, boolean scrambled, int maxCapacity) {
		if (stripes < 1 || stripes > STRIPES || Integer.bitCount(stripes) != 1) {
			throw new IllegalArgumentException("stripes must be a power of two from 1 to 64: " + stripes);
		}
		if (Integer.bitCount(maxCapacity) != 1 || maxCapacity < 2 || maxCapacity > MAX_CAPACITY) {
			throw new IllegalArgumentException("a segment's largest table must be a power of two of 2 to 2^23 slots: "
					+ maxCapacity);
		}
		this.maxCapacity = maxCapacity;
		this.scrambled = scrambled;
		// one empty table of one slot, shared until a segment's first insert rebuilds it: an empty
		// registry holds 64 references, not 64 tables. Never written: an insert into it rebuilds
		// first (invariant 7). In runs, whatever the table is, as a scrambled home needs two slots
		Slots empty = new Slots(1, false);
		this.tables = new Slots[stripes];
		this.stripes = new Stripe[stripes];
		for (int i = 0; i < stripes; i++) {
			this.tables[i] = empty;
			this.stripes[i] = new Stripe();
		}
	}

	/**
	 * A key's hash: its {@code hashCode}'s low four bits kept, the rest scrambled (Fibonacci
	 * multiply, high half folded down) so that the bits above, which pick a segment and a run of
	 * 16 slots in it, depend on every bit above them. Keys whose hash codes differ only in the low
	 * bits ({@code session-40} to {@code session-49}, the integers 32 to 47) sit in one run, as in
	 * a {@code ConcurrentHashMap}'s bins: a lookup in registration order reads each cache line of
	 * the slot arrays once for up to 16 keys instead of once per key. Scrambling every bit would
	 * scatter them over the table. The price is longer probes where hash codes are dense (see the
	 * class comment). A lookup starts at {@code hash & (slots - 1)} ({@link #home}).
	 */
	static int spread(int hashCode) {
		int h = (hashCode >>> 4) * 0x9E3779B9;
		return ((h ^ (h >>> 16)) << 4) | (hashCode & 0xF);
	}

	/** The segment of {@code hash}: its top bits, which no home of a table in runs uses (below bit 23). */
	private int stripeOf(int hash) {
		return (hash >>> STRIPE_SHIFT) & (this.stripes.length - 1);
	}

	/**
	 * The slot a probe for {@code hash} starts at in {@code table}: in runs, its low bits; in a
	 * scrambled table, the top bits of a multiply, which depend on every bit of the hash.
	 */
	private static int home(Slots table, int hash, int mask) {
		return table.scrambled ? (hash * 0x85EBCA6B) >>> Integer.numberOfLeadingZeros(mask) : hash & mask;
	}

	/** The current table of {@code hash}'s segment, read with an acquire (invariant 6). */
	private Slots tableOf(int hash) {
		return (Slots) TABLE.getAcquire(this.tables, stripeOf(hash));
	}

	// ---- reads

	/**
	 * The entry under {@code key}, or {@code null}: an acquire read of its segment's table, then
	 * acquire reads of the slots from the key's home on; no lock, no allocation (invariant 6).
	 */
	@Nullable Registration<K, V> get(Object key) {
		int hash = spread(key.hashCode());
		return find(tableOf(hash), key, hash);
	}

	/** Probes {@code table} for {@code key}. Overridable only for a test's planted bug. */
	@SuppressWarnings("unchecked")
	@Nullable Registration<K, V> find(Slots table, Object key, int hash) {
		Object[] cells = table.cells;
		int[] hashes = table.hashes;
		int mask = hashes.length - 1;
		for (int i = home(table, hash, mask);; i = (i + 1) & mask) {
			int at = 2 * i;
			Registration<?, ?> entry = (Registration<?, ?>) CELL.getAcquire(cells, at);
			if (entry == null) {
				return null;
			}
			if (hashes[i] == hash) {
				// the slot's key, not the entry's: both loads start before either is compared
				Object slotKey = cells[at + 1];
				if ((slotKey == key || key.equals(slotKey)) && entry != TOMBSTONE
						&& (entry.key == slotKey || key.equals(entry.key))) {
					return (Registration<K, V>) entry;
				}
			}
		}
	}

	/**
	 * The pid of the live owner of {@code key}'s entry, read from the slot's pid (invariant 4)
	 * without touching the entry: {@code null} when the key is absent, or {@link #ASK_THE_ENTRY}
	 * when its slot has no pid (the entry is being written, or its owner is dying), and only the
	 * entry can tell. A sentinel rather than the entry, so that a caller tells the answers apart by
	 * reference, without reading the object it got. No lock, no allocation.
	 */
	@Nullable Pid livePid(Object key) {
		return livePid(key, key.hashCode());
	}

	/** {@link #livePid(Object)} with the key's {@code hashCode()}, computed by the caller. */
	@Nullable Pid livePid(Object key, int hashCode) {
		int hash = spread(hashCode);
		return livePid(tableOf(hash), key, hash);
	}

	/**
	 * The pid of the live owner of {@code key}'s entry, or {@code null}: {@link #livePid}, then the
	 * entry itself when only it can tell.
	 * @param hashCode the key's {@code hashCode()}, computed by the caller
	 */
	@Nullable Pid uniquePid(Object key, int hashCode) {
		Pid pid = livePid(key, hashCode);
		return (pid != ASK_THE_ENTRY) ? pid : pidIfLive(get(key));
	}

	private static @Nullable Pid pidIfLive(@Nullable Registration<?, ?> entry) {
		return (entry != null && entry.live()) ? entry.pid : null;
	}

	/** Probes {@code table} for {@code key}'s live pid. Overridable only for a test's planted bug. */
	@Nullable Pid livePid(Slots table, Object key, int hash) {
		Object[] cells = table.cells;
		int[] hashes = table.hashes;
		int mask = hashes.length - 1;
		for (int i = home(table, hash, mask);; i = (i + 1) & mask) {
			int at = 2 * i;
			Object entry = CELL.getAcquire(cells, at);
			if (entry == null) {
				return null;
			}
			if (hashes[i] == hash) {
				// acquire reads in the order the argument of invariant 4 needs: entry, pid, key, entry
				Pid pid = (Pid) PID.getAcquire(table.pids, i);
				Object slotKey = CELL.getAcquire(cells, at + 1);
				if (slotKey == key || key.equals(slotKey)) {
					if (pid != null && CELL.getAcquire(cells, at) == entry) {
						return pid; // one entry throughout, whose owner was alive when the pid was read
					}
					if (entry != TOMBSTONE) {
						return ASK_THE_ENTRY;
					}
				}
			}
		}
	}

	/** @return the slots of the current tables, every segment's; entries are at most half of them (invariant 7) */
	int capacity() {
		int capacity = 0;
		for (int s = 0; s < this.tables.length; s++) {
			capacity += ((Slots) TABLE.getAcquire(this.tables, s)).length();
		}
		return capacity;
	}

	/** @return the slots of the current table of {@code key}'s segment */
	int segmentCapacity(Object key) {
		return tableOf(spread(key.hashCode())).length();
	}

	/** @return the number of entries; exact when no write runs (invariant 8) */
	int size() {
		long entries = 0;
		for (Stripe stripe : this.stripes) {
			entries += (int) COUNT.getAcquire(stripe);
		}
		return (int) entries;
	}

	/**
	 * Visits the entries of the current tables, segment by segment, each once (entries never move
	 * and never change segment, invariant 1). Weakly consistent: an entry present throughout is
	 * visited; one added or removed meanwhile may or may not be. A key that leaves and comes back
	 * during the walk is met once, unless a key of the same hash took its old slot meanwhile
	 * (invariant 2).
	 */
	@SuppressWarnings("unchecked")
	void forEach(Consumer<? super Registration<K, V>> action) {
		for (int s = 0; s < this.tables.length; s++) {
			Object[] cells = ((Slots) TABLE.getAcquire(this.tables, s)).cells;
			for (int at = 0; at < cells.length; at += 2) {
				Object entry = CELL.getAcquire(cells, at);
				if (entry != null && entry != TOMBSTONE) {
					action.accept((Registration<K, V>) entry);
				}
			}
		}
	}

	// ---- writes

	/**
	 * Clears the pid cell of {@code entry}'s slot, under its key's stripe (invariant 4): when its
	 * owner is about to be marked dead, under the owner's lock. Does nothing when the entry is no
	 * longer in the table.
	 * @param entry an entry of this table
	 */
	void clearPid(Registration<K, V> entry) {
		int hash = entry.hash;
		int segment = stripeOf(hash);
		Stripe stripe = this.stripes[segment];
		synchronized (stripe) {
			enter(stripe);
			try {
				Slots slots = this.tables[segment];
				Object[] cells = slots.cells;
				int mask = slots.hashes.length - 1;
				for (int i = home(slots, hash, mask);; i = (i + 1) & mask) {
					Object found = cells[2 * i];
					if (found == null) {
						return;
					}
					if (found == entry) {
						PID.setRelease(slots.pids, i, null);
						return;
					}
				}
			}
			finally {
				stripe.inside = false; // a field write, which cannot fail as a call can (enter)
			}
		}
	}

	/**
	 * Called by a writer that just took {@code stripe}'s monitor. The writer is the stripe's only
	 * one while it holds the monitor, so a mark already set is its own: a function given to
	 * {@link #compute} that writes the same segment again, which would write the table while the
	 * outer write still probes it, or rebuild it under the outer write's slot. The mark is a
	 * plain field, cleared by a field write in a {@code finally}: a call there could fail for want
	 * of stack and leave it set. Overridable only for a test's planted bug.
	 * @throws IllegalStateException when the writer is already in this stripe
	 */
	void enter(Stripe stripe) {
		if (stripe.inside) {
			throw new IllegalStateException("a write to a registry's entry table from inside another write of the same stripe");
		}
		stripe.inside = true;
	}

	/**
	 * Replaces the entry under {@code key} by what {@code remapping} makes of it, under the key's
	 * stripe lock (invariant 2), as {@code ConcurrentHashMap.compute} does under its bin lock:
	 * what the function does (publishing an event) is ordered with every other write of the key,
	 * and it runs once per call.
	 * @param key the key
	 * @param entry the caller's entry, handed to the function so that it need not capture it (a
	 * function that captures nothing is allocated once); may be {@code null}
	 * @param remapping gets the current entry or {@code null}, and {@code entry}; returns the
	 * current entry unchanged, a new entry of the same key, or {@code null} to remove it; if it
	 * throws, the table is unchanged. It must not write this table ({@link #enter}). A new entry's
	 * slot gets its owner's pid (invariant 4): the caller holds that owner's lock, has seen it
	 * alive, and attaches the entry to it before letting go
	 * @return the entry now under the key, or {@code null}
	 */
	@Nullable Registration<K, V> compute(K key, @Nullable Registration<K, V> entry, Remapping<K, V> remapping) {
		return write(key, entry, remapping, true);
	}

	/**
	 * {@link #compute} for a function that never puts an entry under an absent key: it keeps,
	 * replaces or removes the current one. Such a write never takes a slot, so it neither rebuilds
	 * a segment that is full nor is refused by the largest one ({@link #refuseWhenFull}): a dead
	 * owner's clean-up of a key that another owner took and let go meanwhile must not fail.
	 * @throws IllegalArgumentException when the function returns an entry for an absent key; the
	 * table is unchanged
	 */
	@Nullable Registration<K, V> remove(K key, @Nullable Registration<K, V> entry, Remapping<K, V> remapping) {
		return write(key, entry, remapping, false);
	}

	@SuppressWarnings("unchecked")
	private @Nullable Registration<K, V> write(K key, @Nullable Registration<K, V> entry, Remapping<K, V> remapping,
			boolean inserts) {
		int hash = spread(key.hashCode());
		int segment = stripeOf(hash);
		Stripe stripe = this.stripes[segment];
		synchronized (stripe) {
			enter(stripe);
			try {
				for (;;) {
					Slots slots = this.tables[segment]; // written under this lock only
					Object[] cells = slots.cells;
					int[] hashes = slots.hashes;
					int capacity = hashes.length;
					int mask = capacity - 1;
					int tombstone = -1;
					int i = home(slots, hash, mask);
					Registration<?, ?> found;
					for (;; i = (i + 1) & mask) {
						found = (Registration<?, ?>) cells[2 * i];
						if (found == null || matches(found, key, hash)) {
							break;
						}
						if (found == TOMBSTONE && hashes[i] == hash && (tombstone < 0 || i < tombstone)) {
							tombstone = i; // the lowest-indexed one of this hash, the probe may wrap (invariant 2)
						}
					}
					Registration<K, V> existing = (Registration<K, V>) found;
					if (inserts && existing == null && tombstone < 0 && stripe.used >= capacity >>> 1) {
						// an insert into the null would take the used slots over half: rebuild first (invariant
						// 7), before the function, which runs once, whatever the function then decides
						rebuild(segment, stripe, slots);
						continue;
					}
					Registration<K, V> result = remapping.apply(existing, entry);
					if (result == existing) {
						return result;
					}
					if (result != null && (result.hash != hash || (result.key != key && !key.equals(result.key)))) {
						throw new IllegalArgumentException("an entry of key " + result.key + " cannot go under key " + key);
					}
					if (!inserts && existing == null && result != null) {
						throw new IllegalArgumentException("a removal cannot put an entry under absent key " + key);
					}
					if (existing != null) {
						// the old entry's pid goes before the slot is another entry's (invariant 4)
						PID.setRelease(slots.pids, i, null);
						if (result != null) {
							cells[2 * i + 1] = result.key; // an equal key, maybe another object (invariant 3)
						}
						CELL.setRelease(cells, 2 * i, (result != null) ? result : TOMBSTONE);
						if (result == null) {
							COUNT.setRelease(stripe, stripe.count - 1);
						}
					}
					else {
						if (tombstone >= 0) {
							i = tombstone; // its hash is already this key's
						}
						else {
							hashes[i] = hash;
							stripe.used++;
						}
						cells[2 * i + 1] = result.key;
						CELL.setRelease(cells, 2 * i, result); // after its hash and key (invariant 2)
						COUNT.setRelease(stripe, stripe.count + 1);
					}
					if (result != null) {
						// after the entry: a reader that sees this pid sees it beside this entry (invariant 4)
						PID.setRelease(slots.pids, i, result.pid);
					}
					return result;
				}
			}
			finally {
				stripe.inside = false; // a field write, which cannot fail as a call can (enter)
			}
		}
	}

	private static boolean matches(Registration<?, ?> entry, Object key, int hash) {
		return entry.hash == hash && entry != TOMBSTONE && (entry.key == key || key.equals(entry.key));
	}

	/**
	 * What a function makes of a key's current entry, under the key's stripe lock. It must not
	 * write the same segment ({@link #enter}).
	 */
	@FunctionalInterface
	interface Remapping<K, V> {

		/**
		 * @param existing the key's current entry, or {@code null}
		 * @param entry the entry the caller handed to {@code compute}, or {@code null}
		 * @return {@code existing}, a new entry of the key, or {@code null}
		 */
		@Nullable Registration<K, V> apply(@Nullable Registration<K, V> existing, @Nullable Registration<K, V> entry);

	}

	// ---- rebuilding

	/**
	 * Replaces {@code current}, the table of {@code segment}, by one twice its size or, when few
	 * of its used slots hold entries, by one of its size without the tombstones; under the
	 * segment's stripe, so no slot of it changes meanwhile. Readers go on reading
	 * {@code current}, frozen, until the release write that publishes the new table (invariant
	 * 6). When the entries of a table in runs sit far from their homes, the copy is made again into
	 * a scrambled table: runs keep neighbouring hash codes side by side, which pays while each code
	 * is one key's; where codes are dense and repeat, as a record of two small {@code int}s
	 * ({@code 31 * a + b}) makes them, a run of 16 codes must take ten times as many keys, and its
	 * neighbours' keys pile up behind it (benchmark README, "Keys whose hash codes repeat"). A
	 * scrambled table stays scrambled, as a table never shrinks.
	 * @throws IllegalStateException when the segment is at its largest and half of it holds
	 * entries ({@link #refuseWhenFull}); nothing changed
	 */
	private void rebuild(int segment, Stripe stripe, Slots current) {
		int capacity = current.length();
		refuseWhenFull(capacity, stripe.count);
		boolean clean = stripe.count < capacity >>> 2 && capacity >= MIN_CLEANED;
		int length = (clean || capacity == this.maxCapacity) ? capacity : capacity << 1;
		Slots next = new Slots(length, current.scrambled || this.scrambled);
		if (copy(current, next) && !next.scrambled) {
			next = new Slots(length, true);
			copy(current, next);
		}
		RegistryFaults.beforeRebuildPublished();
		TABLE.setRelease(this.tables, segment, next);
		stripe.used = stripe.count;
	}

	/**
	 * Refuses an insert into a segment's largest table when its entries, not its tombstones, fill
	 * half of it: a rebuild at its size would leave it as full, and an insert past half would
	 * leave probes that end at no {@code null} (invariant 7). Below that, the rebuild drops the
	 * tombstones. Called under the stripe, before the function runs, so nothing changes.
	 * @throws IllegalStateException when the table is at its largest and half of it holds entries
	 */
	private void refuseWhenFull(int capacity, int entries) {
		if (capacity == this.maxCapacity && entries >= capacity >>> 1) {
			throw new IllegalStateException("a registry's unique keys are full: " + entries + " keys in " + capacity
					+ " slots of one of its segments, the most one segment holds");
		}
	}

	/**
	 * Copies every entry of {@code from}, with its key, hash and pid, into {@code to}, which no
	 * reader sees yet.
	 * @return whether the entries sit more than {@link #LONG_PROBE} slots from their homes in
	 * {@code to}, on average: a table in runs should then be scrambled instead
	 */
	private boolean copy(Slots from, Slots to) {
		Object[] cells = from.cells;
		long distance = 0;
		int entries = 0;
		for (int i = 0; i < from.hashes.length; i++) {
			// the hash and key come from the slot (invariant 3): the copy reads the arrays in order, never an entry
			Object entry = cells[2 * i];
			if (entry != null && entry != TOMBSTONE) {
				distance += place(to, entry, cells[2 * i + 1], from.hashes[i], from.pids[i]);
				entries++;
			}
		}
		return distance > (long) LONG_PROBE * entries;
	}

	/**
	 * Puts an entry, with its key, hash and pid, in the first free slot from its home in a table
	 * no reader sees yet: plain writes, published by the rebuild's release write of the table.
	 * Overridable only for a test's planted bug.
	 * @return how many slots from its home it went
	 */
	int place(Slots next, Object entry, @Nullable Object key, int hash, @Nullable Pid pid) {
		Object[] cells = next.cells;
		int mask = next.hashes.length - 1;
		int home = home(next, hash, mask);
		int i = home;
		while (cells[2 * i] != null) {
			i = (i + 1) & mask;
		}
		cells[2 * i] = entry;
		cells[2 * i + 1] = key;
		next.hashes[i] = hash;
		next.pids[i] = pid;
		return (i - home) & mask;
	}

	/** @return how far the entries of every segment's current table sit from their homes, on average, in slots */
	double meanDisplacement() {
		long distance = 0;
		long entries = 0;
		for (int s = 0; s < this.tables.length; s++) {
			Slots table = (Slots) TABLE.getAcquire(this.tables, s);
			Object[] cells = table.cells;
			int mask = table.hashes.length - 1;
			for (int i = 0; i < table.hashes.length; i++) {
				Object entry = CELL.getAcquire(cells, 2 * i);
				if (entry != null && entry != TOMBSTONE) {
					distance += (i - home(table, table.hashes[i], mask)) & mask;
					entries++;
				}
			}
		}
		return (entries == 0) ? 0 : (double) distance / entries;
	}

	/** @return whether every segment that holds a table of its own probes from homes made of every bit of the hash */
	boolean scrambled() {
		return scrambledSegments() == this.tables.length - emptySegments();
	}

	/** @return how many segments probe from homes made of every bit of the hash */
	int scrambledSegments() {
		int scrambled = 0;
		for (int s = 0; s < this.tables.length; s++) {
			if (((Slots) TABLE.getAcquire(this.tables, s)).scrambled) {
				scrambled++;
			}
		}
		return scrambled;
	}

	private int emptySegments() {
		int empty = 0;
		for (int s = 0; s < this.tables.length; s++) {
			if (((Slots) TABLE.getAcquire(this.tables, s)).length() == 1) {
				empty++;
			}
		}
		return empty;
	}

	/**
	 * A segment's write lock, and what its writers count, in fields written under it: the lock's
	 * own cache line, which the writer holds anyway, rather than a shared counter's.
	 */
	static final class Stripe {

		/**
		 * The monitor's holder is writing ({@link #enter}): set and cleared by the holder only, so
		 * that a write from inside its own function is refused.
		 */
		boolean inside;

		/** Entries of this segment (invariant 8); read without the lock by {@link #size}. */
		int count;

		/** Slots of this segment's current table that are not {@code null}: entries and tombstones (invariant 7). */
		int used;

	}

	/**
	 * One table: slot {@code i} is {@code cells[2i]} (its entry) and {@code cells[2i + 1]} (the
	 * entry's key, invariant 3), side by side, with {@code hashes[i]} and {@code pids[i]} (its live
	 * owner's pid, invariant 4). The pids have an array of their own, typed, so that a pid read
	 * from it is a {@code Pid} without a cast: a cast would read the pid's class, a cache miss of
	 * its own in a large table. Published whole, through {@link EntryTable#tables}.
	 */
	static final class Slots {

		final @Nullable Object[] cells;

		final int[] hashes;

		final @Nullable Pid[] pids;

		/** Whether a key's home comes from every bit of its hash rather than from its run ({@link EntryTable#copy}). */
		final boolean scrambled;

		Slots(int length, boolean scrambled) {
			this.cells = new Object[2 * length];
			this.hashes = new int[length];
			this.pids = new Pid[length];
			this.scrambled = scrambled;
		}

		/** @return the number of slots */
		int length() {
			return this.hashes.length;
		}

		@Nullable Object entry(int slot) {
			return this.cells[2 * slot];
		}

		@Nullable Object key(int slot) {
			return this.cells[2 * slot + 1];
		}

	}

}
