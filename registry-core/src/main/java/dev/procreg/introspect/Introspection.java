package dev.procreg.introspect;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.group.ProcessGroups;
import dev.procreg.process.CallTimeoutException;
import dev.procreg.process.ExitReason;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessException;
import dev.procreg.process.ProcessInfo;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.ProcessSummary;
import dev.procreg.registry.Keys;
import dev.procreg.registry.PartitionBy;
import dev.procreg.registry.PartitionStats;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryEntry;
import dev.procreg.supervisor.ChildInfo;
import dev.procreg.supervisor.ChildType;
import dev.procreg.supervisor.Restart;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.SupervisionTree;
import dev.procreg.supervisor.Supervisor;
import dev.procreg.supervisor.SupervisorInfo;
import dev.procreg.supervisor.TopLevelSupervisors;
import dev.procreg.worker.KeyedWorkers;
import dev.procreg.worker.WorkerSpec;

/**
 * The read model operators see, one for every adapter: the actuator endpoint, the admin page,
 * health and metrics render what this class returns and describe nothing themselves.
 *
 * <pre>{@code
 * Introspection introspection = new Introspection(runtime, topLevelSupervisors, Introspection.Settings.defaults());
 * introspection.keys("sessions", 0, 20, "donor-", false, ValueProjection.IDENTITY)
 *     .ifPresent(page -> page.items().forEach(item -> System.out.println(item.key())));
 * introspection.terminate(pid, TerminatePolicy.shutdownThenKill(Duration.ofSeconds(5)));
 * }</pre>
 *
 * <h2>Costs</h2>
 * Every question to a supervisor waits at most {@link Settings#supervisorTimeout()}, so a busy
 * supervisor never holds a request thread or a metrics scrape; what does not answer in time is
 * left out (a subtree) or counted as unknown ({@code null}). A page of keys is cut before any
 * value is projected: projecting (sanitizing) costs one call per entry shown, whatever the size
 * of the registry.
 *
 * <h2>Pids of other nodes</h2>
 * Views carry {@link Pid}s, which name their node; an entry or member whose pid is not of this
 * runtime's node is shown with {@code local = false} and without the details only its own node
 * knows. Terminating such a pid is refused.
 */
public final class Introspection {

	/** The largest page of keys. */
	public static final int MAX_PAGE = 1000;

	private static final Logger logger = LoggerFactory.getLogger(Introspection.class);

	private final ProcessRuntime runtime;

	private final @Nullable TopLevelSupervisors topLevel;

	private final Settings settings;

	private final Map<String, KeyIndex> keyIndexes = new ConcurrentHashMap<>();

	/** Registries whose keys a background sort is ordering now. */
	private final Set<String> sorting = ConcurrentHashMap.newKeySet();

	/**
	 * @param runtime the runtime shown
	 * @param topLevel the application's top-level supervisors, or {@code null}
	 * @param settings bounds and limits
	 */
	public Introspection(ProcessRuntime runtime, @Nullable TopLevelSupervisors topLevel, Settings settings) {
		this.runtime = Objects.requireNonNull(runtime, "runtime must not be null");
		this.topLevel = topLevel;
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
	}

	/** @return the runtime shown */
	public ProcessRuntime runtime() {
		return this.runtime;
	}

	/** @return the settings */
	public Settings settings() {
		return this.settings;
	}

	// ---- registries

	/** @return every registry of the runtime, in creation order, with its counters */
	public List<RegistryView> registries() {
		return ProcessRegistry.all(this.runtime).stream().map(RegistryView::of).toList();
	}

	/**
	 * One page of a registry's keys, sorted by their text. The page is cut first; only its
	 * entries' values go through {@code projection}.
	 * @param registry the registry's name
	 * @param offset how many matching keys to skip, at least 0
	 * @param limit how many keys to return, from 1 to {@value #MAX_PAGE} (larger is cut)
	 * @param prefix only keys whose text starts with it; {@code null} or empty for all
	 * @param withProcesses whether each entry carries its process's status and its supervisor's
	 * record of it (one bounded call per distinct supervisor of the page)
	 * @param projection what an entry's value is shown as
	 * @return the page, or empty when there is no such registry
	 * @throws IllegalArgumentException for a negative offset or a limit below 1
	 */
	public Optional<KeyPage> keys(String registry, int offset, int limit, @Nullable String prefix,
			boolean withProcesses, ValueProjection projection) {
		if (offset < 0 || limit < 1) {
			throw new IllegalArgumentException(
					"offset must be at least 0 and limit at least 1, were " + offset + " and " + limit);
		}
		ProcessRegistry<Object, Object> found = registry(registry);
		if (found == null) {
			return Optional.empty();
		}
		KeyIndex index = keyIndex(found);
		int from = 0;
		int to = index.texts.length;
		if (prefix != null && !prefix.isEmpty()) {
			from = index.lowerBound(prefix);
			to = index.lowerBound(prefix + Character.MAX_VALUE);
		}
		int size = Math.min(limit, MAX_PAGE);
		Set<Pid> unanswered = new HashSet<>();
		List<KeyEntries> items = new ArrayList<>(Math.min(size, Math.max(0, to - from)));
		for (int i = from + offset; i < to && items.size() < size; i++) {
			List<EntryView> entries = new ArrayList<>(1);
			for (Object key : index.keys[i]) {
				for (RegistryEntry<Object, Object> entry : found.lookup(key)) {
					entries.add(entryView(registry, entry, withProcesses, projection, unanswered));
				}
			}
			if (!entries.isEmpty()) {
				items.add(new KeyEntries(index.texts[i], entries));
			}
		}
		return Optional.of(new KeyPage(registry, found.keys(), Math.max(0, to - from), offset, size, items));
	}

