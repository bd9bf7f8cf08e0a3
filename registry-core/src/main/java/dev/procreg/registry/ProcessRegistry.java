package dev.procreg.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import dev.procreg.partition.Partitioning;
import dev.procreg.process.ExitReason;
import dev.procreg.process.NodeId;
import dev.procreg.process.Observation;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;
import dev.procreg.process.internal.Runtimes;

/**
 * A local, partitioned key-process store, Elixir's {@code Registry}: processes register
 * themselves under keys, with a value each, and are found by key; an entry goes away when its
 * owner exits.
 *
 * <pre>{@code
 * ProcessRegistry<String, SessionInfo> sessions =
 *         ProcessRegistry.start(runtime, RegistryOptions.unique("sessions").withPartitions(8));
 *
 * // inside the session process
 * switch (sessions.register("donor-123", new SessionInfo(Instant.now()))) {
 *     case RegisterResult.Registered() -> serve();
 *     case RegisterResult.AlreadyRegistered(Pid owner) -> stop();
 * }
 *
 * // anywhere
 * Optional<Pid> session = sessions.whereis("donor-123");
 * GenServer.start(runtime, new Session(), null, sessions.via("donor-456"));
 * runtime.call(sessions.via("donor-456"), new Donate(100_000, "IDR"));
 * }</pre>
 *
 * <h2>No stale reads</h2>
 * Every read skips entries whose owner is dead, so once {@code runtime.isAlive(pid)} is false no
 * read returns {@code pid}: not {@code lookup}, {@code whereis}, {@code match}, {@code select},
 * {@code keys}, {@code values} or {@code dispatch}. Elixir promises that for via names only. The
 * entries themselves are removed by the owner's exit hooks right after the death, on the thread
 * that made the process exit; {@link #count()} is exact once those hooks have run.
 *
 * <h2>Costs</h2>
 * A unique lookup is one lock-free read of the registry's hash table (one for all its
 * partitions), whose nodes are the entries (slot → entry → key, what a
 * {@code ConcurrentHashMap.get} walks), and one volatile read of the entry's liveness copy.
 * Registering a unique key is one write under the key's stripe lock and one attach to the owner
 * (its lock, uncontended); a register refused because a live process holds the key is one such
 * read, with no lock and no allocation. Duplicate keys live in a
 * {@code ConcurrentHashMap} of buckets. With several partitions, a write finds its key's
 * partition with two multiplications (see {@code Partitioning}); a unique lookup does not. A
 * duplicate key's entries form a list per partition with O(1) removal. Partitioning by pid (the
 * default for duplicate keys) spreads writers; lookups then visit every partition.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ProcessRegistry<K, V> {

	private final ProcessRuntime runtime;

	private final RegistryOptions options;

	private final Partition<K, V>[] partitions;

	/**
	 * Whether keys are unique, read by every operation: one field rather than the options' enum,
	 * code that counts against the size up to which the JIT inlines a lookup into its caller.
	 */
	private final boolean unique;

	private final ConcurrentHashMap<Object, Object> meta;

	private final RegistryLocks locks = new RegistryLocks();

	/**
	 * The unique keys' entries of every partition, in one table. Partitions split a registry's
	 * counters and events, and a duplicate registry's buckets; the table is striped for its writers
	 * already, and one table spares a lookup the routing: a lookup through a partition picked by
	 * the key's hash code waited for that pick, then for the partition and its table, before it
	 * could read a slot, and with two partitions ran 8-17 % slower than with one (benchmark README,
	 * "One table for every partition").
	 */
	final EntryTable<K, V> uniques;

	private final @Nullable EventDispatcher<K, V> events;

	private final RegistryObservers observers;

	/** The cluster side of a cluster-scoped registry; null for a local one. */
	private final @Nullable ClusterNames<K, V> cluster;

	@SuppressWarnings("unchecked")
	private ProcessRegistry(ProcessRuntime runtime, RegistryOptions options, Partitions partitions) {
		this.runtime = runtime;
		this.options = options;
		this.unique = options.keys() == Keys.UNIQUE;
		this.uniques = EntryTable.forKeys(this.unique ? options.expectedKeys() : 0);
		this.partitions = new Partition[options.partitions()];
		for (int i = 0; i < this.partitions.length; i++) {
			this.partitions[i] = partitions.create(this, i);
		}
		this.meta = new ConcurrentHashMap<>(options.meta());
		List<RegistryListener<K, V>> listeners = new ArrayList<>();
		options.listeners().forEach((listener) -> listeners.add((RegistryListener<K, V>) listener));
		this.events = listeners.isEmpty() ? null : new EventDispatcher<>(options.name(), listeners);
		this.observers = RegistryObservers.of(runtime);
		this.cluster = options.cluster() ? new ClusterNames<>(this) : null;
	}

	/**
	 * Observes the registrations and unregistrations of every registry of a runtime, present and
	 * future, for operators' event feeds: as a listener given to each registry, on a thread of its
	 * own, never on the registering thread. Registries pay one volatile read per event while
	 * nobody observes.
	 * <pre>{@code
	 * Observation feed = ProcessRegistry.observeAll(runtime, (event) -> journal.add(event));
	 * feed.close();
	 * }</pre>
	 * @param runtime the runtime
	 * @param listener the listener
	 * @return the observation, to close
	 */
	public static Observation observeAll(ProcessRuntime runtime, RegistryListener<Object, Object> listener) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		Objects.requireNonNull(listener, "listener must not be null");
		return RegistryObservers.of(runtime).observe(listener);
	}

	/**
	 * Starts a registry in a runtime.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param runtime the runtime whose processes register
	 * @param options the options; the name must be unused in the runtime
	 * @return the registry
	 * @throws IllegalStateException when the runtime has a registry of that name already
	 */
	public static <K, V> ProcessRegistry<K, V> start(ProcessRuntime runtime, RegistryOptions options) {
		return start(runtime, options, Partition::new);
	}

	/**
	 * Starts a registry whose partitions a test made, to plant a bug in one step of the real
	 * partition and check that its suite catches it.
	 */
	static <K, V> ProcessRegistry<K, V> start(ProcessRuntime runtime, RegistryOptions options, Partitions partitions) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		Objects.requireNonNull(options, "options must not be null");
		ProcessRegistry<K, V> registry = new ProcessRegistry<>(runtime, options, partitions);
		if (!Runtimes.addComponent(runtime, ProcessRegistry.class, options.name(), registry)) {
			throw new IllegalStateException(
					"runtime " + runtime.node() + " already has a registry named '" + options.name() + "'");
		}
		if (registry.cluster != null) {
			registry.cluster.open();
		}
		return registry;
	}

	/**
	 * Claims every key this node holds again, after a healed network split: where another claim
	 * holds a key, the older claim keeps it and a losing owner of this node exits with
	 * {@link NameConflict}. A cluster membership calls it when the cluster merges; it does
	 * nothing for a local registry.
	 */
	public void reassertClaims() {
		if (this.cluster != null) {
			this.cluster.reassert();
		}
	}

	/** @return whether keys are unique across the cluster; see {@link RegistryOptions#withClusterScope()} */
	public boolean clusterScope() {
		return this.cluster != null;
	}

	/**
	 * Finds a registry by name.
	 * @param runtime the runtime
	 * @param name the registry's name
	 * @return the registry, or empty
	 */
	public static Optional<ProcessRegistry<?, ?>> named(ProcessRuntime runtime, String name) {
		return Runtimes.component(runtime, ProcessRegistry.class, name).map((registry) -> registry);
	}

	/**
	 * @param runtime the runtime
	 * @return its registries, in start order
	 */
	public static List<ProcessRegistry<?, ?>> all(ProcessRuntime runtime) {
		List<ProcessRegistry<?, ?>> registries = new ArrayList<>();
		Runtimes.components(runtime, ProcessRegistry.class).forEach(registries::add);
		return registries;
	}

	/** @return the registry's name */
	public String name() {
		return this.options.name();
	}

	/** @return the options the registry was started with */
	public RegistryOptions options() {
		return this.options;
	}

	/** @return whether keys are unique or duplicate */
	public Keys keys() {
		return this.options.keys();
	}

	/** @return how duplicate entries are partitioned */
	public PartitionBy partitionBy() {
		return this.options.partitionBy();
	}

	/** @return the number of partitions */
	public int partitions() {
		return this.partitions.length;
	}

	/** @return the runtime whose processes register here */
	public ProcessRuntime runtime() {
		return this.runtime;
	}

	// ---- writes

	/**
	 * Registers the calling process under a key, Elixir's {@code Registry.register/3}.
	 * @param key the key
	 * @param value the value stored with it
	 * @return {@link RegisterResult.Registered}, or {@link RegisterResult.AlreadyRegistered} when
	 * a live process holds the unique key
	 * @throws IllegalStateException when not called from a process of this registry's runtime
	 */
	public RegisterResult register(K key, V value) {
		requireKey(key);
		if (value == null) {
			// the message is built only when it is thrown: a refused register allocates nothing for it
			throw new NullPointerException("value must not be null (key " + key + ")");
		}
		Owner owner = Owner.currentOf(this.runtime, "register");
		if (this.unique) {
			if (this.cluster != null) {
				Pid holder = this.cluster.register(partitionOfKey(key), owner, key, value);
				return (holder != null) ? new RegisterResult.AlreadyRegistered(holder) : REGISTERED;
			}
			int hashCode = key.hashCode();
			Pid holder = partitionOfKey(key, hashCode).registerUnique(owner, key, hashCode, value);
			return (holder != null) ? new RegisterResult.AlreadyRegistered(holder) : REGISTERED;
		}
		partitionOf(key, owner.pid()).registerDuplicate(owner, key, value);
		return REGISTERED;
	}

	private static final RegisterResult REGISTERED = new RegisterResult.Registered();

	/** The registration core, with the owner as a token. */
	@Nullable Pid register(Owner owner, K key, @Nullable V value) {
		if (this.unique) {
			if (this.cluster != null) {
				return this.cluster.register(partitionOfKey(key), owner, key, value);
			}
			return partitionOfKey(key).registerUnique(owner, key, value);
		}
		partitionOf(key, owner.pid()).registerDuplicate(owner, key, value);
		return null;
	}

	/**
	 * Removes the calling process's entries under a key (all of them for a duplicate key).
	 * @param key the key
	 * @return whether anything was removed
	 */
	public boolean unregister(K key) {
		requireKey(key);
		return unregister(Owner.currentOf(this.runtime, "unregister"), key);
	}

	/**
	 * Removes the calling process's entries under a key whose value matches.
	 * @param key the key
	 * @param pattern which values to remove
	 * @return how many were removed
	 */
	public int unregisterMatch(K key, Predicate<? super V> pattern) {
		requireKey(key);
		Objects.requireNonNull(pattern, "pattern must not be null");
		Owner owner = Owner.currentOf(this.runtime, "unregisterMatch");
		if (this.unique) {
			Partition<K, V> partition = partitionOfKey(key);
			Registration<K, V> entry = partition.unique(key);
			return (entry != null && entry.owner == owner && pattern.test(entry.value)
					&& partition.unregisterUnique(owner, key)) ? 1 : 0;
		}
		int removed = 0;
		for (Registration.Duplicate<K, V> entry : ownEntries(owner, key)) {
			if (pattern.test(entry.value) && entry.partition.unregisterDuplicate(entry)) {
				removed++;
			}
		}
		return removed;
	}

	boolean unregister(Owner owner, K key) {
		if (this.unique) {
			return partitionOfKey(key).unregisterUnique(owner, key);
		}
		boolean any = false;
		for (Registration.Duplicate<K, V> entry : ownEntries(owner, key)) {
			any |= entry.partition.unregisterDuplicate(entry);
		}
		return any;
	}

	@SuppressWarnings("unchecked")
	private List<Registration.Duplicate<K, V>> ownEntries(Owner owner, K key) {
		List<Registration.Duplicate<K, V>> mine = new ArrayList<>();
		for (ExitHook hook : owner.hooks()) {
			if (hook instanceof Registration.Duplicate<?, ?> entry && entry.partition.registry == this
					&& entry.key.equals(key)) {
				mine.add((Registration.Duplicate<K, V>) entry);
			}
		}
		return mine;
	}

	/**
	 * Replaces the value of a unique key the calling process owns, Elixir's
	 * {@code Registry.update_value/3}.
	 * @param key the key
	 * @param update computes the new value from the old; not called when the caller is no owner
	 * @return {@link ValueUpdate.Updated} with the new and the old value, or
	 * {@link ValueUpdate.NotOwner} when the calling process does not own the key (Elixir's
	 * {@code :error})
	 * @throws IllegalStateException when the registry has duplicate keys
	 */
	public ValueUpdate<V> updateValue(K key, UnaryOperator<V> update) {
		requireKey(key);
		Objects.requireNonNull(update, "update must not be null");
		if (!this.unique) {
			throw new IllegalStateException("updateValue needs unique keys; registry '" + name() + "' has duplicate keys");
		}
		Owner owner = Owner.currentOf(this.runtime, "updateValue");
		Registration<K, V> entry = reader().unique(key);
		if (entry == null || entry.owner != owner) {
			return new ValueUpdate.NotOwner<>((entry != null) ? entry.pid : null);
		}
		V old = entry.value;
		V next = Objects.requireNonNull(update.apply(old), "updateValue's function returned null for key " + key);
		entry.value = next;
		return new ValueUpdate.Updated<>(next, old);
	}

	// ---- reads

	/**
	 * The live entries under a key: at most one for a unique registry.
	 * @param key the key
	 * @return the entries
	 */
	public List<RegistryEntry<K, V>> lookup(K key) {
		requireKey(key);
		if (this.unique) {
			Registration<K, V> entry = reader().unique(key);
			if (entry != null) {
				return List.of(entry.toEntry());
			}
			RegistryEntry<K, V> remote = (this.cluster != null) ? this.cluster.lookup(key) : null;
			return (remote != null) ? List.of(remote) : List.of();
		}
		List<RegistryEntry<K, V>> found = new ArrayList<>();
		forEachDuplicate(key, (entry) -> found.add(entry.toEntry()));
		return found;
	}

	/**
	 * The live process under a unique key.
	 * @param key the key
	 * @return the process, or empty
	 * @throws IllegalStateException on a duplicate registry
	 */
	public Optional<Pid> whereis(K key) {
		// the hash code here, where the caller's compiled code has it anyway: the rest is then small
		// enough for the JIT to inline into the caller (benchmark README, "A lookup the JIT inlines")
		requireKey(key);
		return Optional.ofNullable(whereisOrNull(key, key.hashCode()));
	}

	/**
	 * {@link #whereis}, answering {@code null} rather than an empty {@code Optional}: for a loop
	 * that looks up many keys in turn. Such a loop often calls {@code whereis} rather than
	 * inlining it (the JIT compiles {@code whereis} on its own first, too large to inline), and
	 * each call then allocates its {@code Optional}; this allocates nothing either way.
	 * <pre>{@code
	 * for (String donor : donors) {
	 *     Pid session = sessions.whereisOrNull(donor);
	 *     if (session != null) {
	 *         runtime.send(session, reminder);
	 *     }
	 * }
	 * }</pre>
	 * @param key the key
	 * @return the live process under the key, or {@code null}
	 * @throws IllegalStateException on a duplicate registry
	 */
	public @Nullable Pid whereisOrNull(K key) {
		requireKey(key);
		return whereisOrNull(key, key.hashCode());
	}

	private @Nullable Pid whereisOrNull(K key, int hashCode) {
		if (!this.unique) {
			throw new IllegalStateException("whereis needs unique keys; registry '" + name() + "' has duplicate keys");
		}
		Pid pid = reader().uniquePid(key, hashCode);
		if (pid != null) {
			return pid;
		}
		return (this.cluster != null) ? this.cluster.whereis(key) : null;
	}

	/**
	 * The live entries under a key whose value matches, Elixir's {@code Registry.match/3}.
	 * @param key the key
	 * @param pattern which values
	 * @return the entries
	 */
	public List<RegistryEntry<K, V>> match(K key, Predicate<? super V> pattern) {
		Objects.requireNonNull(pattern, "pattern must not be null");
		List<RegistryEntry<K, V>> found = new ArrayList<>();
		for (RegistryEntry<K, V> entry : lookup(key)) {
			if (pattern.test(entry.value())) {
				found.add(entry);
			}
		}
		return found;
	}

	/**
	 * Every live entry that passes a filter, projected, Elixir's {@code Registry.select/2}.
	 *
	 * <pre>{@code
	 * List<Pid> donors = sessions.select((entry) -> entry.key().startsWith("donor-"), RegistryEntry::pid);
	 * }</pre>
	 * Weakly consistent, as a {@code ConcurrentHashMap}'s iteration is: an entry live throughout
	 * the call is returned, one registered or unregistered during it may or may not be. A key
	 * unregistered and registered again during the call comes once, unless, rarely, another key
	 * took its old place in between: then it may come under both its old and its new entry.
	 * @param <R> the projection's type
	 * @param filter which entries, by key, pid and value
	 * @param projection what to return of each
	 * @return the projections
	 */
	public <R> List<R> select(Predicate<? super RegistryEntry<K, V>> filter,
			Function<? super RegistryEntry<K, V>, ? extends R> projection) {
		Objects.requireNonNull(filter, "filter must not be null");
		Objects.requireNonNull(projection, "projection must not be null");
		List<R> selected = new ArrayList<>();
		forEachEntry((view) -> {
			if (filter.test(view)) {
				selected.add(projection.apply(view));
			}
		});
		return selected;
	}

	/**
	 * The number of entries, in O(partitions): never counts an entry whose owner is not alive,
	 * whether or not its exit hooks have run (an owner leaves the count under its lock just
	 * before it is marked dead).
	 * @return the number of entries
	 */
	public long count() {
		long local = localCount();
		return (this.cluster != null) ? local + this.cluster.remoteCount() : local;
	}

	/** @return the live entries of this node's processes, in O(partitions) */
	private long localCount() {
		long total = 0;
		for (Partition<K, V> partition : this.partitions) {
			total += partition.entries.sum();
		}
		return total;
	}

	/**
	 * The number of entries by the node their process runs on: this node's entries as
	 * {@link #count()} counts them, and, for a cluster-scoped registry, each connected node's keys
	 * as this node's view of them has it. O(entries of other nodes): meant for an operator's page.
	 *
	 * <pre>{@code
	 * sessions.countByNode(); // {node1#5f3a…=120, node2#91c0…=118}
	 * }</pre>
	 * @return entries by node, this node included (with 0) and nodes with none left out
	 */
	public Map<NodeId, Long> countByNode() {
		Map<NodeId, Long> counts = new HashMap<>();
		if (this.cluster != null) {
			this.cluster.forEachRemote((entry) -> counts.merge(entry.pid().nodeId(), 1L, Long::sum));
		}
		counts.put(this.runtime.nodeId(), localCount());
		return counts;
	}

	/**
	 * @param key the key
	 * @param pattern which values
	 * @return the number of live entries under the key whose value matches
	 */
	public int countMatch(K key, Predicate<? super V> pattern) {
		return match(key, pattern).size();
	}

	/**
	 * @param filter which entries
	 * @return the number of live entries that pass the filter, counted as {@link #select} finds them
	 */
	public int countSelect(Predicate<? super RegistryEntry<K, V>> filter) {
		Objects.requireNonNull(filter, "filter must not be null");
		int[] count = { 0 };
		forEachEntry((view) -> {
			if (filter.test(view)) {
				count[0]++;
			}
		});
		return count[0];
	}

	/**
	 * The keys a process holds here, Elixir's {@code Registry.keys/2}.
	 * @param pid the process
	 * @return its keys, empty when it is not alive
	 */
	public List<K> keys(Pid pid) {
		List<K> keys = new ArrayList<>();
		for (Registration<K, V> entry : entriesOf(pid)) {
			keys.add(entry.key);
		}
		return keys;
	}

	/**
	 * The values a process registered under a key, Elixir's {@code Registry.values/3}.
	 * @param key the key
	 * @param pid the process
	 * @return its values, empty when it is not alive
	 */
	public List<@Nullable V> values(K key, Pid pid) {
		requireKey(key);
		List<@Nullable V> values = new ArrayList<>();
		for (Registration<K, V> entry : entriesOf(pid)) {
			if (entry.key.equals(key)) {
				values.add(entry.value);
			}
		}
		return values;
	}

	@SuppressWarnings("unchecked")
	private List<Registration<K, V>> entriesOf(Pid pid) {
		Objects.requireNonNull(pid, "pid must not be null");
		Owner process = Owner.of(this.runtime, pid);
		List<Registration<K, V>> mine = new ArrayList<>();
		if (process == null || !process.isAlive()) {
			return mine;
		}
		for (ExitHook hook : process.hooks()) {
			if (hook instanceof Registration<?, ?> entry && entry.partition.registry == this
					&& !(entry instanceof Registration.Duplicate<?, ?> duplicate && duplicate.removed)) {
				mine.add((Registration<K, V>) entry);
			}
		}
		// hooks come newest first; callers expect registration order
		return process.isAlive() ? mine.reversed() : List.of();
	}

	/**
	 * Calls {@code consumer} with the live entries of a key, once per partition that holds some
	 * (never with an empty list), Elixir's {@code Registry.dispatch/3}: the way to broadcast to
	 * every process under a key.
	 * @param key the key
	 * @param consumer what to do with the entries
	 */
	public void dispatch(K key, Consumer<List<RegistryEntry<K, V>>> consumer) {
		requireKey(key);
		Objects.requireNonNull(consumer, "consumer must not be null");
		if (this.unique) {
			List<RegistryEntry<K, V>> entries = lookup(key);
			if (!entries.isEmpty()) {
				consumer.accept(entries);
			}
			return;
		}
		for (Partition<K, V> partition : partitionsOfKey(key)) {
			List<RegistryEntry<K, V>> entries = new ArrayList<>();
			partition.forEachDuplicate(key, (entry) -> entries.add(entry.toEntry()));
			if (!entries.isEmpty()) {
				consumer.accept(entries);
			}
		}
	}

	/**
	 * Like {@link #dispatch}, with one virtual thread per partition when a duplicate registry is
	 * partitioned by pid; returns when every call returned. A consumer's exception is rethrown.
	 * @param key the key
	 * @param consumer what to do with the entries of one partition
	 */
	public void dispatchParallel(K key, Consumer<List<RegistryEntry<K, V>>> consumer) {
		requireKey(key);
		Objects.requireNonNull(consumer, "consumer must not be null");
		if (this.unique || this.options.partitionBy() == PartitionBy.KEY
				|| this.partitions.length == 1) {
			dispatch(key, consumer);
			return;
		}
		List<Thread> threads = new ArrayList<>();
		RuntimeException[] failure = { null };
		for (Partition<K, V> partition : this.partitions) {
			List<RegistryEntry<K, V>> entries = new ArrayList<>();
			partition.forEachDuplicate(key, (entry) -> entries.add(entry.toEntry()));
			if (!entries.isEmpty()) {
				threads.add(Thread.startVirtualThread(() -> {
					try {
						consumer.accept(entries);
					}
					catch (RuntimeException ex) {
						synchronized (failure) {
							failure[0] = ex;
						}
					}
				}));
			}
		}
		for (Thread thread : threads) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while dispatching to " + key, ex);
			}
		}
		synchronized (failure) {
			if (failure[0] != null) {
				throw failure[0];
			}
		}
	}

	// ---- metadata and locks

	/**
	 * A registry-level metadata value, Elixir's {@code Registry.meta/2}.
	 * @param key a metadata key: any value with {@code equals} and {@code hashCode}, as Elixir's
	 * {@code put_meta} takes any term
	 * @return its value
	 */
	public Optional<Object> meta(Object key) {
		return Optional.ofNullable(this.meta.get(Objects.requireNonNull(key, "meta key must not be null")));
	}

	/** @return all registry-level metadata */
	public Map<Object, Object> meta() {
		return Map.copyOf(this.meta);
	}

	/**
	 * Sets a registry-level metadata value, Elixir's {@code Registry.put_meta/3}.
	 *
	 * <pre>{@code
	 * registry.putMeta(new Region("id"), Instant.now());
	 * }</pre>
	 * @param key a metadata key: any value with {@code equals} and {@code hashCode}
	 * @param value its value
	 */
	public void putMeta(Object key, Object value) {
		Owner.currentAlive("putMeta");
		this.meta.put(Objects.requireNonNull(key, "meta key must not be null"),
				Objects.requireNonNull(value, "meta value must not be null (key " + key + ")"));
	}

	/** @param key a metadata key to remove */
	public void deleteMeta(Object key) {
		Owner.currentAlive("deleteMeta");
		this.meta.remove(Objects.requireNonNull(key, "meta key must not be null"));
	}

	/**
	 * How long {@link #lock(Object, Supplier)} waits for the action of a holder that has exited
	 * to return before it reports the lock as stuck.
	 */
	public static final Duration DEFAULT_LOCK_STUCK_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Runs {@code action} while holding a lock on {@code lockKey}, Elixir's
	 * {@code Registry.lock/3}: one action at a time per lock key, ever. The lock is released when
	 * the action returns or throws. A holder killed inside its action keeps the lock until its
	 * code actually leaves the action (Java cannot stop a thread that ignores the kill's
	 * interrupt); a waiter gives up with {@link RegistryLockStuckException} once the dead holder
	 * has been stuck for {@link #DEFAULT_LOCK_STUCK_TIMEOUT}, rather than run beside it.
	 *
	 * <pre>{@code
	 * Receipt receipt = donations.lock("donor-123", () -> ledger.settle("donor-123"));
	 * }</pre>
	 * @param <T> the action's result type
	 * @param lockKey what to lock
	 * @param action what to do
	 * @return what the action returned
	 * @throws IllegalStateException when not called from a process, or when the calling process
	 * already holds the lock
	 * @throws RegistryLockStuckException when the holder exited but its action did not return in time
	 */
	public <T> T lock(Object lockKey, Supplier<T> action) {
		return lock(lockKey, DEFAULT_LOCK_STUCK_TIMEOUT, action);
	}

	/**
	 * Runs {@code action} while holding a lock on {@code lockKey}, as {@link #lock(Object, Supplier)},
	 * with its own bound on how long to wait for the action of a holder that has exited.
	 * @param <T> the action's result type
	 * @param lockKey what to lock
	 * @param stuckAfter how long a holder may stay in its action after it exited before this
	 * call reports the lock as stuck
	 * @param action what to do
	 * @return what the action returned
	 * @throws RegistryLockStuckException when the holder exited but its action did not return in time
	 */
	public <T> T lock(Object lockKey, Duration stuckAfter, Supplier<T> action) {
		Objects.requireNonNull(lockKey, "lockKey must not be null");
		Objects.requireNonNull(stuckAfter, "stuckAfter must not be null");
		if (stuckAfter.isNegative()) {
			throw new IllegalArgumentException("stuckAfter must not be negative: " + stuckAfter);
		}
		Objects.requireNonNull(action, "action must not be null");
		return this.locks.run(Owner.currentOf(this.runtime, "lock"), lockKey, stuckAfter, action);
	}

	// ---- via names

	/**
	 * A name for starting and addressing a process under a unique key, Elixir's
	 * {@code {:via, Registry, {registry, key}}}. The started process is registered with a
	 * {@code null} value.
	 * @param key the key
	 * @return the name
	 * @throws IllegalStateException when this registry has duplicate keys
	 */
	public ViaName<K, V> via(K key) {
		return new ViaName<>(this, requireVia(key), null);
	}

	/**
	 * A via name that registers the started process with a value, Elixir's
	 * {@code {:via, Registry, {registry, key, value}}}.
	 * @param key the key
	 * @param value the value
	 * @return the name
	 */
	public ViaName<K, V> via(K key, V value) {
		return new ViaName<>(this, requireVia(key), Objects.requireNonNull(value, "value must not be null"));
	}

	private K requireVia(K key) {
		requireKey(key);
		if (!this.unique) {
			throw new IllegalStateException("registry '" + name()
					+ "' has duplicate keys; a via name needs a registry with unique keys");
		}
		return key;
	}

	// ---- statistics

	/** @return each partition's counters */
	public List<PartitionStats> partitionStats() {
		List<PartitionStats> stats = new ArrayList<>(this.partitions.length);
		for (Partition<K, V> partition : this.partitions) {
			stats.add(partition.stats());
		}
		return stats;
	}

	/** @return the number of distinct keys held (an entry whose owner just died may count until removed) */
	public long keyCount() {
		long total = this.uniques.size();
		for (Partition<K, V> partition : this.partitions) {
			total += partition.buckets.size();
		}
		return total;
	}

	@Override
	public String toString() {
		return "ProcessRegistry[" + name() + ", " + keys() + ", " + this.partitions.length + " partitions]";
	}

	// ---- internals

	private void forEachDuplicate(K key, Consumer<Registration<K, V>> action) {
		for (Partition<K, V> partition : partitionsOfKey(key)) {
			partition.forEachDuplicate(key, action);
		}
	}

	/** Visits the live entries, weakly consistent: each unique entry whose owner is alive, then each duplicate key's. */
	private void forEachLive(Consumer<Registration<K, V>> action) {
		this.uniques.forEach((entry) -> {
			if (entry.live()) {
				action.accept(entry);
			}
		});
		for (Partition<K, V> partition : this.partitions) {
			partition.forEachLiveDuplicate(action);
		}
	}

	/** Every live entry of this node, then, for a cluster-scoped registry, the other nodes' keys. */
	private void forEachEntry(Consumer<RegistryEntry<K, V>> action) {
		forEachLive((entry) -> action.accept(entry.toEntry()));
		if (this.cluster != null) {
			this.cluster.forEachRemote(action);
		}
	}

	/** This node's live entries only. */
	void forEachLocal(Consumer<Registration<K, V>> action) {
		forEachLive(action);
	}

	/** @return this node's live entry of a unique key */
	@Nullable Registration<K, V> localUnique(K key) {
		return reader().unique(key);
	}

	/**
	 * The partition that a unique key's reads go through: the first, whatever the key. The
	 * partitions share one table ({@link #uniques}), so each reads every key alike; the first's
	 * address does not depend on the key, so a lookup loads the table while it hashes the key, as
	 * a registry of one partition does. Reads go through a partition rather than the table itself
	 * so that a test's partition with a planted bug is read.
	 */
	private Partition<K, V> reader() {
		return this.partitions[0];
	}

	private Partition<K, V> partitionOfKey(K key) {
		return partitionOfKey(key, key.hashCode());
	}

	/**
	 * {@link #partitionOfKey(Object)} with the key's hash code, which the caller computed for the
	 * table too. A registry of one partition does not route.
	 */
	private Partition<K, V> partitionOfKey(K key, int hashCode) {
		Partition<K, V>[] partitions = this.partitions;
		return partitions[(partitions.length == 1) ? 0 : Partitioning.index(key, hashCode, partitions.length)];
	}

	private Partition<K, V> partitionOf(K key, Pid pid) {
		if (this.partitions.length == 1) {
			return this.partitions[0];
		}
		Object by = (this.options.partitionBy() == PartitionBy.KEY) ? key : pid;
		return this.partitions[Partitioning.index(by, this.partitions.length)];
	}

	private List<Partition<K, V>> partitionsOfKey(K key) {
		if (this.options.partitionBy() == PartitionBy.KEY || this.partitions.length == 1) {
			return List.of(partitionOfKey(key));
		}
		return List.of(this.partitions);
	}

	private void requireKey(@Nullable K key) {
		if (key == null) {
			throw new IllegalArgumentException("key must not be null (registry '" + name() + "')");
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	void registered(Registration<K, V> entry) {
		if (this.cluster != null) {
			this.cluster.registered(entry);
		}
		EventDispatcher<Object, Object> observing = this.observers.dispatcher;
		if (this.events != null || observing != null) {
			RegistryEvent<K, V> event = new RegistryEvent.Registered<>(name(), entry.key, entry.owner.pid(),
					entry.value);
			if (this.events != null) {
				this.events.publish(event);
			}
			if (observing != null) {
				observing.publish((RegistryEvent) event);
			}
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	void unregistered(Registration<K, V> entry, @Nullable ExitReason reason) {
		if (this.cluster != null) {
			this.cluster.unregistered(entry);
		}
		EventDispatcher<Object, Object> observing = this.observers.dispatcher;
		if (this.events != null || observing != null) {
			RegistryEvent<K, V> event = new RegistryEvent.Unregistered<>(name(), entry.key, entry.owner.pid(), reason);
			if (this.events != null) {
				this.events.publish(event);
			}
			if (observing != null) {
				observing.publish((RegistryEvent) event);
			}
		}
	}

	/** Makes the partitions of a registry: the real ones, or a test's with a planted bug. */
	@FunctionalInterface
	interface Partitions {

		<K, V> Partition<K, V> create(ProcessRegistry<K, V> registry, int index);

	}

}
