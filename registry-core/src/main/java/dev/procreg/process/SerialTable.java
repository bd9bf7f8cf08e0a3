package dev.procreg.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A concurrent set of elements found by a {@code long} serial, whose slots hold the elements
 * themselves: the runtime's process table. Adding a process allocates nothing (no node per
 * element, unlike a {@code ConcurrentHashMap}), growing copies one reference per element, and a
 * pid read back from text is found in O(1).
 *
 * <h2>Structure</h2>
 * Open addressing with linear probing over an array of slots. A slot is empty ({@code null}),
 * holds an element, or holds {@link #REMOVED} (a tombstone: a removed element's slot, which an
 * add may take again but never becomes empty, so that probe sequences stay unbroken). At most
 * half the slots are ever taken from empty, so a probe always ends. Reads and writes are
 * lock-free: an add takes a free slot with one compare-and-set, a removal swaps the element for
 * the tombstone with one compare-and-set. A table that runs out of empty slots is replaced by a
 * new one sized for its live elements ({@link #resize}, one thread at a time under a lock).
 *
 * <h2>Growing while others write</h2>
 * The resizer first <em>freezes</em> the old slots (a volatile flag), then copies the elements
 * it finds, then publishes the copy. A writer that finds the slots it wrote to frozen after its
 * write cannot know whether the copy saw that write, so it waits for the copy and makes sure of
 * its outcome there too (the element present, or absent); a writer that finds them not frozen
 * after its write knows that any later copy sees it (write, then read of the flag; freeze, then
 * reads of the slots: both sequentially consistent).
 *
 * <h2>Membership, exactly once</h2>
 * An element's own membership word ({@link #NEW}, {@link #IN}, {@link #OUT}) says whether it
 * counts: an add places the element and then moves it from {@code NEW} to {@code IN}; a removal
 * moves it to {@code OUT} and then takes it out of the slots. When a removal overtakes an add that
 * has placed but not yet counted the element (a runtime closing finds a process as it is being
 * spawned), the add sees {@code OUT} and takes the element out itself. A removal that loses the
 * race to another takes the element out too before it returns. So {@link #size()} is exact
 * whenever no add or removal is under way, an element removed once never stays, and once any
 * removal of an element has returned, no find returns it.
 *
 * <p>An element is added at most once, and by one thread; it may be removed any number of times,
 * from any thread, before or after its add.
 *
 * @param <E> the elements
 */
abstract class SerialTable<E> {

	/** Not yet added, or being added. */
	static final int NEW = 0;

	/** Added and counted. */
	static final int IN = 1;

	/** Removed (or removed before its add finished): never counted again. */
	static final int OUT = 2;

	private static final Object REMOVED = new Object() {

		@Override
		public String toString() {
			return "REMOVED";
		}

	};

	private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);

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

	/** The smallest table: a resize that cleans up tombstones does not shrink below it. */
	private final int minCapacity;

	private volatile Slots current;

	private final ReentrantLock resizing = new ReentrantLock();

	private final LongAdder size = new LongAdder();

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

	/** @return the element's serial, fixed for its life */
	abstract long serial(E element);

	/** @return the element's membership word, read with volatile semantics */
	abstract int membership(E element);

	/** Sets the element's membership word with one compare-and-set (volatile semantics). */
	abstract boolean moveMembership(E element, int from, int to);

	// ---- reads

	/**
	 * @param serial a serial
	 * @return the element with that serial, or {@code null}; an element being removed may still
	 * be found, one being added may not be yet
	 */
	final @Nullable E find(long serial) {
		Slots slots = this.current;
		Object[] array = slots.array;
		int mask = array.length - 1;
		for (int i = slots.home(serial), probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
			Object slot = SLOTS.getAcquire(array, i);
			if (slot == null) {
				return null;
			}
			if (slot != REMOVED) {
				@SuppressWarnings("unchecked")
				E element = (E) slot;
				if (serial(element) == serial) {
					return element;
				}
			}
		}
		return null;
	}

	/**
	 * Visits the elements, weakly consistent as a {@code ConcurrentHashMap}'s iteration is: every
	 * element added before the call and not removed before it ends is visited once.
	 * @param action what to do with each
	 */
	final void forEach(Consumer<? super E> action) {
		Object[] array = this.current.array;
		for (int i = 0; i < array.length; i++) {
			Object slot = SLOTS.getAcquire(array, i);
			if (slot != null && slot != REMOVED) {
				@SuppressWarnings("unchecked")
				E element = (E) slot;
				action.accept(element);
			}
		}
	}

	/** @return the elements added and not removed; exact while no add or removal is under way */
	final int size() {
		return (int) this.size.sum();
	}

	// ---- writes

	/**
	 * Adds an element: it must not have been added before. When a removal overtook the add, the
	 * element is not left in the table.
	 * @param element the element
	 * @return whether it is in the table and counted; {@code false} when it was removed meanwhile
	 */
	final boolean add(E element) {
		place(element);
		if (moveMembership(element, NEW, IN)) {
			this.size.increment();
			return true;
		}
		// removed while being added: the removal may have run before the element was placed
		clear(element);
		return false;
	}

	/**
	 * Removes an element, whether its add has finished, is under way or has not begun.
	 * @param element the element
	 * @return whether this call uncounted it
	 */
	final boolean remove(E element) {
		for (;;) {
			int state = membership(element);
			if (state == OUT) {
				// another removal won, and may not have taken the element out yet
				finishRemoval(element);
				return false;
			}
			if (moveMembership(element, state, OUT)) {
				if (state == IN) {
					this.size.decrement();
				}
				clear(element);
				return state == IN;
			}
		}
	}

	/**
	 * Makes sure an element that another removal uncounted is out of the slots before this one
	 * returns, so that no find after any removal of an element finds it: always; a test overrides
	 * it to plant the bug its linearizability suite must catch.
	 */
	void finishRemoval(E element) {
		clear(element);
	}

	/** Makes sure the element is in the newest slots. */
	private void place(E element) {
		Slots slots = this.current;
		boolean maybeThere = false;
		for (;;) {
			if (!(maybeThere && slots.indexOf(element, serial(element)) >= 0)) {
				if (!slots.tryPlace(element, serial(element))) {
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

	/** Makes sure the element is not in the newest slots. */
	private void clear(E element) {
		Slots slots = this.current;
		for (;;) {
			int i = slots.indexOf(element, serial(element));
			if (i >= 0) {
				SLOTS.compareAndSet(slots.array, i, element, REMOVED);
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
			Object[] array = full.array;
			int live = 0;
			for (int i = 0; i < array.length; i++) {
				Object slot = SLOTS.getVolatile(array, i);
				if (slot != null && slot != REMOVED) {
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
			while (!copy.copyFrom(array, this));
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

	/** One array of slots, with how many were ever taken from empty. */
	private static final class Slots {

		final Object[] array;

		/** Taken from empty: at most half the slots, so that every probe meets an empty one. */
		@SuppressWarnings("unused") // through USED
		volatile int used;

		/** Set once a resize is copying these slots; writes after that are made sure of again. */
		volatile boolean frozen;

		volatile @Nullable Slots next;

		private final int shift;

		Slots(int capacity) {
			this.array = new Object[capacity];
			this.shift = 64 - Integer.numberOfTrailingZeros(capacity);
		}

		/** Fibonacci hashing: serials handed out in order land far apart, so clusters stay short. */
		int home(long serial) {
			return (int) ((serial * 0x9E3779B97F4A7C15L) >>> this.shift);
		}

		/** @return whether the element was placed; false when the slots are too full */
		<E> boolean tryPlace(E element, long serial) {
			Object[] array = this.array;
			int mask = array.length - 1;
			for (int i = home(serial), probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
				Object slot = SLOTS.getAcquire(array, i);
				if (slot == REMOVED) {
					if (SLOTS.compareAndSet(array, i, REMOVED, element)) {
						return true;
					}
				}
				else if (slot == null) {
					if ((int) USED.getAndAdd(this, 1) >= (array.length >> 1)) {
						USED.getAndAdd(this, -1);
						return false;
					}
					if (SLOTS.compareAndSet(array, i, null, element)) {
						return true;
					}
					USED.getAndAdd(this, -1);
				}
			}
			return false;
		}

		/** @return the element's slot, or -1 */
		int indexOf(Object element, long serial) {
			Object[] array = this.array;
			int mask = array.length - 1;
			for (int i = home(serial), probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
				Object slot = SLOTS.getAcquire(array, i);
				if (slot == element) {
					return i;
				}
				if (slot == null) {
					return -1;
				}
			}
			return -1;
		}

		/**
		 * Copies the live elements of frozen slots into these, which no one else sees yet.
		 * @return false when they do not fit under half (elements added during the copy)
		 */
		<E> boolean copyFrom(Object[] from, SerialTable<E> table) {
			Object[] array = this.array;
			int mask = array.length - 1;
			int taken = 0;
			for (int j = 0; j < from.length; j++) {
				Object slot = SLOTS.getVolatile(from, j);
				if (slot == null || slot == REMOVED) {
					continue;
				}
				if (++taken > (array.length >> 1)) {
					return false;
				}
				@SuppressWarnings("unchecked")
				E element = (E) slot;
				int i = home(table.serial(element));
				while (array[i] != null) {
					i = (i + 1) & mask;
				}
				array[i] = element;
			}
			this.used = taken;
			return true;
		}

	}

}