	/**
	 * The registry's keys sorted by their text, reused while the registry's counters of
	 * registrations and unregistrations have not moved (nothing was added or removed). Once they
	 * moved and the index is older than {@link Settings#keyIndexMaxAge()}, a page is still served
	 * from it and one background sort per registry makes the next (with a zero age, the sort runs
	 * on the request at once): a refresh costs the page, not the registry.
	 */
	private KeyIndex keyIndex(ProcessRegistry<Object, Object> registry) {
		long changes = changes(registry);
		long now = System.nanoTime();
		KeyIndex index = this.keyIndexes.get(registry.name());
		long maxAge = this.settings.keyIndexMaxAge().toNanos();
		if (index == null || index.registry != registry || (maxAge == 0 && index.changes != changes)) {
			index = sortKeys(registry, changes, now);
			this.keyIndexes.put(registry.name(), index);
		}
		else if (index.changes != changes && now - index.builtAt >= maxAge && this.sorting.add(registry.name())) {
			Thread.ofVirtual().name("procreg-key-index").start(() -> resort(registry));
		}
		return index;
	}

	/** The background sort of a registry's keys, one per registry at a time. */
	private void resort(ProcessRegistry<Object, Object> registry) {
		try {
			KeyIndex index = sortKeys(registry, changes(registry), System.nanoTime());
			this.keyIndexes.computeIfPresent(registry.name(), (name, old) -> (old.registry == registry) ? index : old);
		}
		catch (RuntimeException ex) {
			// a registry stopped meanwhile: the next page finds it gone, or sorts again
			logger.debug("Sorting the keys of registry '{}' failed", registry.name(), ex);
		}
		finally {
			this.sorting.remove(registry.name());
		}
	}

	private static KeyIndex sortKeys(ProcessRegistry<Object, Object> registry, long changes, long now) {
		TreeMap<String, List<Object>> byText = new TreeMap<>();
		for (Object key : registry.select((entry) -> true, RegistryEntry::key)) {
			List<Object> keys = byText.computeIfAbsent(String.valueOf(key), (text) -> new ArrayList<>(1));
			if (!keys.contains(key)) {
				keys.add(key);
			}
		}
		String[] texts = byText.keySet().toArray(String[]::new);
		Object[][] keys = new Object[texts.length][];
		int i = 0;
		for (List<Object> group : byText.values()) {
			keys[i++] = group.toArray();
		}
		return new KeyIndex(registry, changes, now, texts, keys);
	}

	/**
	 * The processes holding a key whose text starts with {@code prefix}, in any registry, found
	 * through each registry's sorted key index (shared with the pages of keys): O(log keys +
	 * matches). {@code registry:prefix} searches that registry only.
	 */
	Set<Pid> pidsByKeyPrefix(String prefix) {
		Set<Pid> pids = new LinkedHashSet<>();
		for (ProcessRegistry<?, ?> candidate : ProcessRegistry.all(this.runtime)) {
			@SuppressWarnings({ "unchecked", "rawtypes" })
			ProcessRegistry<Object, Object> registry = (ProcessRegistry) candidate;
			String name = registry.name();
			List<String> searches = new ArrayList<>(2);
			searches.add(prefix);
			if (prefix.length() > name.length() && prefix.startsWith(name) && prefix.charAt(name.length()) == ':') {
				searches.add(prefix.substring(name.length() + 1));
			}
			KeyIndex index = keyIndex(registry);
			for (String search : searches) {
				int to = index.lowerBound(search + Character.MAX_VALUE);
				for (int i = index.lowerBound(search); i < to; i++) {
					for (Object key : index.keys[i]) {
						for (RegistryEntry<Object, Object> entry : registry.lookup(key)) {
							pids.add(entry.pid());
						}
					}
				}
			}
		}
		return pids;
	}

	private static long changes(ProcessRegistry<?, ?> registry) {
		long changes = 0;
		for (PartitionStats stats : registry.partitionStats()) {
			changes += stats.registrations() + stats.unregistrations();
		}
		return changes;
	}

	/** A registry's keys sorted by text, as read at one moment. */
	private record KeyIndex(ProcessRegistry<Object, Object> registry, long changes, long builtAt, String[] texts,
			Object[][] keys) {

		int lowerBound(String text) {
			int low = 0;
			int high = this.texts.length;
			while (low < high) {
				int mid = (low + high) >>> 1;
				if (this.texts[mid].compareTo(text) < 0) {
					low = mid + 1;
				}
				else {
					high = mid;
				}
			}
			return low;
		}

	}

