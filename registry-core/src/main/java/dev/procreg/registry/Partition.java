package dev.procreg.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.LocalProcess;
import dev.procreg.process.Pid;

/**
 * One partition of a registry: the concurrent core that the registry's operations reduce to.
 * Every method takes the owner as a token, so a model checker can drive it from plain threads.
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>A unique key maps to at most one {@link Registration}. A write replaces an entry only when
 * its owner is dead, inside {@code compute}, so two live owners never hold one key.</li>
 * <li>Reads treat an entry whose owner is dead as absent. Once {@code isAlive} is false for a
 * process, no read returns it, whether or not its exit hooks have run yet.</li>
 * <li>An entry is attached to its owner as an exit hook after it is written. If the owner died
 * in between, the attach fails and the writer removes the entry itself; otherwise the hook
 * removes it after the owner's death. Either way it leaves the table exactly once, and
 * {@code entries} counts it in once and out once.</li>
 * </ul>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Partition<K, V> {

	final ProcessRegistry<K, V> registry;

	final int index;

	/** A {@link Registration} per key when unique; a {@link Bucket} per key when duplicate. */
	final ConcurrentHashMap<K, Object> table = new ConcurrentHashMap<>();

	final LongAdder entries = new LongAdder();

	final LongAdder registrations = new LongAdder();

	final LongAdder unregistrations = new LongAdder();

	final LongAdder unregistrationsByExit = new LongAdder();

	final LongAdder conflicts = new LongAdder();

	Partition(ProcessRegistry<K, V> registry, int index) {
		this.registry = registry;
		this.index = index;
	}

	// ---- unique keys

	/** @return null when registered, or the live owner that holds the key */
	@Nullable Pid registerUnique(LocalProcess owner, K key, @Nullable V value) {
		Registration<K, V> entry = new Registration<>(this, key, owner, value);
		Object current = this.table.compute(key,
				(k, existing) -> (existing != null && ((Registration<?, ?>) existing).owner.isAlive()) ? existing
						: entry);
		if (current != entry) {
			this.conflicts.increment();
			return ((Registration<?, ?>) current).owner.pid();
		}
		RegistryFaults.afterWrite();
		// counted and published before the attach, so that the Unregistered event of a death
		// right after the attach (published by the exit hook) can never overtake it
		added(entry);
		if (!owner.attach(entry)) {
			// the owner died after the write: no reader saw it alive with this entry; undo
			this.table.remove(key, entry);
			removed(entry, owner.exitReason());
		}
		return null;
	}

	@Nullable Registration<K, V> unique(K key) {
		@SuppressWarnings("unchecked")
		Registration<K, V> entry = (Registration<K, V>) this.table.get(key);
		return (entry != null && (entry.live() || RegistryFaults.plantedStaleRead)) ? entry : null;
	}

	boolean unregisterUnique(LocalProcess owner, K key) {
		@SuppressWarnings("unchecked")
		Registration<K, V> entry = (Registration<K, V>) this.table.get(key);
		if (entry == null || entry.owner != owner || !owner.detach(entry)) {
			return false;
		}
		this.table.remove(key, entry);
		removed(entry, null);
		return true;
	}

	// ---- duplicate keys

	void registerDuplicate(LocalProcess owner, K key, @Nullable V value) {
		Registration.Duplicate<K, V> entry = new Registration.Duplicate<>(this, key, owner, value);
		this.table.compute(key, (k, existing) -> {
			@SuppressWarnings("unchecked")
			Bucket<K, V> bucket = (existing != null) ? (Bucket<K, V>) existing : new Bucket<>();
			bucket.append(entry);
			return bucket;
		});
		RegistryFaults.afterWrite();
		added(entry);
		if (!owner.attach(entry)) {
			unlink(entry);
			removed(entry, owner.exitReason());
		}
	}

	@SuppressWarnings("unchecked")
	@Nullable Bucket<K, V> bucket(K key) {
		return (Bucket<K, V>) this.table.get(key);
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
		this.table.computeIfPresent(key, (k, existing) -> {
			@SuppressWarnings("unchecked")
			Bucket<K, V> bucket = (Bucket<K, V>) existing;
			collect(bucket, live);
			return existing;
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

	boolean unregisterDuplicate(Registration.Duplicate<K, V> entry) {
		if (!entry.owner.detach(entry)) {
			return false;
		}
		unlink(entry);
		removed(entry, null);
		return true;
	}

	private void unlink(Registration.Duplicate<K, V> entry) {
		this.table.computeIfPresent(entry.key, (k, existing) -> {
			@SuppressWarnings("unchecked")
			Bucket<K, V> bucket = (Bucket<K, V>) existing;
			bucket.remove(entry);
			return (bucket.size == 0) ? null : bucket;
		});
	}

	// ---- both

	/** Runs as the owner's exit hook: the owner is already dead for every reader. */
	void removeAfterExit(Registration<K, V> entry, ExitReason reason) {
		RegistryFaults.beforeCleanup();
		if (entry instanceof Registration.Duplicate<K, V> duplicate) {
			unlink(duplicate);
		}
		else {
			this.table.remove(entry.key, entry);
		}
		removed(entry, reason);
	}

	private void added(Registration<K, V> entry) {
		this.entries.increment();
		this.registrations.increment();
		this.registry.registered(entry);
	}

	private void removed(Registration<K, V> entry, @Nullable ExitReason reason) {
		this.entries.decrement();
		this.unregistrations.increment();
		if (reason != null) {
			this.unregistrationsByExit.increment();
		}
		this.registry.unregistered(entry, reason);
	}

	PartitionStats stats() {
		return new PartitionStats(this.index, this.table.size(), this.entries.sum(), this.registrations.sum(),
				this.unregistrations.sum(), this.unregistrationsByExit.sum(), this.conflicts.sum());
	}

}
