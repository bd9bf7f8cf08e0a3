package dev.procreg.registry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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
 * objects, far from every other entry, nor the pid. A write's probe, under its stripe, compares
 * the slot's hash before it reads an entry too, so it reads no other key's entry.
 *
 * <h2>Layout</h2>
 * Open addressing with linear probing: {@link Slots} holds the arrays, and a key's entry sits
 * in the first slot that is free, when it is inserted, from its home ({@code hash & (slots - 1)})
 * on, so keys whose hashes collide sit side by side. The hash keeps the low four bits of the
 * key's hash code and scrambles the rest ({@link #spread}), so keys with neighbouring hash codes
 * share the slot arrays' cache lines, while the runs of 16 they fill land at random. With 100,000
 * keys in 262,144 slots (a simulation of the probe, not kept) a hit reads 3.2 slots on average for
 * {@code session-N} strings and 4.3 for the integers 0 to 99,999 (scrambling every bit: 1.3), a
 * miss 4.9 and 7.7 (1.8), every probe in consecutive memory; random hash codes probe as before.
 * In registration order a lookup ran at 1.0–1.2× a {@code ConcurrentHashMap}'s, against
 * 0.6–0.7× with every bit scrambled (benchmark README). A partitioned registry keeps one table
 * for all its partitions ({@link ProcessRegistry#uniques}), so that a lookup need not route. An
 * entry cell is {@code null} (never used), an entry, {@link #TOMBSTONE} (its entry was removed)
 * {@link #RESERVED} (a writer is filling its hash and key) or {@link #CLAIMED} (an unlocked
 * insert is filling it); a pid is {@code null} or the pid of the entry's live owner. Writers lock
 * one of {@link #stripes}, chosen by {@code hash & (stripes - 1)}, but for an insert whose key's
 * home slot is still {@code null}, which takes that slot by compare and set instead ({@link #insertAtHome}).
 *
 * <h2>Invariants</h2>
 * <ol>
 * <li><b>Nothing is moved.</b> A slot goes {@code null} → reserved → entry, reserved → tombstone,
 * {@code null} → claimed → entry, claimed → tombstone, entry → tombstone,
 * tombstone → reserved → entry, or entry → an entry of the same key; never back to {@code null},
 * and an entry never changes slot. A resize builds new arrays aside and never writes the old ones.
 * An entry is in a table once: a removed entry is never inserted again.</li>
 * <li><b>A key's writers are serialized</b> by its stripe lock, and its inserts by the claim of its
 * home too (invariant 9), and only they write a slot that holds one of its entries; a
 * {@code null} slot is reserved by compare and set, since writers of
 * other stripes probe through it too, and only the reserving writer then writes the slot's hash
 * and key, before it publishes the entry with a release write. A tombstone is taken again only by
 * a writer of the stripe whose entry left it (the hash still in the slot says which), and an
 * insert takes the lowest-indexed such tombstone on its probe: a key that comes back while its
 * old slot is still a tombstone lands there or at a lower index, never after it, so a walk in
 * slot order ({@link #forEach}) does not meet it twice. Were tombstones anyone's, a key of
 * another stripe passing by would take the old slot, and a walk that read the key there before it
 * left would meet it again further on (a concurrency test's walker saw that in about one run in
 * ten). Only a key of its own stripe taking the old slot meanwhile can still do that.</li>
 * <li><b>The hash and key beside an entry are its own</b> for as long as it is in the slot: its
 * hash, and its key or one equal to it (a replacement of the same key keeps the slot). A reader
 * that read the entry with an acquire read sees them, or, when the entry was removed and the slot
 * reused meanwhile, those of a later entry; so it confirms a match on the entry itself.</li>
 * <li><b>A slot's pid is set only while its entry's owner is alive</b>, and is that owner's pid.
 * It is written only under the key's stripe (so a resize carries it over exactly), or by an
 * unlocked insert before it publishes its entry: {@link #compute}
 * sets it, just after it publishes a new entry, and {@link #insertAtHome} just before, while the
 * slot is claimed (readers pass it, a rebuild's copy waits for it), each while its caller holds the
 * owner's lock and has seen the owner alive (so the owner stays alive at least until the entry is
 * attached as its exit hook); {@link #clearPid} clears it before the owner is marked dead (under the owner's lock);
 * and {@code compute} clears it before the slot holds another entry or a tombstone (an
 * unregister holds the owner's lock from the entry's detach to that removal). A reader that reads the entry, then the pid, then the key, then the same entry again,
 * saw one entry throughout (by 1), so the pid is that entry's, its owner was alive when the pid
 * was read, and the key is the entry's.</li>
 * <li><b>A key is in at most one slot</b>, before the first {@code null} of its probe sequence:
 * a writer inserts only after probing up to that {@code null} without meeting the key, into that
 * {@code null} or a tombstone before it, and slots never become {@code null} again.</li>
 * <li><b>Reads are lock-free and linearizable.</b> A reader takes {@code slots} once and probes
 * from the key's home slot up to the key or a {@code null}, passing tombstones, reserved and
 * claimed slots. It returns an entry that was there when read. It passes an entry whose slot's hash
 * differs: that entry is another key's, or (3) it was removed before the hash was read, and the
 * key was absent from that moment until it was inserted again. A miss means the key was absent
 * at some moment of the probe (by 1 and 5 an entry present throughout would have been met). A
 * table a resize replaced meanwhile is frozen as it was at that resize, a moment within the read.</li>
 * <li><b>There is always a {@code null} slot</b>, so every probe ends: an insert that would take
 * the used slots (entries, tombstones, reserved, claimed) over half of the table first rebuilds
 * it, and at most one locked insert per stripe runs at once while the table has at least twice as
 * many slots as stripes. In a table of 8,192 slots or more (64 stripes), each stripe adds the slots
 * it claims to the shared count in batches ({@link #addEvery}), so "half" may be overshot by less
 * than a 64th of the table. Unlocked inserts count their claims in batches of the same size, each
 * before it claims its slot, and claim only while the count is still a 64th short of half
 * ({@link #unlockedLimit}) after their own was counted, so they add less than another 64th however
 * many threads insert at once (a claim that gives up counts its tombstone at once). So the largest
 * table may hold entries past its half by less than a 32nd before {@link #refuseWhenFull} refuses.
 * The largest table ({@link #MAX_CAPACITY} slots) is rebuilt at its size, without its
 * tombstones, and refuses an insert once half of it holds entries ({@link #refuseWhenFull}).</li>
 * <li><b>The stripes' counts add up to the number of entries</b>, each changed under its stripe,
 * or by atomic adds for unlocked inserts ({@link Stripe#unlocked}); exact when no write runs,
 * weakly consistent otherwise.</li>
 * <li><b>An unlocked insert owns its key's home while it holds it claimed.</b> It takes the home only
 * when it is {@code null}, so the key is absent (5), by compare and set, so one writer holds it.
 * A locked writer whose probe reads its key's home claimed waits until it holds an entry or a
 * tombstone, and a locked insert whose probe ends at its free home reserves it by compare and set
 * before its function runs, and probes again from the home when that fails: so no insert of the
 * key runs its function, or puts the key anywhere, while the unlocked insert holds the home. A
 * removal whose probe ends at the free home runs its function with {@code null} and takes nothing,
 * before the insert in the key's order. A claimed slot's pid is written before its entry, and a
 * reader never answers it (4). A rebuild marks the table frozen ({@link Slots#frozen})
 * before its copy reads a slot, and the copy waits for a claimed slot; the insert reads the mark
 * after its compare and set, both volatile, so either the copy reads the slot after the claim and
 * waits for it, or the insert sees the mark, runs no function and leaves a tombstone, and the
 * caller writes under the stripe, in the new table.</li>
 * </ol>
 * A resize (the gate closed, then every stripe's writer waited out: {@link #rebuilding}) doubles
 * the table when more than a quarter of it
 * holds entries or it has fewer than 16 slots a stripe, and otherwise rebuilds it at its size
 * without the tombstones. Writers that come meanwhile copy chunks of the frozen table into the new
 * one beside the rebuild ({@link Copy}), as {@code ConcurrentHashMap}'s writers help its transfer,
 * rather than park for the whole copy; the rebuild publishes the new table once every chunk is
 * in. Like
 * {@code ConcurrentHashMap}, it never shrinks. Keys whose hashes collide, as strings' hash codes
 * can be made to, probe linearly: O(k) for k colliding keys, where {@code ConcurrentHashMap}
 * would make a tree.
 *
 * <h2>Hash codes that repeat</h2>
 * Runs pay while each hash code is one key's. Where codes are dense and repeat, they cost: a
 * record of two small {@code int}s hashes to {@code 31 * a + b}, so 100,000 such keys (10 tenants
 * × 10,000 users) share about 10,000 hash codes, ten keys each, a run of 16 neighbouring codes
 * must take 160 keys, and its entries sat 98 slots from their homes on average. So a rebuild
 * (each growth, each clean-up) first samples how far the entries sit from their homes, and when
 * that is more than {@link #LONG_PROBE} slots on average it builds the new table
 * <em>scrambled</em>: a key's home is then the top bits of a multiply of its whole hash, the
 * runs are gone, and the same records sit 7.6 slots from home ({@code EntryTableLayoutTests}).
 * The stored hash, and so the stripe, stay as they were: only where a probe starts changes, and
 * each table says how its probes start ({@link Slots#scrambled}), so a reader of a table that a
 * rebuild replaced probes it as it was built. A table stays scrambled. Strings numbered in order
 * and dense integers sit 1.5 slots from home and keep their runs.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
class EntryTable<K, V> {

	static final int STRIPES = 64;

	/** The slots of the largest table: 8 GB of slot arrays, for up to 2^28 keys (invariant 7). */
	private static final int MAX_CAPACITY = 1 << 29;

	/** Slots per stripe below which a rebuild doubles the table rather than only drop its tombstones. */
	private static final int MIN_CLEANED_PER_STRIPE = 16;

	/**
	 * How long a rebuild spins for a writer to leave its stripe before it takes the stripe's
	 * monitor ({@link #awaitWriterOut}), or for the helpers' chunks before it yields its carrier
	 * ({@link #spunTooLong}).
	 */
	private static final long YIELD_AFTER_NANOS = 10_000_000L;

	/**
	 * How long the first writer parked at the closed gate waits for the rebuild's wake-up before
	 * it looks at the gate again, at first ({@link #awaitOpenGate}); each look waits twice as long
	 * as the one before, up to {@link #MAX_GATE_LOOK_MILLIS}.
	 */
	private static final long GATE_LOOK_MILLIS = 10;

	private static final long MAX_GATE_LOOK_MILLIS = 640;

	/**
	 * How long every other writer parked at the closed gate waits before it looks again, at
	 * first; each look twice as long, up to {@link #MAX_LATE_LOOK_MILLIS}. Thousands park there
	 * while a table that processes register into grows, and a rebuild slowed down (a loaded
	 * machine, a profiler) must not have them all wake every few milliseconds and take the
	 * carriers the rebuild needs.
	 */
	private static final long LATE_LOOK_MILLIS = 1_000;

	private static final long MAX_LATE_LOOK_MILLIS = 8_000;


	/** Mean slots from home to entry in a table in runs above which its rebuild scrambles every bit ({@link #probesLong}). */
	private static final int LONG_PROBE = 16;

	/** How many slots a rebuild samples to measure how far entries sit from their homes. */
	private static final int SAMPLED_SLOTS = 1 << 13;

	/**
	 * In how many stretches of consecutive slots, spread evenly over the table, a rebuild samples
	 * them: a stretch is read in order, a cache line for 8 slots, where every 16th slot of a large
	 * table was a cache miss of its own (2.6 ms of a shot that spawned 100,000 registering
	 * processes, while writers waited for the rebuild; benchmark README).
	 */
	private static final int SAMPLED_STRETCHES = 16;

	private static final Registration<?, ?> TOMBSTONE = Registration.tombstone();

	/** What a slot holds while its writer fills its hash and key; readers pass it. */
	private static final Registration<?, ?> RESERVED = Registration.tombstone();

	/**
	 * What a key's home slot holds while an insert that took it without a lock ({@link #insertAtHome})
	 * runs its function and fills the slot: readers pass it; a locked writer whose probe starts there,
	 * and a rebuild's copy, wait until it holds an entry or a tombstone (invariant 9).
	 */
	private static final Registration<?, ?> CLAIMED = Registration.tombstone();

	/** What {@link #livePid} answers when only the entry knows whether its owner is alive; no process's pid. */
	static final Pid ASK_THE_ENTRY = Pid.of("entry-table.ask-the-entry", 0);

	private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(Object[].class);

	private static final VarHandle PID = MethodHandles.arrayElementVarHandle(Pid[].class);

	private static final VarHandle PREPARING;

	private static final VarHandle USED;

	private static final VarHandle COUNT;

	private static final VarHandle UNLOCKED;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			PREPARING = lookup.findVarHandle(EntryTable.class, "preparing", boolean.class);
			USED = lookup.findVarHandle(EntryTable.class, "used", long.class);
			COUNT = lookup.findVarHandle(Stripe.class, "count", int.class);
			UNLOCKED = lookup.findVarHandle(Stripe.class, "unlocked", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private volatile Slots slots;

	/** The write locks, with what their writers count; at most half as many as the slots (invariant 7). */
	private final Stripe[] stripes;

	/** log2 of 64 slots a stripe: {@link #addEvery} shifts by it, on every claim, rather than divide. */
	private final int addShift;

	/** Slots a helper of a rebuild copies at a time ({@link Copy#CHUNK}, or fewer in a test's table). */
	private final int copyChunk;

	/**
	 * How long a writer parked at the gate, other than the watchman, waits before its first look
	 * ({@link #LATE_LOOK_MILLIS}); a test makes it longer than it waits, so that only the
	 * watchman's wake-up can let the others go.
	 */
	long lateLookMillis = LATE_LOOK_MILLIS;

	/** The slots of the largest table ({@link #MAX_CAPACITY}, or fewer in a test's table). */
	private final int maxCapacity;

	/**
	 * A gate in front of the stripes, closed (a {@link Rebuild} set here) for the whole of a
	 * rebuild: a writer that comes meanwhile helps copy the table, holding nothing, and then waits
	 * at the gate rather than on its stripe's monitor. A writer looks at the gate again once it
	 * holds its stripe ({@link #enter}): one that finds it closed lets go at once, and the rebuild
	 * waits for one that found it open to leave ({@link #awaitWritersThenRebuild}). So no writer
	 * writes while a rebuild reads the table, and the rebuild waits on a stripe's monitor only
	 * after {@link #YIELD_AFTER_NANOS} of spinning.
	 * Without the gate, every writer that comes during a rebuild queues on a stripe and is let in
	 * one at a time as each one ahead of it leaves, and a virtual thread's way out of a monitor's
	 * queue goes through the JDK's one unblocker thread: spawning 100,000 processes that each
	 * register sometimes took ten times as long (a profile of the slow runs: the unblocker
	 * thread's wake-ups). The gate lets them all go at once.
	 */
	private volatile @Nullable Rebuild rebuilding;

	/** A writer is allocating the table of a rebuild it is about to start ({@link #rebuild}). */
	private volatile boolean preparing;

	/**
	 * Slots that are not {@code null} (entries, tombstones, reserved, claimed), less those that the
	 * stripes claimed and have not added yet ({@link Stripe#unadded}, and the unlocked inserts'
	 * {@link Stripe#unlocked} since its last multiple of {@link #addEvery}: fewer than that each).
	 */
	private volatile long used;

	EntryTable() {
		this(STRIPES, Copy.CHUNK, false);
	}

	/** A table with {@code stripes} locks (a power of two) and twice as many slots; small for tests. */
	EntryTable(int stripes) {
		this(stripes, Copy.CHUNK, false);
	}

	/**
	 * A small table whose rebuilds hand out chunks of {@code copyChunk} slots: a model checker
	 * then sees helpers copy a table of a few slots in several chunks, side by side.
	 */
	EntryTable(int stripes, int copyChunk) {
		this(stripes, copyChunk, false);
	}

	/**
	 * A small table as above, scrambled from the start when {@code scrambled} ({@link #probesLong}):
	 * a model checker then sees its probes.
	 */
	EntryTable(int stripes, int copyChunk, boolean scrambled) {
		this(stripes, copyChunk, scrambled, MAX_CAPACITY);
	}

	/**
	 * A small table as above that grows to at most {@code maxCapacity} slots: a test then fills
	 * the largest table.
	 */
	EntryTable(int stripes, int copyChunk, boolean scrambled, int maxCapacity) {
		this(stripes, copyChunk, scrambled, maxCapacity, 2 * stripes);
	}

	/**
	 * A table of {@link #STRIPES} stripes whose first table holds {@code expectedKeys} keys before
	 * it grows: the smallest power of two of slots at least twice that, since an insert rebuilds
	 * once half the slots are used (invariant 7).
	 * @param expectedKeys how many keys, 0 (start small) to 2^28
	 * @return the table
	 */
	static <K, V> EntryTable<K, V> forKeys(int expectedKeys) {
		int first = (expectedKeys <= STRIPES) ? 2 * STRIPES : Integer.highestOneBit(2 * expectedKeys - 1) << 1;
		return new EntryTable<>(STRIPES, Copy.CHUNK, false, MAX_CAPACITY, first);
	}

	/** A table as above whose first table has {@code firstCapacity} slots: a test then starts it larger. */
	EntryTable(int stripes, int copyChunk, boolean scrambled, int maxCapacity, int firstCapacity) {
		if (stripes < 1 || Integer.bitCount(stripes) != 1) {
			throw new IllegalArgumentException("stripes must be a power of two: " + stripes);
		}
		if (copyChunk < 1) {
			throw new IllegalArgumentException("a copy's chunk must hold at least one slot: " + copyChunk);
		}
		if (Integer.bitCount(maxCapacity) != 1 || maxCapacity < 2 * stripes || maxCapacity > MAX_CAPACITY) {
			throw new IllegalArgumentException("the largest table must be a power of two of 2 * stripes to 2^29 slots: "
					+ maxCapacity);
		}
		if (Integer.bitCount(firstCapacity) != 1 || firstCapacity < 2 * stripes || firstCapacity > maxCapacity) {
			throw new IllegalArgumentException("the first table must be a power of two of 2 * stripes to the largest's slots: "
					+ firstCapacity);
		}
		this.copyChunk = copyChunk;
		this.maxCapacity = maxCapacity;
		this.slots = new Slots(firstCapacity, scrambled);
		this.stripes = new Stripe[stripes];
		this.addShift = Integer.numberOfTrailingZeros(stripes) + 6;
		for (int i = 0; i < stripes; i++) {
			this.stripes[i] = new Stripe();
		}
	}

	/**
	 * A key's hash: its {@code hashCode}'s low four bits kept, the rest scrambled (Fibonacci
	 * multiply, high half folded down) so that the bits above, which pick a run of 16 slots,
	 * depend on every bit above them. Keys whose hash codes differ only in the low bits
	 * ({@code session-40} to {@code session-49}, the integers 32 to 47) sit in one run, as in a
	 * {@code ConcurrentHashMap}'s bins: a lookup in registration order reads each cache line of
	 * the slot arrays once for up to 16 keys instead of once per key. Scrambling every bit would
	 * scatter them over the table. The price is longer probes where hash codes are dense (see the
	 * class comment). A lookup starts at {@code hash & (slots - 1)} ({@link #home}).
	 */
	static int spread(int hashCode) {
		int h = (hashCode >>> 4) * 0x9E3779B9;
		return ((h ^ (h >>> 16)) << 4) | (hashCode & 0xF);
	}

	/**
	 * The slot a probe for {@code hash} starts at in {@code table}: in runs, its low bits; in a
	 * scrambled table, the top bits of a multiply, which depend on every bit of the
	 * hash ({@link #probesLong}).
	 */
	private static int home(Slots table, int hash, int mask) {
		return table.scrambled ? (hash * 0x85EBCA6B) >>> Integer.numberOfLeadingZeros(mask) : hash & mask;
	}

	// ---- reads

	/**
	 * The entry under {@code key}, or {@code null}: one volatile read of the table, then acquire
	 * reads of the slots from the key's home on; no lock, no allocation (invariant 6).
	 */
	@Nullable Registration<K, V> get(Object key) {
		int hash = spread(key.hashCode());
		return find(this.slots, key, hash);
	}

	/** Probes {@code table} for {@code key}. Overridable only for a test's planted bug. */
	@SuppressWarnings("unchecked")
	@Nullable Registration<K, V> find(Slots table, Object key, int hash) {
		Object[] cells = table.cells;
		int[] hashes = table.hashes;
		int mask = hashes.length - 1;
		for (int i = home(table, hash, mask);; i = (i + 1) & mask) {
			int at = 2 * i;
			Object cell = CELL.getAcquire(cells, at); // cast only once it matches: a cast reads the entry
			if (cell == null) {
				return null;
			}
			if (hashes[i] == hash) {
				// the slot's key, not the entry's: both loads start before either is compared
				Object slotKey = cells[at + 1];
				if ((slotKey == key || key.equals(slotKey)) && isEntry(cell)) {
					Registration<?, ?> entry = (Registration<?, ?>) cell;
					if (entry.key == slotKey || key.equals(entry.key)) {
						return (Registration<K, V>) entry;
					}
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
		return livePid(this.slots, key, spread(hashCode));
	}

	/**
	 * The pid of the live owner of {@code key}'s entry, or {@code null}: {@link #livePid}, then the
	 * entry itself when only it can tell.
	 * @param hashCode the key's {@code hashCode()}, computed by the caller
	 */
	@Nullable Pid uniquePid(Object key, int hashCode) {
		Pid pid = livePid(this.slots, key, spread(hashCode));
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
					// a claimed slot has its insert's pid before its entry (invariant 4): not an answer yet
					if (pid != null && entry != CLAIMED && CELL.getAcquire(cells, at) == entry) {
						return pid; // one entry throughout, whose owner was alive when the pid was read
					}
					if (isEntry(entry)) {
						return ASK_THE_ENTRY;
					}
				}
			}
		}
	}

	/** @return the copy of the rebuild under way, once no stripe has a writer; else {@code null} */
	@Nullable Copy copyUnderWay() {
		Rebuild rebuild = this.rebuilding;
		return (rebuild != null) ? rebuild.copy : null;
	}

	/** @return the slots of the current table; its entries are at most half of them plus a 64th (invariant 7) */
	int capacity() {
		return this.slots.length();
	}

	/** @return the number of entries; exact when no write runs (invariant 8) */
	int size() {
		return (int) entries();
	}

	private long entries() {
		long entries = 0;
		for (Stripe stripe : this.stripes) {
			entries += (int) COUNT.getAcquire(stripe) + (int) UNLOCKED.getVolatile(stripe);
		}
		return entries;
	}

	/**
	 * Visits the entries of the current table, each once (entries never move, invariant 1).
	 * Weakly consistent: an entry present throughout is visited; one added or removed meanwhile
	 * may or may not be. A key that leaves and comes back during the walk is met once, unless a
	 * key of its stripe took its old slot meanwhile (invariant 2).
	 */
	@SuppressWarnings("unchecked")
	void forEach(Consumer<? super Registration<K, V>> action) {
		Object[] cells = this.slots.cells;
		for (int at = 0; at < cells.length; at += 2) {
			Object entry = CELL.getAcquire(cells, at);
			if (entry != null && isEntry(entry)) {
				action.accept((Registration<K, V>) entry);
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
		Stripe stripe = this.stripes[hash & (this.stripes.length - 1)];
		for (;;) {
			Rebuild rebuild = this.rebuilding;
			if (rebuild != null) {
				helpThenAwait(rebuild);
			}
			synchronized (stripe) {
				if (!enter(stripe)) {
					continue;
				}
				try {
					clearPid(this.slots, entry, hash);
					return;
				}
				finally {
					stripe.inside = false; // a field write, which cannot fail as a call can (enter)
				}
			}
		}
	}

	private static void clearPid(Slots slots, Registration<?, ?> entry, int hash) {
		Object[] cells = slots.cells;
		int mask = slots.hashes.length - 1;
		for (int i = home(slots, hash, mask);; i = (i + 1) & mask) {
			Object found = CELL.getAcquire(cells, 2 * i);
			if (found == null) {
				return;
			}
			if (found == entry) {
				PID.setRelease(slots.pids, i, null);
				return;
			}
		}
	}

	/**
	 * Called by a writer that just took {@code stripe}'s monitor: marks the stripe's writer in,
	 * then looks at the gate. A writer that finds it closed marks itself out at once and must let
	 * go of the monitor and wait for the rebuild; one that finds it open may write, and marks
	 * itself out after its last write, and the rebuild waits for that ({@link #awaitWritersThenRebuild}).
	 * <p>Both sides write their word, then read the other's, each a volatile access, so at least
	 * one sees the other's write (as in Dekker's lock). It must stay so: a release write and an
	 * acquire read may pass each other, and the model checker, which explores sequentially
	 * consistent interleavings only, would not see it. The marks are plain field accesses, no
	 * calls: a call can fail for want of stack, and a mark left set would stop every rebuild.
	 * <p>The writer is the stripe's only one while it holds the monitor, so a mark already set is
	 * its own: a function given to {@link #compute} that writes this table again. That would clear
	 * the mark while the outer write still runs, and a rebuild could copy the table without it.
	 * Overridable only for a test's planted bug.
	 * @return whether the writer may write
	 * @throws IllegalStateException when the writer is already in this stripe
	 */
	boolean enter(Stripe stripe) {
		if (stripe.inside) {
			throw new IllegalStateException("a write to a registry's entry table from inside another write of the same stripe");
		}
		stripe.inside = true;
		if (this.rebuilding == null) {
			return true;
		}
		stripe.inside = false;
		return false;
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
	 * throws, or puts nothing under an absent key, the key's entry is unchanged, and a free home it
	 * reserved is a tombstone (invariant 9). It must not write this table ({@link #enter}). A new entry's slot gets its owner's pid (invariant 4): the
	 * caller holds that owner's lock, has seen it alive, and attaches the entry to it before letting go
	 * @return the entry now under the key, or {@code null}
	 */
	@Nullable Registration<K, V> compute(K key, @Nullable Registration<K, V> entry, Remapping<K, V> remapping) {
		return write(key, entry, remapping, true);
	}

	/**
	 * {@link #compute} for a function that never puts an entry under an absent key: it keeps,
	 * replaces or removes the current one. Such a write never takes a slot, so it neither rebuilds
	 * a table that is full nor is refused by the largest one ({@link #refuseWhenFull}): a dead
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
		Stripe stripe = this.stripes[hash & (this.stripes.length - 1)];
		for (;;) {
			Rebuild rebuild = this.rebuilding;
			if (rebuild != null) {
				helpThenAwait(rebuild);
			}
			Slots seen;
			synchronized (stripe) {
				if (!enter(stripe)) {
					continue;
				}
				try {
					Slots slots = this.slots;
					seen = slots;
					Object[] cells = slots.cells;
					int[] hashes = slots.hashes;
					int capacity = hashes.length;
					int mask = capacity - 1;
					int home = home(slots, hash, mask);
					int tombstone;
					int i;
					Object found;
					boolean full;
					boolean reservedHome;
					do {
						tombstone = -1;
						for (i = home;; i = (i + 1) & mask) {
							found = CELL.getAcquire(cells, 2 * i);
							if (found == CLAIMED && i == home) {
								// an unlocked insert holds the key's home: this key's, perhaps (invariant 9)
								found = awaitClaimed(cells, 2 * i);
							}
							if (found == null) {
								break;
							}
							// the slot's hash first: an entry of this key has it there (invariant 3, and only
							// this stripe reuses the slot), so the probe reads no other key's entry, each a
							// cache miss of its own in a large table (benchmark README: 5-15 % of a register)
							int slotHash = hashes[i];
							if (slotHash == hash && matches((Registration<?, ?>) found, key, hash)) {
								break;
							}
							if (found == TOMBSTONE && (tombstone < 0 || i < tombstone) && sameStripe(slotHash, hash)) {
								tombstone = i; // the lowest-indexed one this stripe left, the probe may wrap (invariant 2)
							}
						}
						// an insert into a free home takes it before its function runs, or an unlocked insert of
						// the same key could take it meanwhile and both would put the key in (invariant 9)
						full = inserts && found == null && this.used + stripe.unadded >= capacity >>> 1;
						reservedHome = !full && inserts && found == null && i == home;
					}
					while (reservedHome && !reserveHome(slots, i, stripe));
					Registration<K, V> existing = (Registration<K, V>) found;
					boolean filled = false;
					try {
						if (full) {
							// an insert might take the used slots over half: rebuild first (invariant 7); before
							// the function, which runs once, and whatever the function then decides
							refuseWhenFull(capacity);
						}
						else {
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
								if (reservedHome) {
									fill(slots, i, result);
								}
								else {
									i = claim(slots, (tombstone >= 0) ? tombstone : i, result, stripe);
								}
								filled = true;
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
						if (reservedHome && !filled) {
							// the function put nothing in, or failed: the reserved home becomes this stripe's
							// tombstone, never null again (invariant 1); field writes, which cannot fail
							hashes[i] = hash;
							cells[2 * i] = TOMBSTONE;
						}
					}
				}
				finally {
					stripe.inside = false; // a field write, which cannot fail as a call can (enter)
				}
			}
			rebuild(seen);
		}
	}

	/**
	 * Refuses an insert into the largest table when its entries, not its tombstones, fill half of
	 * it: a rebuild at its size would leave it as full, and an insert past half would leave
	 * probes that end at no {@code null} (invariant 7). Below that, the rebuild that follows drops
	 * the tombstones. Called under a stripe, before the function runs, so nothing changes.
	 * @throws IllegalStateException when the table is at its largest and half of it holds entries
	 */
	private void refuseWhenFull(int capacity) {
		long entries;
		if (capacity == this.maxCapacity && (entries = entries()) >= capacity >>> 1) {
			throw new IllegalStateException("a registry's unique keys are full: " + entries + " keys in " + capacity
					+ " slots, the most one table holds");
		}
	}

	/**
	 * How many {@code null} slots a stripe claims before it adds them to {@link #used}: a 64th of
	 * the slots shared among the stripes, and at least one (with 64 stripes: one at a time up to
	 * 8,191 slots, a 4,096th of the slots from 8,192 on). The other stripes' slots not added yet
	 * make a check of {@code used} short by less than a 64th of the slots, whatever the number of
	 * stripes, so a table is never more than about 52 % used (53 % with unlocked inserts, invariant 7), and a writer touches
	 * the shared count once in that many claims: a {@code LongAdder} there, summed at every insert,
	 * moved its cache line between the processors at every claim, a tenth of a register's time
	 * when 100,000 fresh processes registered at once (fresh virtual threads all take the adder's
	 * first cell).
	 */
	private int addEvery(int capacity) {
		return Math.max(1, capacity >>> this.addShift);
	}

	/** Whether two hashes take the same stripe: a tombstone is taken again only by its own (invariant 2). */
	private boolean sameStripe(int hash, int other) {
		return ((hash ^ other) & (this.stripes.length - 1)) == 0;
	}

	private static boolean matches(Registration<?, ?> entry, Object key, int hash) {
		return entry.hash == hash && isEntry(entry) && (entry.key == key || key.equals(entry.key));
	}

	/** @return whether a slot's cell that is not {@code null} holds an entry rather than a marker */
	private static boolean isEntry(Object cell) {
		return cell != TOMBSTONE && cell != RESERVED && cell != CLAIMED;
	}

	/**
	 * What a function makes of a key's current entry, under the key's stripe lock. It must not
	 * write the table: a rebuild waits for its write to end ({@link #enter}).
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

	/**
	 * Puts a new entry in the first free slot from {@code from} on: a tombstone its stripe left, or
	 * {@code null} (invariant 2). Writers of other stripes may claim the same {@code null}, so each
	 * claim reserves it by compare and set, and a lost one probes on (invariant 7); the winner fills
	 * the slot's hash and key, then publishes the entry. A free slot's pid cell is already clear (invariant 4).
	 * @return the slot it took
	 */
	private int claim(Slots slots, int from, Registration<?, ?> entry, Stripe stripe) {
		Object[] cells = slots.cells;
		int mask = slots.hashes.length - 1;
		for (int i = from;; i = (i + 1) & mask) {
			int at = 2 * i;
			Object slot = CELL.getAcquire(cells, at);
			boolean reserved = false;
			if (slot == TOMBSTONE && sameStripe(slots.hashes[i], entry.hash)) {
				reserved = CELL.compareAndSet(cells, at, TOMBSTONE, RESERVED);
			}
			else if (slot == null) {
				reserved = reserve(slots, i, stripe);
			}
			if (reserved) {
				fill(slots, i, entry);
				return i;
			}
		}
	}

	/**
	 * Reserves {@code null} slot {@code i} by compare and set, and counts it to {@code stripe}'s
	 * claims ({@link #addEvery}), under the stripe's lock.
	 * @return whether this writer reserved it; false when another writer took it first
	 */
	private boolean reserve(Slots slots, int i, Stripe stripe) {
		if (!CELL.compareAndSet(slots.cells, 2 * i, null, RESERVED)) {
			return false;
		}
		if (++stripe.unadded >= addEvery(slots.length())) {
			USED.getAndAdd(this, (long) stripe.unadded);
			stripe.unadded = 0;
		}
		return true;
	}

	/**
	 * {@link #reserve} for a free slot that is the key's home, before the function runs
	 * (invariant 9). Overridable only for a test's planted bug.
	 */
	boolean reserveHome(Slots slots, int i, Stripe stripe) {
		return reserve(slots, i, stripe);
	}

	/** Fills reserved slot {@code i} with the entry's hash and key, then publishes the entry. */
	private static void fill(Slots slots, int i, Registration<?, ?> entry) {
		slots.hashes[i] = entry.hash;
		slots.cells[2 * i + 1] = entry.key;
		CELL.setRelease(slots.cells, 2 * i, entry);
	}

	/**
	 * Puts {@code entry} under its key without taking the key's stripe, when the key's home slot
	 * has never held anything: the key is then absent (invariant 5), and the writer that takes that
	 * {@code null} by compare and set is the key's only writer until it puts the entry there
	 * (invariant 9). What a register pays for its stripe's lock (a monitor's enter and exit, two
	 * marks for the rebuild, on a line the other processors' writers take too) it pays here for
	 * one atomic add to the stripe's count of such inserts. A table whose
	 * used slots are near half of it, or that a rebuild is replacing, is left to {@link #compute}.
	 * @param entry a new entry, not in any table; the caller holds its owner's lock and has seen the
	 * owner alive, and attaches the entry to it before letting go, as for {@link #compute}
	 * @param remapping runs once, with {@code null} and {@code entry}, when the insert goes ahead,
	 * and must return {@code entry}; it must not write this table: unlike {@link #compute}'s, such a
	 * write is not refused, and one of the same home would wait for ever for this insert's claim
	 * @return whether the entry went in, its function run; {@code false} when its function did not
	 * run and the key is still absent (the home slot was taken, or the table is near half used or
	 * being rebuilt; a claim that found the table frozen leaves its slot a tombstone), and the caller
	 * writes with {@link #compute}
	 * @throws IllegalArgumentException when the function returns another entry; the key stays absent
	 */
	boolean insertAtHome(Registration<K, V> entry, Remapping<K, V> remapping) {
		Slots slots = this.slots;
		int capacity = slots.length();
		int limit = unlockedLimit(capacity);
		if (this.used >= limit || this.rebuilding != null) {
			return false;
		}
		int hash = entry.hash;
		int i = home(slots, hash, capacity - 1);
		Object[] cells = slots.cells;
		int at = 2 * i;
		if (cells[at] != null) {
			return false;
		}
		Stripe stripe = this.stripes[hash & (this.stripes.length - 1)];
		boolean counted = false;
		boolean claimed = false;
		boolean published = false;
		try {
			// counted before the claim, and the limit looked at again after: so every claim that goes
			// ahead is in the stripe's count when it reads the used slots, however many threads stalled
			// between their first look and their claim (invariant 7)
			int unlocked = (int) UNLOCKED.getAndAdd(stripe, 1) + 1;
			counted = true;
			int every = addEvery(capacity);
			if (unlocked % every == 0) {
				USED.getAndAdd(this, (long) every);
			}
			if (this.used >= limit || !CELL.compareAndSet(cells, at, null, CLAIMED)) {
				return false;
			}
			claimed = true;
			// after the compare and set, each a volatile access: a rebuild that froze the table before
			// that set may have copied this slot already, and one that freezes it after waits for it
			if (frozen(slots)) {
				return false;
			}
			if (remapping.apply(null, entry) != entry) {
				throw new IllegalArgumentException("an insert into a free slot must put in the entry it was given, of key "
						+ entry.key);
			}
			slots.hashes[i] = hash;
			cells[at + 1] = entry.key;
			// before the entry, which publishes it: readers pass a claimed slot's pid (invariant 4)
			slots.pids[i] = entry.pid;
			CELL.setRelease(cells, at, entry);
			published = true;
			return true;
		}
		finally {
			if (!published) {
				if (claimed) {
					// first the slot: a tombstone, never null again (invariant 1), without the pid, written
					// by field writes, which cannot fail as a call can, and which release whoever waits for
					// the claim; no entry was ever there, so no walk can meet a key twice by it (2)
					slots.pids[i] = null;
					slots.hashes[i] = hash;
					cells[at] = TOMBSTONE;
					USED.getAndAdd(this, 1L); // a used slot of its own, counted before the entry count goes back
				}
				if (counted) {
					UNLOCKED.getAndAdd(stripe, -1);
				}
			}
		}
	}

	/** @return whether a rebuild froze {@code slots}. Overridable only for a test's planted bug. */
	boolean frozen(Slots slots) {
		return slots.frozen;
	}

	/**
	 * How many slots may be used before every insert into a table of {@code capacity} slots takes
	 * its stripe's lock: half of them, less as many as the stripes may count without adding them to
	 * {@link #used} ({@link #addEvery}), so that the unlocked inserts' own claims not added yet keep
	 * the table within invariant 7's bound. From 64 slots a stripe on that is half the table less a
	 * 64th; below, half less one slot a stripe, so none in a table of two slots a stripe.
	 */
	private int unlockedLimit(int capacity) {
		return (capacity >>> 1) - this.stripes.length * addEvery(capacity);
	}

	/**
	 * Waits until the claimed slot at {@code at} holds an entry or a tombstone: its unlocked
	 * insert runs its function and fills it, holding no lock of this table (invariant 9).
	 * Overridable only for a test's planted bug.
	 * @return what the slot holds then
	 */
	Object awaitClaimed(Object[] cells, int at) {
		long start = System.nanoTime();
		Object cell;
		for (int spin = 1; (cell = CELL.getVolatile(cells, at)) == CLAIMED; spin++) {
			if (spunTooLong(spin, start)) {
				Thread.yield(); // its writer, a virtual thread, may need this carrier
				start = System.nanoTime();
			}
		}
		return cell;
	}

	// ---- resizing

	/**
	 * Closes the gate ({@link #rebuilding}) and rebuilds, or helps the rebuild that has it closed.
	 */
	private void rebuild(Slots seen) {
		refuseNestedWrite();
		Rebuild other = this.rebuilding;
		if (other == null) {
			if (this.slots != seen) {
				return; // rebuilt meanwhile, maybe at the same size (a clean-up)
			}
			// one writer at a time allocates the new table and closes the gate (so a plain write
			// closes it), allocating before it closes: zeroing megabytes while every writer waits
			// would be time that no helper can share, and every writer that found the table full
			// allocating one would be megabytes each, all but one thrown away
			if (!PREPARING.compareAndSet(this, false, true)) {
				awaitPreparation(seen);
				return; // the caller looks again: at the gate, or at the new table
			}
			Slots next;
			Rebuild mine;
			try {
				if (this.rebuilding != null || this.slots != seen) {
					return;
				}
				RegistryFaults.beforeRebuildAllocates();
				// the sample is read while writers write: a guess, made before the gate closes
				next = new Slots(rebuiltLength(seen.length(), entries()), seen.scrambled || probesLong(seen));
				mine = new Rebuild();
				this.rebuilding = mine;
			}
			finally {
				this.preparing = false;
			}
			try {
				awaitWritersThenRebuild(seen, mine, next);
			}
			finally {
				// the gate first, a field write that cannot fail; then the wake-ups, calls that can (for
				// want of stack): waiters whose wake-up is lost are woken by the watchman, or leave at
				// their own look if it failed too
				this.rebuilding = null;
				RegistryFaults.beforeWaitersWoken();
				mine.wakeWaiters();
			}
			return;
		}
		helpThenAwait(other); // that one may have grown the table already
	}

	/**
	 * One turn of a rebuild's wait for a writer to leave its stripe or for the helpers to finish
	 * their chunks. Neither blocks there, so the wait is short unless the system took that thread
	 * off its core, and the rebuild spins through it: a virtual thread that yields or blocks is
	 * queued behind every thread that is ready, and spawning 100,000 processes that each register
	 * makes that thousands, each of which comes to the closed gate and waits there. Yields after a
	 * few thousand spins (some 100 µs) held the gate closed up to 29 ms in a 70 ms shot; spinning,
	 * up to 7 ms (benchmark README). Only after {@link #YIELD_AFTER_NANOS} does the caller let go,
	 * for a thread awaited that stopped where it should not and needs this carrier back.
	 * @param spin how many turns so far, from 1
	 * @param start when the wait began ({@code System.nanoTime()})
	 * @return whether the wait has spun {@link #YIELD_AFTER_NANOS} long
	 */
	private static boolean spunTooLong(int spin, long start) {
		Thread.onSpinWait();
		return (spin & 0xff) == 0 && System.nanoTime() - start >= YIELD_AFTER_NANOS;
	}

	/**
	 * Waits while another writer allocates the table of the rebuild it is about to start: until
	 * it closes the gate (or gives up, or the table was rebuilt meanwhile).
	 */
	private void awaitPreparation(Slots seen) {
		RegistryFaults.awaitingPreparation();
		for (int spin = 1; this.preparing && this.rebuilding == null && this.slots == seen; spin++) {
			if ((spin & 0x3f) == 0) {
				Thread.yield(); // the allocating writer's thread may be off its core
			}
			else {
				Thread.onSpinWait();
			}
		}
	}

	/**
	 * A table of fewer than 16 slots a stripe doubles even to drop tombstones: keys that come and
	 * go (a thousand sessions, each registered and unregistered in turn), which take no other
	 * stripe's tombstones, would otherwise have it rebuilt, every writer stopped, every few dozen.
	 * @return the slots of the table that replaces one of {@code capacity} holding {@code entries}
	 */
	private int rebuiltLength(int capacity, long entries) {
		boolean clean = entries < capacity >>> 2 && capacity >= MIN_CLEANED_PER_STRIPE * this.stripes.length;
		return (clean || capacity == this.maxCapacity) ? capacity : capacity << 1;
	}

	/**
	 * Whether the entries of a table in runs sit so far from their homes that its rebuild should
	 * scramble every bit instead: more than {@link #LONG_PROBE} slots on average, in a sample of
	 * {@link #SAMPLED_SLOTS} slots in {@link #SAMPLED_STRETCHES} stretches. Runs keep neighbouring
	 * hash codes side by side, which pays while each code is one key's; where codes are dense and
	 * repeat, as a record of two small {@code int}s ({@code 31 * a + b}) makes them, a run of 16
	 * codes must take ten times as many keys, and its neighbours' keys pile up behind it (a hit
	 * probed about 100 slots, simulated; benchmark README, "Keys whose hash codes repeat"). A scrambled table stays scrambled, as a
	 * table never shrinks. Read without a lock while writers write, so it is an estimate: a slot
	 * being filled is skipped, and an entry's hash is its own or a later entry's (invariant 3).
	 */
	private boolean probesLong(Slots table) {
		int length = table.length();
		if (length <= SAMPLED_SLOTS) {
			return meanDisplacement(table, 1, length) > LONG_PROBE;
		}
		return meanDisplacement(table, SAMPLED_STRETCHES, SAMPLED_SLOTS / SAMPLED_STRETCHES) > LONG_PROBE;
	}

	/** @return how far the current table's entries sit from their homes, on average, in slots */
	double meanDisplacement() {
		Slots table = this.slots;
		return meanDisplacement(table, 1, table.length());
	}

	/**
	 * @return how far the entries in {@code stretches} stretches of {@code stretchLength}
	 * consecutive slots of {@code table}, spread evenly over it, sit from their homes, on average
	 */
	private double meanDisplacement(Slots table, int stretches, int stretchLength) {
		Object[] cells = table.cells;
		int[] hashes = table.hashes;
		int mask = hashes.length - 1;
		int spacing = hashes.length / stretches;
		long distance = 0;
		int entries = 0;
		for (int start = 0; start < hashes.length; start += spacing) {
			for (int i = start; i < start + stretchLength; i++) {
				Object entry = CELL.getAcquire(cells, 2 * i);
				if (entry != null && isEntry(entry)) {
					distance += (i - home(table, hashes[i], mask)) & mask;
					entries++;
				}
			}
		}
		return (entries == 0) ? 0 : (double) distance / entries;
	}

	/** @return whether keys' homes in the current table come from every bit of their hashes */
	boolean scrambled() {
		return this.slots.scrambled;
	}

	/**
	 * Copies chunks of a rebuild's table while any is left, then waits for the rebuild to be
	 * published: a short spin first (what is left is at most a chunk per helper), then parked at
	 * the gate. Parking every writer that came for the whole copy cost spawning 100,000
	 * registering processes about a fifth of its time under JMH: the table grows eleven times on
	 * the way, and the same shots with a table presized never to grow took 240 ms instead of 300
	 * (benchmark README).
	 */
	private void helpThenAwait(Rebuild rebuild) {
		refuseNestedWrite();
		for (int spin = 0; spin < Rebuild.SPINS && this.rebuilding == rebuild; spin++) {
			Copy copy = rebuild.copy;
			if (copy != null) {
				copy.help(this);
			}
			Thread.onSpinWait();
		}
		awaitOpenGate(rebuild);
	}

	/**
	 * Waits at the gate for {@code rebuild} to end, keeping an interrupt for the caller (a
	 * stripe's monitor ignores it too). Parks in the rebuild's list of waiters, which the rebuild
	 * wakes once it has opened the gate ({@link Rebuild#wakeWaiters}).
	 * <p>A wake-up can be lost: the rebuilding thread's stack may run out as it wakes the
	 * waiters, and every one of them holds its owner's lock. So the first writer to park, the
	 * watchman, looks at the gate after {@link #GATE_LOOK_MILLIS}, then less and less often, and
	 * wakes the others itself when it finds the gate open and the rebuild's wake-up neither done
	 * nor moving on; the others look only after {@link #lateLookMillis}, in case the watchman's
	 * wake-up is lost too (or the watchman fails as it waits: the role is not handed on, so the
	 * others then wait for their own looks, seconds at most). A look costs a wake-up and nothing
	 * more: a timed wait on a latch, as this was before, takes its waiter out of the latch's queue
	 * at each timeout, a walk of the whole queue, and with some 80,000 registering processes
	 * parked at a rebuild slowed by a profiler those walks took every carrier and the rebuild
	 * never finished (benchmark README).
	 */
	private void awaitOpenGate(Rebuild rebuild) {
		if (this.rebuilding != rebuild) {
			return; // open already: no list to join (thousands of helpers end their spin here)
		}
		Waiter waiter = new Waiter(Thread.currentThread());
		Waiter first;
		do {
			first = rebuild.waiters;
			waiter.next = first;
		}
		while (!Rebuild.WAITERS.compareAndSet(rebuild, first, waiter));
		// in the list, then a look at the gate; the rebuild opens the gate, then reads the list:
		// both volatile, so it wakes this writer or this writer sees the gate open
		boolean watchman = (first == null);
		long look = watchman ? GATE_LOOK_MILLIS : this.lateLookMillis;
		long maxLook = watchman ? MAX_GATE_LOOK_MILLIS : Math.max(this.lateLookMillis, MAX_LATE_LOOK_MILLIS);
		boolean interrupted = false;
		try {
			while (this.rebuilding == rebuild) {
				interrupted |= park(look);
				look = Math.min(2 * look, maxLook);
			}
			if (watchman) {
				// a watchman that finds the wake-up not done looked on its own while the rebuild may
				// still be waking the others (the watchman, first in, is woken last): it waits while
				// the wake-up moves on, and wakes them all itself once it stands still
				for (int seen = -1; !rebuild.woken && rebuild.wakeProgress != seen;) {
					seen = rebuild.wakeProgress;
					interrupted |= park(GATE_LOOK_MILLIS);
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt(); // kept, whatever fails after it was cleared
			}
		}
		if (watchman && !rebuild.woken) {
			rebuild.wakeWaiters(); // the rebuild's wake-up was lost: an unpark more is harmless
		}
	}

	/** @return whether the thread was interrupted meanwhile (its interrupt cleared, for the caller to keep) */
	private boolean park(long millis) {
		LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(millis));
		RegistryFaults.afterGatePark();
		return Thread.interrupted();
	}

	/**
	 * Refuses a write made from inside another write of this table, in any stripe, before it
	 * rebuilds the table or waits for a rebuild: the rebuild waits for the outer writer to leave
	 * its stripe, which it cannot while the inner one waits. A write of the same stripe is refused
	 * at once ({@link #enter}); one of another stripe only here, on these slow paths, so that a
	 * write that neither rebuilds nor waits pays nothing for it.
	 * @throws IllegalStateException when the calling thread holds one of the stripes
	 */
	private void refuseNestedWrite() {
		if (heldByCurrentThread()) {
			throw new IllegalStateException("a write to a registry's entry table from inside another write");
		}
	}

	/** @return whether the calling thread holds one of the stripes: it is inside a write of this table */
	boolean heldByCurrentThread() {
		for (Stripe stripe : this.stripes) {
			if (Thread.holdsLock(stripe)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Spins until {@code stripe} has no writer inside; after {@link #YIELD_AFTER_NANOS}, takes its
	 * monitor instead, as the rebuild did before, and returns once the writer has left. Blocking
	 * on the monitor lets go of a virtual thread's carrier (since Java 24), which a writer that
	 * blocked inside may need back.
	 */
	private static void awaitWriterOut(Stripe stripe) {
		long start = System.nanoTime();
		for (int spin = 1; stripe.inside; spin++) {
			if (spunTooLong(spin, start)) {
				synchronized (stripe) {
					// the writer has left: whoever holds the monitor next sees the closed gate
					return;
				}
			}
		}
	}

	/**
	 * Rebuilds with the gate closed: waits until no writer is in any stripe, then copies and
	 * publishes. The rebuild takes no stripe's monitor while writers keep coming. A virtual thread
	 * that blocks on a monitor lets go of its carrier (since Java 24) and comes back through the
	 * JDK's unblocker thread and the scheduler's queue, behind every thread that is ready meanwhile: taking the 64
	 * monitors in turn, while writers kept taking them too, held the gate closed for up to 48 ms
	 * in a shot that spawned 100,000 registering processes (the median shot: 64 ms), and thousands
	 * of them waited at it (benchmark README). A writer stays in a stripe for a few probes and
	 * hardly ever blocks there, so a spin waits it out ({@link #awaitWriterOut}).
	 */
	private void awaitWritersThenRebuild(Slots current, Rebuild rebuild, Slots next) {
		for (Stripe stripe : this.stripes) {
			awaitWriterOut(stripe);
		}
		// the table is still the one the rebuild saw before it closed the gate: only the gate's holder publishes
		long entries = entries();
		int length = rebuiltLength(current.length(), entries);
		// no writer is in a stripe from here to the publication: no slot of the current table is being
		// reserved (the copy drops one left reserved), and only an unlocked insert that claimed a slot
		// before the freeze below writes one, which the copy waits for (invariant 9); so writers waiting
		// at the gate may copy it too
		boolean scrambled = current.scrambled || next.scrambled;
		Slots to = (next.length() == length && next.scrambled == scrambled) ? next : new Slots(length, scrambled);
		// before any slot is copied: an unlocked insert that claims a slot from here on gives it up (invariant 9)
		current.frozen = true;
		Copy copy = new Copy(current, to, this.copyChunk);
		rebuild.copy = copy;
		copy.help(this);
		Slots copied = copy.awaitCopied() ? copy.to : copyAlone(current, length, scrambled);
		RegistryFaults.beforeRebuildPublished();
		// counted after the freeze: an unlocked insert that went ahead counted itself before it read
		// the mark, so its entry, copied, is in this count too (invariant 9)
		long copiedEntries = entries();
		this.slots = copied;
		// after the publication: a rebuild that failed before it leaves the old table's count as it was
		for (Stripe stripe : this.stripes) {
			stripe.unadded = 0;
		}
		this.used = copiedEntries;
	}

	/**
	 * The whole copy on this thread, into a table of its own: when a helper failed between taking
	 * a chunk and counting it (a stack overflow in a writer that came to help), the shared copy
	 * lacks part of it, and helpers still copying write only to that one, which is dropped.
	 */
	private Slots copyAlone(Slots current, int length, boolean scrambled) {
		Copy alone = new Copy(current, new Slots(length, scrambled), this.copyChunk);
		alone.help(this);
		return alone.to;
	}

	/**
	 * Puts an entry, with its key, hash and pid cell, in the first free slot from its home in a
	 * table no reader sees yet, which other helpers of the same rebuild fill at the same time:
	 * the entry's cell is taken by compare and set, and the rest is written after it, seen by
	 * readers through the publication that follows every helper's last write
	 * ({@link Copy#awaitCopied}). Overridable only for a test's planted bug.
	 */
	void place(Slots next, Object entry, @Nullable Object key, int hash, @Nullable Pid pid) {
		Object[] cells = next.cells;
		int mask = next.hashes.length - 1;
		int i = home(next, hash, mask);
		while (cells[2 * i] != null || !CELL.compareAndSet(cells, 2 * i, null, entry)) {
			i = (i + 1) & mask;
		}
		next.hashes[i] = hash;
		next.pids[i] = pid;
		cells[2 * i + 1] = key;
	}

	/**
	 * A rebuild under way: the writers parked at its gate, woken once the new table is published
	 * (or the rebuild failed), and the copy, set once no stripe has a writer.
	 */
	static final class Rebuild {

		/** How many times a helper looks for the publication before it parks at the gate. */
		static final int SPINS = 1 << 7;

		/** Writers woken between two counts of the wake-up's progress. */
		static final int PROGRESS_EVERY = 1 << 8;

		static final VarHandle WAITERS;

		static {
			try {
				WAITERS = MethodHandles.lookup().findVarHandle(Rebuild.class, "waiters", Waiter.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		/** The writers parked at the gate, the latest first; pushed by compare-and-set, never popped. */
		volatile @Nullable Waiter waiters;

		/**
		 * Whether the wake-up of the writers parked at the gate is done: set just before the last
		 * in the list, the watchman, is woken, so that it finds the wake-up done.
		 */
		volatile boolean woken;

		/** How many writers the wake-up has woken so far, counted every {@link #PROGRESS_EVERY}. */
		volatile int wakeProgress;

		volatile @Nullable Copy copy;

		/** Wakes every writer parked at the gate; called once it is open. */
		void wakeWaiters() {
			int woke = 0;
			for (Waiter waiter = this.waiters; waiter != null; waiter = waiter.next) {
				if (waiter.next == null) {
					this.woken = true;
				}
				LockSupport.unpark(waiter.thread);
				if ((++woke & (PROGRESS_EVERY - 1)) == 0) {
					this.wakeProgress = woke;
				}
			}
		}

	}

	/** A writer parked at a rebuild's gate, and the one that parked before it. */
	static final class Waiter {

		final Thread thread;

		@Nullable Waiter next;

		Waiter(Thread thread) {
			this.thread = thread;
		}

	}

	/**
	 * A table being copied into a new one, in chunks that the rebuild and any writer waiting at
	 * the gate take in turn: a writer that would otherwise park for the whole copy shortens it.
	 * The old table is frozen (no writer passes the closed gate, and an unlocked insert that claimed a
	 * slot before the freeze fills it while the copy waits: invariant 9); each chunk is copied by one helper.
	 */
	static final class Copy {

		/** Slots a helper copies at a time, unless a test's table says otherwise. */
		static final int CHUNK = 1 << 9;

		final Slots from;

		final Slots to;

		private final int chunkSize;

		private final int chunks;

		/** The next chunk to hand out; past {@link #chunks} once all are taken. */
		private final AtomicInteger claimed = new AtomicInteger();

		/** Chunks whose every entry is in {@link #to}. */
		private final AtomicInteger copied = new AtomicInteger();

		/** A helper failed between taking a chunk and counting it: {@link #to} will never be whole. */
		private volatile boolean failed;

		Copy(Slots from, Slots to, int chunkSize) {
			this.from = from;
			this.to = to;
			this.chunkSize = chunkSize;
			this.chunks = (from.length() + chunkSize - 1) / chunkSize;
		}

		/**
		 * Copies chunks until none is left to take, or the copy failed. From taking a chunk to
		 * counting it, anything that throws (a call past the end of the helper's stack, wherever it
		 * falls) marks the copy failed: a chunk taken and never counted would leave the rebuild
		 * waiting for it for ever, with the gate closed.
		 */
		void help(EntryTable<?, ?> table) {
			Object[] cells = this.from.cells;
			int[] hashes = this.from.hashes;
			Pid[] pids = this.from.pids;
			while (!this.failed && this.claimed.get() < this.chunks) {
				boolean done = false;
				try {
					int chunk = this.claimed.getAndIncrement();
					if (chunk >= this.chunks) {
						done = true;
						return;
					}
					RegistryFaults.afterChunkClaimed();
					int end = Math.min((chunk + 1) * this.chunkSize, hashes.length);
					for (int i = chunk * this.chunkSize; i < end; i++) {
						// the hash and key come from the slot (invariant 3), so the copy reads the arrays in
						// order and never an entry; a volatile read, after the table was frozen (invariant 9)
						Object entry = CELL.getVolatile(cells, 2 * i);
						if (entry == CLAIMED) {
							entry = table.awaitClaimed(cells, 2 * i);
						}
						// a slot still reserved lost its writer (a call in its write that failed for want of
						// stack): no entry will come, and the copy drops it
						if (entry != null && isEntry(entry)) {
							table.place(this.to, entry, cells[2 * i + 1], hashes[i], pids[i]);
						}
					}
					RegistryFaults.afterChunkCopied();
					this.copied.incrementAndGet();
					done = true;
				}
				finally {
					if (!done) {
						// the chunk may be taken and half copied: the rebuild will not use this copy
						this.failed = true;
					}
				}
			}
		}

		/**
		 * Waits until every chunk is copied, after this thread took its last: the others are
		 * copying theirs, at most a chunk each, without blocking.
		 * @return whether {@link #to} holds every entry; false when a helper failed
		 */
		boolean awaitCopied() {
			long start = System.nanoTime();
			for (int spin = 1; this.copied.get() < this.chunks; spin++) {
				if (this.failed) {
					return false;
				}
				if (spunTooLong(spin, start)) {
					Thread.yield(); // a helper that is a virtual thread stopped in its chunk
					start = System.nanoTime();
				}
			}
			return true;
		}

		/** @return how many chunks the copy has */
		int chunks() {
			return this.chunks;
		}

		/** @return how many chunks are copied so far */
		int copiedChunks() {
			return this.copied.get();
		}

	}

	/**
	 * A write lock, and what its writers count, in fields written under it (but {@link #unlocked},
	 * which unlocked inserts add to atomically): the lock's own cache
	 * line, which the writer holds anyway, rather than a shared counter's. A rebuild, which holds
	 * no stripe, resets {@link #unadded} while no writer is inside: after it saw every stripe's
	 * {@link #inside} false, before it opens the gate.
	 */
	static final class Stripe {

		/**
		 * The monitor's holder has marked itself in, before it looks at the gate, and stays marked
		 * until its last write, or until it finds the gate closed and leaves ({@link #enter}):
		 * written by the holder only, read by a rebuild, which waits for it to be false.
		 */
		volatile boolean inside;

		/**
		 * Entries whose key takes this stripe that locked writes put in, less every removal of one
		 * (an unlocked insert's entry too, so it may go below zero): with {@link #unlocked}, the
		 * stripe's entries (invariant 8); read without the lock by {@link #size}.
		 */
		int count;

		/** {@code null} slots this stripe's writers claimed and have not added to {@link #used} yet. */
		int unadded;

		/**
		 * Entries of this stripe's keys put in without its lock ({@link #insertAtHome}), less those
		 * of them whose insert gave up: changed by atomic adds of writers that do not hold the
		 * lock, never reset. Every {@link #addEvery}-th adds that many slots to {@link #used}.
		 */
		volatile int unlocked;

	}

	/**
	 * One table: slot {@code i} is {@code cells[2i]} (its entry) and {@code cells[2i + 1]} (the
	 * entry's key, invariant 3), side by side, with {@code hashes[i]} and {@code pids[i]} (its live
	 * owner's pid, invariant 4). The pids have an array of their own, typed, so that a pid read
	 * from it is a {@code Pid} without a cast: a cast would read the pid's class, a cache miss of
	 * its own in a large table. Published whole, through {@link EntryTable#slots}.
	 */
	static final class Slots {

		final @Nullable Object[] cells;

		final int[] hashes;

		final @Nullable Pid[] pids;

		/** Whether a key's home comes from every bit of its hash rather than from its run ({@link EntryTable#probesLong}). */
		final boolean scrambled;

		/**
		 * A rebuild is copying this table: set before the copy reads a slot, so an unlocked insert
		 * that claimed a slot and then finds it set gives the slot up (invariant 9). A rebuild that
		 * fails before it publishes leaves it set on a table that stays current, where no unlocked
		 * insert goes ahead anyway: a rebuild starts only once the used slots reach
		 * {@link EntryTable#unlockedLimit}, and they fall only when a rebuild publishes.
		 */
		volatile boolean frozen;

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