	/**
	 * One key's entries, each with its process in detail.
	 * @param registry the registry's name
	 * @param key the key's text
	 * @param projection what an entry's value is shown as
	 * @return the entries of live processes, or empty when there is no such registry or key
	 */
	public Optional<List<EntryDetail>> key(String registry, String key, ValueProjection projection) {
		ProcessRegistry<Object, Object> found = registry(registry);
		if (found == null) {
			return Optional.empty();
		}
		List<EntryDetail> details = new ArrayList<>();
		for (RegistryEntry<Object, Object> entry : entriesOf(found, key)) {
			process(entry.pid()).ifPresent((process) -> details
				.add(new EntryDetail(process, projection.project(registry, entry.key(), entry.value()))));
		}
		return details.isEmpty() ? Optional.empty() : Optional.of(details);
	}

	private EntryView entryView(String registry, RegistryEntry<Object, Object> entry, boolean withProcesses,
			ValueProjection projection, Set<Pid> unanswered) {
		Pid pid = entry.pid();
		boolean local = isLocal(pid);
		ProcessInfo.Status status = null;
		ChildInfo child = null;
		if (withProcesses && local) {
			ProcessInfo info = this.runtime.processInfo(pid).orElse(null);
			status = (info != null) ? info.status() : ProcessInfo.Status.EXITED;
			child = (info != null) ? childRecord(info, unanswered) : null;
		}
		return new EntryView(pid, local, projection.project(registry, entry.key(), entry.value()), status, child);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private @Nullable ProcessRegistry<Object, Object> registry(String name) {
		return (ProcessRegistry) ProcessRegistry.named(this.runtime, name).orElse(null);
	}

	private static List<RegistryEntry<Object, Object>> entriesOf(ProcessRegistry<Object, Object> registry,
			String key) {
		return registry.select((entry) -> key.equals(String.valueOf(entry.key())), Function.identity());
	}

	// ---- processes

	/**
	 * One process with its supervisor's record of it.
	 * @param pid the process
	 * @return the process; for a pid of another node a view without local details; empty when a
	 * local process is not alive
	 */
	public Optional<ProcessView> process(Pid pid) {
		Objects.requireNonNull(pid, "pid must not be null");
		if (!isLocal(pid)) {
			return Optional.of(ProcessView.remote(pid));
		}
		ProcessInfo info = this.runtime.processInfo(pid).orElse(null);
		if (info == null) {
			return Optional.empty();
		}
		ChildInfo child = childRecord(info, new HashSet<>());
		return Optional.of(new ProcessView(pid, true, info, child,
				SupervisionTree.kindOf(this.runtime, pid).orElse(null)));
	}

	/**
	 * The supervisor's record of a process, asked of the supervisor for this one child (O(1) for a
	 * dynamic supervisor of any size), bounded; a supervisor that did not answer in time is not
	 * asked again in the same request.
	 * @param unanswered supervisors that did not answer in this request
	 */
	private @Nullable ChildInfo childRecord(ProcessInfo info, Set<Pid> unanswered) {
		Pid parent = info.parent();
		if (parent == null || unanswered.contains(parent) || SupervisionTree.kindOf(this.runtime, parent).isEmpty()) {
			return null;
		}
		try {
			return SupervisionTree.child(this.runtime, parent, info.pid(), this.settings.supervisorTimeout())
				.orElse(null);
		}
		catch (ProcessException | IllegalArgumentException ex) {
			// exited meanwhile, or busy past the timeout: no record shown, and no second wait
			unanswered.add(parent);
			return null;
		}
	}

	private boolean isLocal(Pid pid) {
		return pid.node().equals(this.runtime.node());
	}

	/**
	 * One process in detail for an operator's drawer: what {@link #process(Pid)} shows, plus its
	 * counters, its names and keys apart, its supervisor's record of it with its recent exits
	 * (one bounded call to that supervisor, in O(1) for a dynamic one) and the confirmation a
	 * terminate needs.
	 * @param pid the process
	 * @return the detail, or empty when it is not a live process of this runtime
	 */
	public Optional<ProcessDetail> processDetail(Pid pid) {
		Objects.requireNonNull(pid, "pid must not be null");
		if (!isLocal(pid)) {
			return Optional.empty();
		}
		ProcessInfo info = this.runtime.processInfo(pid).orElse(null);
		ProcessSummary summary = this.runtime.summary(pid).orElse(null);
		if (info == null || summary == null) {
			return Optional.empty();
		}
		Map<Pid, String> topNames = topLevelNames();
		Naming naming = naming(summary, topNames, new HashMap<>());
		ChildInfo child = null;
		String supervisorName = null;
		Pid parent = info.parent();
		if (parent != null && SupervisionTree.kindOf(this.runtime, parent).isPresent()) {
			try {
				// the process's own pid: one read back from text does not know its incarnation, and
				// the supervisor finds its child by the pid it holds
				child = SupervisionTree.child(this.runtime, parent, info.pid(), this.settings.supervisorTimeout())
					.orElse(null);
			}
			catch (ProcessException | IllegalArgumentException ex) {
				// the supervisor exited meanwhile, or is busy past the timeout: no record shown
			}
			supervisorName = displayName(parent, topNames);
		}
		return Optional.of(new ProcessDetail(info, summary.messagesHandled(), naming.names(), naming.keys(), child,
				supervisorName, naming.supervisorKind(), naming.confirm(), naming.reasons()));
	}

	/**
	 * Whether terminating a process needs an operator to type its name first, and which: a
	 * supervisor (its children go with it), a registered singleton (a registered name or a key of
	 * a unique registry: whoever calls it by name fails until it is back) and the last running
	 * child of its supervisor do. The text is the name the console shows: the registered name,
	 * else the top-level supervisor's name, else the first registry key ({@code registry:key}),
	 * else the pid.
	 * @param pid the process
	 * @return what must be typed and why, or empty when no confirmation is needed or the process
	 * is not alive
	 */
	public Optional<Confirmation> confirmation(Pid pid) {
		Objects.requireNonNull(pid, "pid must not be null");
		if (!isLocal(pid)) {
			return Optional.empty();
		}
		return this.runtime.summary(pid)
			.map((summary) -> naming(summary, topLevelNames(), new HashMap<>()))
			.filter((naming) -> naming.confirm() != null)
			.map((naming) -> new Confirmation(naming.confirm(), naming.reasons()));
	}

	/** @return the top-level supervisors' names by pid, asking no process */
	Map<Pid, String> topLevelNames() {
		Map<Pid, String> names = new HashMap<>();
		for (TopLevelSupervisors.Status status : topLevelStatuses()) {
			if (status.pid() != null && status.running()) {
				names.put(status.pid(), status.name());
			}
		}
		return names;
	}

	private String displayName(Pid pid, Map<Pid, String> topNames) {
		String top = topNames.get(pid);
		if (top != null) {
			return top;
		}
		for (String name : this.runtime.summary(pid).map(ProcessSummary::registeredNames).orElse(List.of())) {
			return name;
		}
		return pid.toString();
	}

	/**
	 * A process's names and keys apart, its kind, and the confirmation its terminate needs.
	 * @param lastChild per supervisor, whether it has one running child; filled as asked (one
	 * bounded call per supervisor of a page)
	 */
	Naming naming(ProcessSummary summary, Map<Pid, String> topNames, Map<Pid, Boolean> lastChild) {
		Pid pid = summary.pid();
		List<String> names = new ArrayList<>(1);
		List<String> keys = new ArrayList<>(summary.registeredNames().size());
		for (String name : summary.registeredNames()) {
			if (pid.equals(this.runtime.whereis(name).orElse(null))) {
				names.add(name);
			}
			else {
				keys.add(name);
			}
		}
		SupervisorInfo.Kind kind = SupervisionTree.kindOf(this.runtime, pid).orElse(null);
		List<String> reasons = new ArrayList<>(2);
		if (kind != null) {
			reasons.add("it is a supervisor: its children stop with it");
		}
		if (!names.isEmpty()) {
			reasons.add("it is registered as '" + names.getFirst() + "'");
		}
		for (String key : keys) {
			String registry = uniqueRegistryOf(key);
			if (registry != null) {
				reasons.add("it holds the key '" + key.substring(registry.length() + 1) + "' of the unique registry '"
						+ registry + "'");
				break;
			}
		}
		Pid parent = summary.parent();
		if (parent != null && SupervisionTree.kindOf(this.runtime, parent).isPresent()
				&& lastChild.computeIfAbsent(parent, this::hasOneRunningChild)) {
			reasons.add("it is the last running child of supervisor " + displayName(parent, topNames));
		}
		String confirm = null;
		if (!reasons.isEmpty()) {
			String top = topNames.get(pid);
			confirm = !names.isEmpty() ? names.getFirst()
					: (top != null) ? top : !keys.isEmpty() ? keys.getFirst() : pid.toString();
		}
		return new Naming(List.copyOf(names), List.copyOf(keys), kind, confirm, List.copyOf(reasons));
	}

	private boolean hasOneRunningChild(Pid supervisor) {
		try {
			return SupervisionTree.runningChildren(this.runtime, supervisor, this.settings.supervisorTimeout()) == 1;
		}
		catch (ProcessException | IllegalArgumentException ex) {
			return false; // exited meanwhile, or busy past the timeout
		}
	}

	/** @return the name of the unique registry a key's text ({@code registry:key}) is of, or {@code null} */
	private @Nullable String uniqueRegistryOf(String key) {
		String found = null;
		for (ProcessRegistry<?, ?> registry : ProcessRegistry.all(this.runtime)) {
			String name = registry.name();
			if (registry.keys() == Keys.UNIQUE && key.length() > name.length() && key.startsWith(name)
					&& key.charAt(name.length()) == ':' && (found == null || name.length() > found.length())) {
				found = name;
			}
		}
		return found;
	}

	/**
	 * What the console shows of a process's names, with its terminate's confirmation.
	 *
	 * @param names registered runtime names
	 * @param keys registry keys ({@code registry:key})
	 * @param supervisorKind its kind when it is a supervisor
	 * @param confirm the text to type before terminating it, or {@code null}
	 * @param reasons why the confirmation is needed; empty when it is not
	 */
	record Naming(List<String> names, List<String> keys, SupervisorInfo.@Nullable Kind supervisorKind,
			@Nullable String confirm, List<String> reasons) {
	}

	// ---- counts

	/**
	 * What the console's home shows in figures, asking no process: O(registries + scopes +
	 * supervisors), whatever the number of keys and processes.
	 * @return the counts
	 */
	public Counts counts() {
		long keys = 0;
		List<ProcessRegistry<?, ?>> registries = ProcessRegistry.all(this.runtime);
		for (ProcessRegistry<?, ?> registry : registries) {
			keys += registry.keyCount();
		}
		int groups = 0;
		for (ProcessGroups scope : ProcessGroups.scopes(this.runtime)) {
			groups += scope.whichGroups().size();
		}
		return new Counts(this.runtime.processCount(), registries.size(), keys,
				SupervisionTree.supervisors(this.runtime).size(), groups);
	}

	// ---- supervision

	/**
	 * The supervision tree, root by root; each node lists at most
	 * {@link Settings#maxChildren()} children and counts the rest.
	 * @return the roots
	 */
	public List<SupervisorNode> supervisionTree() {
		Map<Pid, String> topNames = new HashMap<>();
		for (TopLevelSupervisors.Status status : topLevelStatuses()) {
			if (status.pid() != null) {
				topNames.put(status.pid(), status.name());
			}
		}
		List<SupervisorNode> roots = new ArrayList<>();
		for (SupervisorInfo root : SupervisionTree.roots(this.runtime, this.settings.supervisorTimeout(),
				this.settings.maxChildren())) {
			roots.add(node(root, topNames));
		}
		return roots;
	}

	private SupervisorNode node(SupervisorInfo info, Map<Pid, String> topNames) {
		String name = topNames.get(info.pid());
		if (name == null) {
			name = this.runtime.summary(info.pid())
				.map(ProcessSummary::registeredNames)
				.filter((names) -> !names.isEmpty())
				.map(List::getFirst)
				.orElse(null);
		}
		List<ChildNode> children = new ArrayList<>();
		for (ChildInfo child : info.children()) {
			if (children.size() == this.settings.maxChildren()) {
				break;
			}
			children.add(new ChildNode(String.valueOf(child.id()), child.pid(), child.type(), child.restart(),
					child.restartCount(), child.lastExitReason(), child.lastExitAt(), child.recentExits(),
					(child.subtree() != null) ? node(child.subtree(), topNames) : null));
		}
		return new SupervisorNode(info.pid(), name, info.kind(), info.strategy(), info.maxRestarts(),
				info.maxSeconds(), info.restartsInWindow(), SupervisionTree.restarts(this.runtime, info.pid()).orElse(0),
				info.childCount(), children);
	}

	/**
	 * The application's top-level supervisors in start order, each with its children counted
	 * (bounded; {@code null} when it does not answer in time) and its restarts.
	 * @return the supervisors; empty without top-level supervisors
	 */
	public List<TopLevelView> topLevel() {
		List<TopLevelView> views = new ArrayList<>();
		for (TopLevelSupervisors.Status status : topLevelStatuses()) {
			Integer children = null;
			Pid pid = status.pid();
			if (status.running() && pid != null) {
				try {
					children = Supervisor.countChildren(this.runtime, pid, this.settings.supervisorTimeout()).specs();
				}
				catch (ProcessException | IllegalArgumentException ex) {
					// exited meanwhile, or busy past the timeout
				}
			}
			views.add(new TopLevelView(status, children));
		}
		return views;
	}

	/** @return the top-level supervisors' statuses, asking no process */
	public List<TopLevelSupervisors.Status> topLevelStatuses() {
		return (this.topLevel != null) ? this.topLevel.statuses() : List.of();
	}

	/** @return the runtime's keyed worker types, with their running workers counted (bounded) */
	public List<WorkerTypeView> workerTypes() {
		List<WorkerTypeView> views = new ArrayList<>();
		for (KeyedWorkers<?> workers : KeyedWorkers.all(this.runtime)) {
			WorkerSpec<?> spec = workers.spec();
			views.add(new WorkerTypeView(spec.name(), spec.supervisorName(), spec.restart(), spec.idleTimeout(),
					spec.maxInstances(), spec.partitions(), workers.activeWorkers(this.settings.supervisorTimeout()),
					workers.restarts(), spec.metadata().keySet()));
		}
		return views;
	}

	// ---- groups

	/**
	 * Every scope's groups sorted by name, each listing at most {@link Settings#maxMembers()}
	 * members and counting all.
	 * @return the scopes
	 */
	public List<ScopeView> groups() {
		List<ScopeView> scopes = new ArrayList<>();
		for (ProcessGroups scope : ProcessGroups.scopes(this.runtime)) {
			List<GroupView> groups = new ArrayList<>();
			for (Object group : scope.whichGroups()) {
				List<Pid> members = scope.members(group);
				groups.add(new GroupView(String.valueOf(group), members.size(),
						List.copyOf(members.subList(0, Math.min(members.size(), this.settings.maxMembers())))));
			}
			groups.sort(Comparator.comparing(GroupView::name));
			scopes.add(new ScopeView(scope.name(), groups));
		}
		return scopes;
	}

	// ---- health

	/**
	 * DOWN when the runtime is closed or a top-level supervisor gave up; asks no process.
	 * @return the health
	 */
	public HealthView health() {
		List<TopLevelSupervisors.Status> statuses = topLevelStatuses();
		if (this.runtime.isClosed()) {
			return new HealthView(false, this.runtime.node(), this.runtime.processCount(),
					"the process runtime is closed", statuses);
		}
		List<String> gaveUp = statuses.stream()
			.filter(TopLevelSupervisors.Status::gaveUp)
			.map(TopLevelSupervisors.Status::name)
			.toList();
		return new HealthView(gaveUp.isEmpty(), this.runtime.node(), this.runtime.processCount(),
				gaveUp.isEmpty() ? null : "supervisors gave up: " + String.join(", ", gaveUp), statuses);
	}

	// ---- actions

	/**
	 * Terminates a process by a policy. Its supervisor, if any, treats the exit as any other: a
	 * permanent child comes back with a new pid.
	 * @param pid the process
	 * @param policy shutdown then kill, or kill
	 * @return what was done, or empty when the process is not alive
	 * @throws IllegalArgumentException when the pid is of another node
	 */
	public Optional<Terminated> terminate(Pid pid, TerminatePolicy policy) {
		Objects.requireNonNull(policy, "policy must not be null");
		if (!isLocal(Objects.requireNonNull(pid, "pid must not be null"))) {
			throw new IllegalArgumentException(pid + " runs on node " + pid.node() + "; runtime "
					+ this.runtime.node() + " terminates only its own processes");
		}
		ProcessInfo info = this.runtime.processInfo(pid).orElse(null);
		if (info == null) {
			return Optional.empty();
		}
		try {
			return Optional.of(new Terminated(pid, info.registeredNames(), end(pid, policy)));
		}
		catch (NoProcessException ex) {
			return Optional.empty();
		}
	}

	private Terminated.How end(Pid pid, TerminatePolicy policy) {
		if (policy.killsAtOnce()) {
			this.runtime.exit(pid, ExitReason.KILL);
			this.runtime.awaitExit(pid, Duration.ofSeconds(1));
			return Terminated.How.KILLED;
		}
		try {
			this.runtime.stop(pid, ExitReason.SHUTDOWN, policy.grace());
			return Terminated.How.SHUTDOWN;
		}
		catch (CallTimeoutException ex) {
			this.runtime.exit(pid, ExitReason.KILL);
			this.runtime.awaitExit(pid, Duration.ofSeconds(1));
			return Terminated.How.KILLED_AFTER_GRACE;
		}
	}

	/**
	 * Terminates the processes behind a key: a keyed worker through its supervisor (so it is not
	 * restarted), any other process by the policy.
	 * @param registry the registry's name
	 * @param key the key's text
	 * @param policy how a process that is no keyed worker ends
	 * @return what was done, or empty when there is no such registry or key
	 */
	@SuppressWarnings("unchecked")
	public Optional<List<Terminated>> terminateKey(String registry, String key, TerminatePolicy policy) {
		ProcessRegistry<Object, Object> found = registry(registry);
		if (found == null) {
			return Optional.empty();
		}
		List<RegistryEntry<Object, Object>> entries = entriesOf(found, key);
		if (entries.isEmpty()) {
			return Optional.empty();
		}
		KeyedWorkers<Object> workers = (KeyedWorkers<Object>) KeyedWorkers.all(this.runtime)
			.stream()
			.filter((candidate) -> candidate.registry() == found)
			.findFirst()
			.orElse(null);
		List<Terminated> done = new ArrayList<>();
		for (RegistryEntry<Object, Object> entry : entries) {
			List<String> names = this.runtime.processInfo(entry.pid())
				.map(ProcessInfo::registeredNames)
				.orElse(List.of());
			if (workers != null && workers.stop(entry.key())) {
				done.add(new Terminated(entry.pid(), names, Terminated.How.STOPPED_BY_SUPERVISOR));
				continue;
			}
			if (isLocal(entry.pid())) {
				terminate(entry.pid(), policy).ifPresent(done::add);
			}
		}
		return Optional.of(done);
	}

	// ---- views

	/**
	 * What the console's home counts.
	 *
	 * @param processes live processes
	 * @param registries registries
	 * @param keys distinct keys over all registries
	 * @param supervisors live supervisors, nested ones included
	 * @param groups process groups over all scopes
	 */
	public record Counts(int processes, int registries, long keys, int supervisors, int groups) {
	}

	/**
	 * What terminating a process needs an operator to type, and why.
	 *
	 * @param expected the text
	 * @param reasons why the confirmation is needed
	 */
	public record Confirmation(String expected, List<String> reasons) {
	}

	/**
	 * One process in detail.
	 *
	 * @param info what its runtime knows of it
	 * @param messagesHandled messages it handled since it started
	 * @param names its registered runtime names
	 * @param keys its registry keys ({@code registry:key})
	 * @param child its supervisor's record of it (restarts, recent exits), or {@code null}
	 * @param supervisorName the name its supervisor is shown by, or {@code null} when unsupervised
	 * @param supervisorKind its kind when it is a supervisor itself, or {@code null}
	 * @param confirm the text to type before terminating it, or {@code null}
	 * @param confirmReasons why the confirmation is needed
	 */
	public record ProcessDetail(ProcessInfo info, long messagesHandled, List<String> names, List<String> keys,
			@Nullable ChildInfo child, @Nullable String supervisorName, SupervisorInfo.@Nullable Kind supervisorKind,
			@Nullable String confirm, List<String> confirmReasons) {
	}

	/**
	 * Bounds and limits of the read model.
	 *
	 * @param supervisorTimeout how long one supervisor may take to answer a question
	 * @param terminateGrace how long a process terminated by an operator may take to run
	 * {@code terminate} before it is killed: the {@link #terminatePolicy() terminate policy}
	 * @param maxChildren the most children of one supervisor a tree node lists
	 * @param maxMembers the most members of one group a view lists
	 * @param keyIndexMaxAge how long a registry's sorted keys are reused for pages while the
	 * registry changes (they are reused for as long as it does not change); once older, pages
	 * are still served from them while one background sort makes the next; zero to sort again on
	 * the page after every change
	 */
	public record Settings(Duration supervisorTimeout, Duration terminateGrace, int maxChildren, int maxMembers,
			Duration keyIndexMaxAge) {

		/**
		 * @throws IllegalArgumentException for a timeout that is not positive, a negative age or a
		 * limit below 1
		 */
		public Settings {
			Objects.requireNonNull(supervisorTimeout, "supervisorTimeout must not be null");
			Objects.requireNonNull(terminateGrace, "terminateGrace must not be null");
			Objects.requireNonNull(keyIndexMaxAge, "keyIndexMaxAge must not be null");
			if (keyIndexMaxAge.isNegative()) {
				throw new IllegalArgumentException("keyIndexMaxAge must not be negative, was " + keyIndexMaxAge);
			}
			if (supervisorTimeout.isZero() || supervisorTimeout.isNegative()) {
				throw new IllegalArgumentException("supervisorTimeout must be positive, was " + supervisorTimeout);
			}
			if (maxChildren < 1 || maxMembers < 1) {
				throw new IllegalArgumentException(
						"maxChildren and maxMembers must be at least 1, were " + maxChildren + " and " + maxMembers);
			}
		}

		/**
		 * Settings whose key index is rebuilt as soon as its registry changed.
		 * @param supervisorTimeout how long one supervisor may take to answer a question
		 * @param terminateGrace how long a terminated process may run {@code terminate}
		 * @param maxChildren the most children of one supervisor a tree node lists
		 * @param maxMembers the most members of one group a view lists
		 */
		public Settings(Duration supervisorTimeout, Duration terminateGrace, int maxChildren, int maxMembers) {
			this(supervisorTimeout, terminateGrace, maxChildren, maxMembers, Duration.ZERO);
		}

		/** @return 1 second per supervisor, 5 seconds' grace, 100 children, 100 members, a fresh key index */
		public static Settings defaults() {
			return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(5), 100, 100);
		}

		/** @return shutdown, then kill after {@link #terminateGrace()} */
		public TerminatePolicy terminatePolicy() {
			return TerminatePolicy.shutdownThenKill(this.terminateGrace);
		}

	}

