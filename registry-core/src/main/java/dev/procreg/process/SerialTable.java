package dev.procreg.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A concurrent set of elements found by a {@code long} serial: the runtime's process table.
 * Adding a process allocates nothing (no node per element, unlike a {@code ConcurrentHashMap}),
 * growing reads no element (the serials sit in an array of their own), and a pid read back from
 * text is found in O(1).
 *
 * <h2>Structure</h2>
 * Open addressing with linear probing over two arrays of slots: the serials ({@code keys}) and
 * the elements. A slot's key is {@link #EMPTY}, {@link #TOMBSTONE} (a removed element's slot,
 * which an add may take again but never becomes empty, so that probe sequences stay unbroken) or
 * the serial of the element that claimed it. At most half the slots are ever taken from empty, so
 * a probe always ends. Reads and writes are lock-free: an add claims a free slot with one
 * compare-and-set of its key, then writes its element there; a removal takes the element out
 * with one compare-and-set, then marks the key a tombstone. A slot is claimed by one serial at a
 * time and its element written only by that serial's adder, and no serial is ever placed twice in
 * one array (an add places its element once per array, a copy into a fresh one), so a key read
 * twice with the same value around a read of the element vouches for that element. A table that
 * runs out of empty slots is replaced by a new one sized for its live elements ({@link #resize},
 * one thread at a time under a lock); the copy reads the keys, in order, and no element's serial:
 * at 100,000 processes an element read is a cache miss each.
 *
 * <h2>Growing while others write</h2>
 * The resizer first <em>freezes</em> the old slots (a volatile flag), then copies the elements
 * it finds, then publishes the copy. A writer that finds the slots it wrote to frozen after its
 * write cannot know whether the copy saw that write, so it waits for the copy and makes sure of
 * its outcome there too (the element present, or absent); a writer that finds them not frozen
 * after its write knows that any later copy sees it (write, then read of the flag; freeze, then
 * reads of the slots: both sequentially consistent). A slot claimed whose element is not written
 * yet, or whose element is being taken out, is not copied: its writer is still to read the flag.
 *
 * <h2>Removal, exactly once</h2>
 * An element's own membership word says whether it was removed ({@link #IN}, then {@link #OUT}):
 * a removal moves it to {@code OUT} by compare-and-set and then takes the element out of the
 * slots; an add places the element and then reads the word. Each side writes, then reads what the
 * other writes, all volatile (as in Dekker's lock): so when a removal overtakes an add (a runtime
 * closing finds a process as it is being spawned, or a resize hands the element on while it is
 * removed), either the removal finds the element placed, or the add sees {@code OUT} and takes the
 * element out itself. A removal that loses the race to another takes the element out too before it
 * returns. So an element removed once never stays, and once any removal of an element has
 * returned, no find returns it. The add writes no count: a shared counter, even a
 * {@code LongAdder}, is a locked instruction more on every spawn, and {@link #size()} counts the
 * slots instead (benchmark README).
 *
 * <p>An element is added at most once, and by one thread; it may be removed any number of times,
 * from any thread, before or after its add. Serials are positive.
 *
 * @param <E> the elements
 */
abstract class SerialTable<E> {

	/** Not removed: in the table once its add has placed it. */
	static final int IN = 0;

	/** Removed (maybe before its add finished): out of the table once the removal returns. */
	static final int OUT = 1;

	/** A key never claimed: a probe ends here. */
	private static final long EMPTY = 0;

	/** A key whose element was removed: a probe goes on, an add may claim it again. */
	private static final long TOMBSTONE = -1;

	private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);

	private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(Object[].class);

	private static final VarHandle USED;

	static {
		try {
			USED = MethodHandles.lookup().findVarHandle(Slots.class, "used", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static final int MIN_CAPACITY = 16;

	/** Serials in a row that share a run of slots ({@link Slots#home}): a cache line of keys. */
	private static final int RUN_BITS = 3;

	private static final int RUN = 1 << RUN_BITS;

	/** The smallest table: a resize that cleans up tombstones does not shrink below it. */
	private final int minCapacity;

	private volatile Slots current;

	private final ReentrantLock resizing = new ReentrantLock();

	SerialTable() {
		this(MIN_CAPACITY);
	}

	/** @param capacity the first table's slots, a power of two (a test starts small to grow often) */
	SerialTable(int capacity) {
		if (capacity < 2 || Integer.bitCount(capacity) != 1) {
			throw new IllegalArgumentException("capacity must be a power of two of at least 2: " + capacity);
		}
		this.minCapacity = capacity;
		this.current = new Slots(capacity);
	}

	/** @return the element's serial, fixed for its life, positive */
	abstract long serial(E element);

	/** @return the element's membership word ({@link #IN} until a removal), read with volatile semantics */
	abstract int membership(E element);

	/** Sets the element's membership word with one compare-and-set (volatile semantics). */
	abstract boolean moveMembership(E element, int from, int to);

	// ---- reads

	/**
	 * @param serial a serial
	 * @return the element with that serial, or {@code null}; an element being removed may still
	 * be found, one being added may not be yet, or may be found in slots a resize froze and then
	 * missed in their copy until its add makes sure of it there (no one looks for a process whose
	 * spawn has not returned its pid)
	 */
	final @Nullable E find(long serial) {
		if (serial <= 0) {
			return null;
		}
		Slots slots = this.current;
		int i = slots.indexOfKey(serial);
		if (i < 0) {
			return null;
		}
		@SuppressWarnings("unchecked")
		E element = (E) ELEMENTS.getAcquire(slots.elements, i);
		// the slot may have changed hands since its key was read: the element says whose it is
		return (element != null && serial(element) == serial) ? element : null;
	}

	/**
	 * Visits the elements, weakly consistent as a {@code ConcurrentHashMap}'s iteration is: every
	 * element added before the call and not removed before it ends is visited once. Volatile
	 * reads, not acquire: a closing runtime marks itself closed and then walks the table, the
	 * other half of a spawn's add and then read of the mark (the same loads on x86).
	 * @param action what to do with each
	 */
	final void forEach(Consumer<? super E> action) {
		Object[] elements = this.current.elements;
		for (int i = 0; i < elements.length; i++) {
			@SuppressWarnings("unchecked")
			E element = (E) ELEMENTS.getVolatile(elements, i);
			if (element != null) {
				action.accept(element);
			}
		}
	}

	/**
	 * @return the elements added and not removed; exact while no add or removal is under way.
	 * O(slots): it reads the newest slots' elements (their references, not the elements), about a
	 * millisecond for a table of a million slots
	 */
	final int size() {
		Object[] elements = this.current.elements;
		int size = 0;
		for (int i = 0; i < elements.length; i++) {
			if (ELEMENTS.getAcquire(elements, i) != null) {
				size++;
			}
		}
		return size;
	}

	// ---- writes

	/**
	 * Adds an element: it must not have been added before. When a removal overtook the add, the
	 * element is not left in the table.
	 * @param element the element
	 * @return whether it is in the table; {@code false} when it was removed meanwhile
	 */
	final boolean add(E element) {
		place(element);
		// after the placing's last volatile access: a removal that wrote OUT before this read
		// may have looked for the element before it was placed, or in slots it was copied from
		if (membership(element) == IN || !looksForARemovalAfterPlacing()) {
			return true;
		}
		clear(element);
		return false;
	}

	/**
	 * Whether an add reads its element's membership after placing it, to take out an element that
	 * a removal overtook: always; a test overrides it to plant the bug its linearizability suite
	 * must catch.
	 */
	boolean looksForARemovalAfterPlacing() {
		return true;
	}

	/**
	 * Removes an element, whether its add has finished, is under way or has not begun.
	 * @param element the element
	 * @return whether this call removed it; {@code false} when another removal did
	 */
	final boolean remove(E element) {
		if (moveMembership(element, IN, OUT)) {
			clear(element);
			return true;
		}
		// another removal won, and may not have taken the element out yet
		finishRemoval(element);
		return false;
	}

	/**
	 * Makes sure an element that another removal took is out of the slots before this one
	 * returns, so that no find after any removal of an element finds it: always; a test overrides
	 * it to plant the bug its linearizability suite must catch.
	 */
	void finishRemoval(E element) {
		clear(element);
	}

	/** Makes sure the element is in the newest slots. */
	private void place(E element) {
		long serial = serial(element);
		Slots slots = this.current;
		boolean maybeThere = false;
		for (;;) {
			if (!(maybeThere && slots.indexOf(element, serial) >= 0)) {
				if (!slots.tryPlace(element, serial)) {
					slots = resize(slots);
					continue;
				}
			}
			if (!slots.frozen || !makesSureAfterFreeze()) {
				return;
			}
			// a resize froze these slots: it may or may not have copied the element
			slots = awaitCopy(slots);
			maybeThere = true;
		}
	}

	/**
	 * Whether an add that finds its slots frozen after its write makes sure of the element in the
	 * copy: always; a test overrides it to plant the bug its linearizability suite must catch.
	 */
	boolean makesSureAfterFreeze() {
		return true;
	}

	/**
	 * Whether a copy reads a slot's key again after its element, to see that the slot did not
	 * change hands in between: always; a test overrides it to plant the bug its linearizability
	 * suite must catch.
	 */
	boolean copyChecksKeyAgain() {
		return true;
	}

	/** Makes sure the element is not in the newest slots. */
	private void clear(E element) {
		long serial = serial(element);
		Slots slots = this.current;
		for (;;) {
			int i = slots.indexOf(element, serial);
			if (i >= 0 && ELEMENTS.compareAndSet(slots.elements, i, element, null)) {
				// the winner alone frees the key: no one else claims a slot holding a serial
				KEYS.setVolatile(slots.keys, i, TOMBSTONE);
			}
			if (!slots.frozen) {
				return;
			}
			slots = awaitCopy(slots);
		}
	}

	/**
	 * Replaces full slots by a copy sized for their live elements (a growth, or a clean-up of
	 * tombstones), unless another thread did already.
	 * @return the newest slots
	 */
	private Slots resize(Slots full) {
		this.resizing.lock();
		try {
			Slots now = this.current;
			if (now != full) {
				return now;
			}
			full.frozen = true;
			long[] keys = full.keys;
			int live = 0;
			for (int i = 0; i < keys.length; i++) {
				if ((long) KEYS.getVolatile(keys, i) > 0) {
					live++;
				}
			}
			// at most a quarter full after the copy, so that it takes many adds to fill again
			int capacity = Math.max(this.minCapacity, Integer.highestOneBit(Math.max(1, live) * 4 - 1) << 1);
			Slots copy;
			do {
				copy = new Slots(capacity);
				capacity <<= 1;
			}
			while (!copy.copyFrom(full, copyChecksKeyAgain()));
			full.next = copy;
			this.current = copy;
			return copy;
		}
		finally {
			if (full.frozen && full.next == null) {
				full.frozen = false; // the copy failed (out of memory): the old slots stay in use
			}
			this.resizing.unlock();
		}
	}

	/** Waits for the resize that froze {@code frozen} to publish its copy. */
	private Slots awaitCopy(Slots frozen) {
		this.resizing.lock();
		this.resizing.unlock();
		Slots copy = frozen.next;
		return (copy != null) ? copy : this.current;
	}

	/** The arrays of slots, with how many were ever taken from empty. */
	private static final class Slots {

		final long[] keys;

		final Object[] elements;

		/** Taken from empty: at most half the slots, so that every probe meets an empty one. */
		@SuppressWarnings("unused") // through USED
		volatile int used;

		/** Set once a resize is copying these slots; writes after that are made sure of again. */
		volatile boolean frozen;

		volatile @Nullable Slots next;

		private final int shift;

		Slots(int capacity) {
			this.keys = new long[capacity];
			this.elements = new Object[capacity];
			this.shift = 64 - Integer.numberOfTrailingZeros(capacity);
		}

		/**
		 * Serials in a row share a run: eight serials that differ only in their low three bits
		 * take neighbouring slots (one cache line of keys), and the runs land at random (Fibonacci
		 * hashing of the rest), so that serials handed out in order cost an add one cache miss
		 * per eight rather than one each, and a block of long-lived processes does not make one
		 * long cluster.
		 */
		int home(long serial) {
			int run = (int) (((serial >>> RUN_BITS) * 0x9E3779B97F4A7C15L) >>> this.shift);
			return ((run & -RUN) | ((int) serial & (RUN - 1))) & (this.keys.length - 1);
		}

		/**
		 * Claims a free slot for the serial, then writes the element there (a volatile write: the
		 * caller reads {@link #frozen} next, and a copy must see the one or be seen by the other).
		 * @return whether the element was placed; false when the slots are too full
		 */
		boolean tryPlace(Object element, long serial) {
			long[] keys = this.keys;
			int mask = keys.length - 1;
			for (int i = home(serial), probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
				long key = (long) KEYS.getAcquire(keys, i);
				if (key == TOMBSTONE) {
					if (KEYS.compareAndSet(keys, i, TOMBSTONE, serial)) {
						ELEMENTS.setVolatile(this.elements, i, element);
						return true;
					}
				}
				else if (key == EMPTY) {
					if ((int) USED.getAndAdd(this, 1) >= (keys.length >> 1)) {
						USED.getAndAdd(this, -1);
						return false;
					}
					if (KEYS.compareAndSet(keys, i, EMPTY, serial)) {
						ELEMENTS.setVolatile(this.elements, i, element);
						return true;
					}
					USED.getAndAdd(this, -1);
				}
			}
			return false;
		}

		/**
		 * @return the slot claimed by the serial, or -1. Volatile reads, not acquire: a removal
		 * looks for its element after it wrote the membership word, the other half of the add's
		 * write then read (the same loads on x86)
		 */
		int indexOfKey(long serial) {
			long[] keys = this.keys;
			int mask = keys.length - 1;
			for (int i = home(serial), probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
				long key = (long) KEYS.getVolatile(keys, i);
				if (key == serial) {
					return i;
				}
				if (key == EMPTY) {
					return -1;
				}
			}
			return -1;
		}

		/** @return the element's slot, or -1 (also while its add has claimed the slot, not written it) */
		int indexOf(Object element, long serial) {
			int i = indexOfKey(serial);
			return (i >= 0 && ELEMENTS.getVolatile(this.elements, i) == element) ? i : -1;
		}

		/**
		 * Copies the live elements of frozen slots into these, which no one else sees yet: by
		 * their keys, without reading an element's serial.
		 * @return false when they do not fit under half (elements added during the copy)
		 */
		boolean copyFrom(Slots from, boolean checkKeyAgain) {
			long[] fromKeys = from.keys;
			Object[] fromElements = from.elements;
			long[] keys = this.keys;
			Object[] elements = this.elements;
			int mask = keys.length - 1;
			int taken = 0;
			for (int j = 0; j < fromKeys.length; j++) {
				long key = (long) KEYS.getVolatile(fromKeys, j);
				if (key <= 0) {
					continue;
				}
				Object element = ELEMENTS.getVolatile(fromElements, j);
				if (element == null || (checkKeyAgain && (long) KEYS.getVolatile(fromKeys, j) != key)) {
					// being placed or taken out: its writer reads the freeze next and makes sure
					continue;
				}
				if (++taken > (keys.length >> 1)) {
					return false;
				}
				int i = home(key);
				while (keys[i] != EMPTY) {
					i = (i + 1) & mask;
				}
				keys[i] = key;
				elements[i] = element;
			}
			this.used = taken;
			return true;
		}

	}

}
