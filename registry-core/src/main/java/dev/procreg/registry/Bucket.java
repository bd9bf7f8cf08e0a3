package dev.procreg.registry;

import org.jspecify.annotations.Nullable;

/**
 * The entries of one duplicate key in one partition: a doubly linked list with O(1) append and
 * removal, so 10,000 owners of one key dying costs linear time, not quadratic.
 *
 * <p>Writers run inside {@code ConcurrentHashMap.compute} on the bucket's key, so they are
 * serialized by the map's bin lock. Readers walk {@code head → next} without a lock: appends go
 * to the tail and a removed node keeps its {@code next}, so a walk that started before a change
 * stays on a path to the live entries, and it skips nodes marked {@code removed} and owners that
 * are dead; {@code version} tells a reader that a change raced its walk (see
 * {@link Partition#forEachDuplicate}).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Bucket<K, V> {

	volatile Registration.@Nullable Duplicate<K, V> head;

	private Registration.@Nullable Duplicate<K, V> tail;

	int size;

	/** Bumped by every append and removal, so a lock-free reader can tell that its walk raced one. */
	volatile int version;

	void append(Registration.Duplicate<K, V> entry) {
		Registration.Duplicate<K, V> last = this.tail;
		entry.prev = last;
		if (last == null) {
			this.head = entry;
		}
		else {
			last.next = entry;
		}
		this.tail = entry;
		this.size++;
		this.version++;
	}

	boolean remove(Registration.Duplicate<K, V> entry) {
		if (entry.removed) {
			return false;
		}
		entry.removed = true;
		Registration.Duplicate<K, V> prev = entry.prev;
		Registration.Duplicate<K, V> next = entry.next;
		if (prev == null) {
			this.head = next;
		}
		else {
			prev.next = next;
		}
		if (next == null) {
			this.tail = prev;
		}
		else {
			next.prev = prev;
		}
		entry.prev = null;
		this.size--;
		this.version++;
		return true;
	}

}