	/**
	 * One registry.
	 *
	 * @param name its name
	 * @param keys unique or duplicate
	 * @param partitionBy how duplicate entries are partitioned
	 * @param partitions the number of partitions
	 * @param keyCount distinct keys held
	 * @param entryCount entries held
	 * @param partitionStats each partition's counters
	 */
	public record RegistryView(String name, Keys keys, PartitionBy partitionBy, int partitions, long keyCount,
			long entryCount, List<PartitionStats> partitionStats) {

		static RegistryView of(ProcessRegistry<?, ?> registry) {
			return new RegistryView(registry.name(), registry.keys(), registry.partitionBy(), registry.partitions(),
					registry.keyCount(), registry.count(), registry.partitionStats());
		}

	}

	/**
	 * One page of a registry's keys.
	 *
	 * @param registry the registry's name
	 * @param keys unique or duplicate
	 * @param total how many keys match the prefix
	 * @param offset keys skipped
	 * @param limit the page size
	 * @param items the keys of this page
	 */
	public record KeyPage(String registry, Keys keys, int total, int offset, int limit, List<KeyEntries> items) {
	}

	/**
	 * One key with its entries.
	 *
	 * @param key the key's text
	 * @param entries its entries
	 */
	public record KeyEntries(String key, List<EntryView> entries) {
	}

	/**
	 * One registry entry.
	 *
	 * @param pid the process
	 * @param local whether the process is of this runtime's node
	 * @param value its value, projected
	 * @param status what the process does, when asked for and local
	 * @param child its supervisor's record of it, when asked for, local and supervised
	 */
	public record EntryView(Pid pid, boolean local, @Nullable Object value, ProcessInfo.@Nullable Status status,
			@Nullable ChildInfo child) {
	}

	/**
	 * One entry of a key with its process in detail.
	 *
	 * @param process the process
	 * @param value its value, projected
	 */
	public record EntryDetail(ProcessView process, @Nullable Object value) {
	}

	/**
	 * One process.
	 *
	 * @param pid the process
	 * @param local whether it is of this runtime's node; a remote process has no details here
	 * @param info what its runtime knows of it, or {@code null} for a remote process
	 * @param child its supervisor's record of it, or {@code null}
	 * @param supervisorKind its kind when it is a supervisor itself, or {@code null}
	 */
	public record ProcessView(Pid pid, boolean local, @Nullable ProcessInfo info, @Nullable ChildInfo child,
			SupervisorInfo.@Nullable Kind supervisorKind) {

		static ProcessView remote(Pid pid) {
			return new ProcessView(pid, false, null, null, null);
		}

		/**
		 * @param now the time to measure from
		 * @return how long it has run, or {@code null} for a remote process
		 */
		public @Nullable Duration uptime(Instant now) {
			return (this.info != null) ? Duration.between(this.info.startedAt(), now) : null;
		}

	}

	/**
	 * A supervisor in the tree.
	 *
	 * @param pid its process
	 * @param name its top-level or registered name, or {@code null}
	 * @param kind static or dynamic
	 * @param strategy its strategy
	 * @param maxRestarts restarts allowed within {@code maxSeconds}
	 * @param maxSeconds the intensity window
	 * @param restartsInWindow restarts counted in the current window
	 * @param restarts restarts it and the supervisors below it made since it started
	 * @param childCount all its children
	 * @param children its first children, at most {@link Settings#maxChildren()}
	 */
	public record SupervisorNode(Pid pid, @Nullable String name, SupervisorInfo.Kind kind, Strategy strategy,
			int maxRestarts, int maxSeconds, int restartsInWindow, long restarts, int childCount,
			List<ChildNode> children) {
	}

	/**
	 * A child in the tree.
	 *
	 * @param id its id
	 * @param pid its process, or {@code null} when it does not run
	 * @param type worker or supervisor
	 * @param restart its restart type
	 * @param restartCount how often it was restarted
	 * @param lastExitReason why it last exited, or {@code null}
	 * @param lastExitAt when, or {@code null}
	 * @param recentExits its last exits, newest first
	 * @param subtree a supervisor child's own node
	 */
	public record ChildNode(String id, @Nullable Pid pid, ChildType type, Restart restart, int restartCount,
			@Nullable ExitReason lastExitReason, @Nullable Instant lastExitAt, List<ChildInfo.ChildExit> recentExits,
			@Nullable SupervisorNode subtree) {
	}

	/**
	 * A top-level supervisor.
	 *
	 * @param status what is known of it
	 * @param children its children, or {@code null} when it does not run or did not answer in time
	 */
	public record TopLevelView(TopLevelSupervisors.Status status, @Nullable Integer children) {
	}

	/**
	 * A keyed worker type.
	 *
	 * @param name its name, which is its registry's
	 * @param supervisor its top-level supervisor's name
	 * @param restart its restart type
	 * @param idleTimeout its idle timeout, or {@code null}
	 * @param maxInstances its limit, 0 for none
	 * @param partitions its partition supervisors
	 * @param workers workers running now (partitions that did not answer in time count 0)
	 * @param restarts restarts its supervisors made since it started
	 * @param metadataKeys the keys of the metadata every worker registers with (never the values)
	 */
	public record WorkerTypeView(String name, String supervisor, Restart restart, @Nullable Duration idleTimeout,
			int maxInstances, int partitions, int workers, long restarts, Set<String> metadataKeys) {
	}

	/**
	 * The groups of one scope.
	 *
	 * @param scope the scope's name
	 * @param groups its groups with members, by name
	 */
	public record ScopeView(String scope, List<GroupView> groups) {
	}

	/**
	 * A process group.
	 *
	 * @param name the group
	 * @param memberCount all its members
	 * @param members its first members, at most {@link Settings#maxMembers()}
	 */
	public record GroupView(String name, int memberCount, List<Pid> members) {
	}

	/**
	 * The runtime's health.
	 *
	 * @param up whether it is up
	 * @param node the node name
	 * @param processes live processes
	 * @param error why it is down, or {@code null}
	 * @param supervisors the top-level supervisors
	 */
	public record HealthView(boolean up, String node, int processes, @Nullable String error,
			List<TopLevelSupervisors.Status> supervisors) {
	}

}
