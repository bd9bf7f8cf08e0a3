package dev.procreg.group;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;
import dev.procreg.process.internal.Replication;
import dev.procreg.process.internal.Runtimes;

/**
 * One scope of process groups, Erlang's {@code :pg}: processes join named groups, any number of
 * times, and anyone lists a group's members, for example to broadcast to them. A member leaves
 * with {@link #leave} (as many times as it joined) or by exiting. Groups appear on the first
 * join and disappear when their last member leaves.
 *
 * <pre>{@code
 * ProcessGroups groups = ProcessGroups.start(runtime);          // the default scope
 *
 * // inside each payment worker
 * groups.join("donation_workers", ctx.self());
 *
 * // anywhere
 * for (Pid worker : groups.members("donation_workers")) {
 *     runtime.send(worker, new RefreshRates());
 * }
 *
 * // inside a process that wants to follow the group
 * ProcessGroups.MonitoredGroup watch = groups.monitor("donation_workers");
 * Set<Pid> workers = new HashSet<>(watch.members());
 * // then GroupEvent.Joined and GroupEvent.Left arrive as messages, deaths with their reason
 * }</pre>
 *
 * <h2>Invariant: no stale reads</h2>
 * A member is live exactly while its process is alive: every read ({@link #members},
 * {@link #localMembers}, {@link #whichGroups}, monitor snapshots) skips memberships whose
 * process is dead, so once {@code runtime.isAlive(pid)} is false no read returns {@code pid},
 * without waiting for any cleanup. A membership is removed after a death by an
 * exit hook attached to the member, which only reclaims memory and tells monitors.
 * {@link #members}, {@link #join}, {@link #leave} and a death are linearizable per group
 * (checked with Lincheck against a map of multisets plus a set of dead processes).
 *
 * <h2>How</h2>
 * Each group holds a map from member process to one exit hook with a join count, guarded
 * by the group's lock: join, leave and removal cost O(1), a membership costs one small object and
 * one map node, and reads allocate only their result. A join writes the membership, then
 * attaches it to the process; when the attach fails the process died meanwhile, and the join
 * removes what it wrote (the join took effect just before the death). Every step runs under the
 * group's lock, so readers never see it half-done.
 *
 * <h2>Scope monitors</h2>
 * {@link #monitorScope} does not stop the world: it registers, then snapshots group after group.
 * A change to a group that the snapshot has not reached yet adds that group's state to the
 * snapshot instead of sending an event, so for every group the snapshot plus the events that
 * follow are exactly the group's history. Leave-by-death events go only to monitors whose
 * snapshot (or earlier events) contained the member: a snapshot that meets a dead member removes
 * it at once and tells the monitors that knew it.
 *
 * <h2>Across nodes</h2>
 * When the runtime is connected to other nodes ({@link ProcessRuntime#distribute}), a scope
 * mirrors itself to the scope of the same name on each of them, as {@code :pg} does: every node
 * is the only source of truth for its own members and sends its local joins, leaves and deaths
 * to the others; {@link #members} adds the members of the nodes connected now to the local ones,
 * {@link #localMembers} does not, and monitors hear remote changes too, with the same rule that
 * a snapshot plus the events that follow are the group's history. A node that comes up gets a
 * sync of the local members (and asks for the other's); a node that goes down takes its members
 * with it, each monitor hearing {@code Left} with {@link ExitReason#NOCONNECTION}. Only local
 * processes join or leave. No stale reads holds exactly for local processes; a process of
 * another node may still be listed one hop after its death (its node's message is on the way),
 * or, when its node crashed, until the node is known to be down. A group key that travels must
 * be serializable for a transport that encodes. A local-only group holds no remote state (a
 * null field) and its changes cost one volatile read more.
 *
 * <h2>Not atomic</h2>
 * {@link #whichGroups()} and a scope snapshot visit groups one at a time, as {@code :pg}'s do:
 * each group is read consistently, the set of groups is not one point in time.
 */
public class ProcessGroups {

	/** The name of the scope started by {@link #start(ProcessRuntime)}, Erlang's {@code pg}. */
	public static final String DEFAULT_SCOPE = "default";

	private static final GroupMonitorRef[] NO_MONITORS = {};

	private final ProcessRuntime runtime;

	private final String name;

	private final ConcurrentHashMap<Object, Group> groups = new ConcurrentHashMap<>();

	/** Scope monitors, copied on write under {@code this}. */
	private volatile GroupMonitorRef[] scopeMonitors = NO_MONITORS;

	/** This scope's side of its replication channel: the nodes it mirrors to, and their views here. */
	final ScopeReplica replica = new ScopeReplica(this);

	/**
	 * A scope not yet known to the runtime; {@link #start} makes and records one. Package-private,
	 * so no one outside subclasses a scope; a test does, to plant a bug in one step.
	 */
	ProcessGroups(ProcessRuntime runtime, String name) {
		this.runtime = runtime;
		this.name = name;
	}

	// ---- scopes

	/**
	 * Starts the default scope of a runtime, {@value #DEFAULT_SCOPE}.
	 * @param runtime the runtime whose processes join
	 * @return the scope
	 * @throws IllegalStateException when the runtime already has it
	 */
	public static ProcessGroups start(ProcessRuntime runtime) {
		return start(runtime, DEFAULT_SCOPE);
	}

	/**
	 * Starts a named scope. Scopes are independent of each other; a process may join groups of
	 * any number of them.
	 * @param runtime the runtime whose processes join
	 * @param scope the scope's name, unique in the runtime
	 * @return the scope
	 * @throws IllegalStateException when the runtime already has a scope of that name
	 */
	public static ProcessGroups start(ProcessRuntime runtime, String scope) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		return register(new ProcessGroups(runtime, checkScopeName(scope)));
	}

	/**
	 * Records a scope in its runtime and opens its replication channel. Package-private so that a
	 * test registers a scope with a planted bug.
	 */
	static ProcessGroups register(ProcessGroups groups) {
		if (!Runtimes.addComponent(groups.runtime, ProcessGroups.class, groups.name, groups)) {
			throw new IllegalStateException("runtime " + groups.runtime.node()
					+ " already has a process group scope named '" + groups.name + "'");
		}
		groups.replica.connect(Runtimes.replicate(groups.runtime, channel(groups.name), groups.replica));
		return groups;
	}

	/** The replication channel of a scope: its name, the same on every node. */
	static String channel(String scope) {
		return "pg:" + scope;
	}

	/**
	 * Finds a started scope.
	 * @param runtime the runtime
	 * @param scope the scope's name
	 * @return the scope
	 * @throws IllegalArgumentException when the runtime has no scope of that name
	 */
	public static ProcessGroups scope(ProcessRuntime runtime, String scope) {
		return find(runtime, scope).orElseThrow(() -> new IllegalArgumentException("unknown process group scope '"
				+ scope + "' in runtime " + runtime.node() + "; start it with ProcessGroups.start(runtime, \"" + scope
				+ "\")"));
	}

	/**
	 * @param runtime the runtime
	 * @param scope the scope's name
	 * @return the scope, or empty when the runtime has none of that name
	 */
	public static Optional<ProcessGroups> find(ProcessRuntime runtime, String scope) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		Objects.requireNonNull(scope, "scope must not be null");
		return Runtimes.component(runtime, ProcessGroups.class, scope);
	}

	/**
	 * @param runtime the runtime
	 * @return its scopes, in start order
	 */
	public static List<ProcessGroups> scopes(ProcessRuntime runtime) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		return Runtimes.components(runtime, ProcessGroups.class);
	}

	private static String checkScopeName(@Nullable String scope) {
		if (scope == null || scope.isBlank()) {
			throw new IllegalArgumentException("scope name must not be null or blank");
		}
		return scope;
	}

	/** @return this scope's name */
	public String name() {
		return this.name;
	}

	/** @return the runtime whose processes join this scope's groups */
	public ProcessRuntime runtime() {
		return this.runtime;
	}

	// ---- join and leave

	/**
	 * Makes a process join a group, Erlang's {@code pg:join/3}. A process may join a group more
	 * than once; it then appears that many times in {@link #members} and must leave as many times.
	 * A process that has already exited joins nothing and the call returns normally, as
	 * {@code pg:join} of a dead local pid does: a join racing a death is no mistake, and the
	 * member is never visible.
	 * @param group the group, any value with {@code equals} and {@code hashCode}
	 * @param pid a process of this runtime
	 * @throws NullPointerException when {@code group} or {@code pid} is null
	 * @throws IllegalArgumentException when the process is not of this runtime
	 */
	public void join(Object group, Pid pid) {
		Objects.requireNonNull(group, "group must not be null");
		Owner.currentAlive("join");
		Owner process = known(Objects.requireNonNull(pid, "pid must not be null"));
		if (process.isAlive()) {
			join(group, new Owner[] { process });
		}
	}

	/**
	 * Makes several processes join a group in one step; a pid listed twice joins twice. Either
	 * all are checked and the live ones join, or none does; processes that have exited are
	 * skipped, as in {@link #join(Object, Pid)}.
	 * @param group the group
	 * @param pids processes of this runtime
	 * @throws NullPointerException when {@code group}, {@code pids} or one of the pids is null
	 * @throws IllegalArgumentException when a process is not of this runtime
	 */
	public void join(Object group, Collection<Pid> pids) {
		Objects.requireNonNull(group, "group must not be null");
		Owner.currentAlive("join");
		Owner[] owners = owners(pids);
		if (owners.length > 0) {
			join(group, owners);
		}
	}

	/**
	 * The concurrency core of a join: the owners are tokens, so a model checker may call it from
	 * plain threads.
	 * @param group the group
	 * @param owners the processes, checked alive by the caller
	 */
	void join(Object group, Owner[] owners) {
		for (;;) {
			Group g = this.groups.computeIfAbsent(group, (key) -> new Group(this, key));
			synchronized (g) {
				if (g.removed) {
					continue;
				}
				List<Pid> joined = new ArrayList<>(owners.length);
				for (Owner owner : owners) {
					if (add(g, owner)) {
						joined.add(owner.pid());
					}
				}
				if (!joined.isEmpty()) {
					publish(g, joined, null, true);
					mirror(g, joined, null);
				}
				g.removeIfUnused();
				return;
			}
		}
	}

	/**
	 * One join of one owner, under the group's lock. Overridable only for a test's planted bug
	 * (a join that neither checks nor undoes a death).
	 * @return whether the owner joined; false when it died after the caller checked it
	 */
	boolean add(Group g, Owner owner) {
		if (!owner.isAlive()) {
			return false;
		}
		Membership m = g.join(owner);
		// the owner may have died after the check: the join took effect just before the death,
		// whose cleanup has already run, so it is undone (attachFailed) and never told
		return m == null || owner.attachOrRun(m);
	}

	/**
	 * Makes a process leave a group once, Erlang's {@code pg:leave/3}. Monitors receive a
	 * {@link GroupEvent.Left} with reason {@link GroupEvent#LEAVE}.
	 * @param group the group
	 * @param pid the process
	 * @return whether it was a member (a dead process is no member)
	 * @throws NullPointerException when {@code group} or {@code pid} is null
	 * @throws IllegalArgumentException when the pid is not of this runtime
	 */
	public boolean leave(Object group, Pid pid) {
		Objects.requireNonNull(group, "group must not be null");
		Owner.currentAlive("leave");
		Owner process = known(Objects.requireNonNull(pid, "pid must not be null"));
		return leave(group, new Owner[] { process });
	}

	/**
	 * Makes several processes leave a group, each once per time it is listed.
	 * @param group the group
	 * @param pids the processes
	 * @return whether any of them was a member
	 */
	public boolean leave(Object group, Collection<Pid> pids) {
		Objects.requireNonNull(group, "group must not be null");
		Owner.currentAlive("leave");
		Objects.requireNonNull(pids, "pids must not be null");
		Owner[] owners = new Owner[pids.size()];
		int i = 0;
		for (Pid pid : pids) {
			owners[i++] = known(Objects.requireNonNull(pid, "pids must not contain null"));
		}
		return leave(group, owners);
	}

	/** The concurrency core of a leave. */
	boolean leave(Object group, Owner[] owners) {
		Group g = this.groups.get(group);
		if (g == null) {
			return false;
		}
		synchronized (g) {
			if (g.removed) {
				return false;
			}
			List<Pid> left = null;
			for (Owner owner : owners) {
				if (g.remove(owner)) {
					if (left == null) {
						left = new ArrayList<>(owners.length);
					}
					left.add(owner.pid());
				}
			}
			if (left == null) {
				return false;
			}
			publish(g, left, GroupEvent.LEAVE, true);
			mirror(g, left, GroupEvent.LEAVE);
			g.removeIfUnused();
			return true;
		}
	}

	// ---- reads

	/**
	 * The live members of a group, Erlang's {@code pg:get_members/2}: the local ones, then those
	 * of the other nodes connected now; a process that joined twice appears twice. Never contains
	 * a dead local process; a process of another node leaves this list one hop after its death
	 * (its node's message on the way), or when its node goes down (see the class comment).
	 * @param group the group
	 * @return the members, in no particular order; empty for an unknown group
	 */
	public List<Pid> members(Object group) {
		return read(Objects.requireNonNull(group, "group must not be null"), false);
	}

	/**
	 * The live members of a group that run on this node, Erlang's {@code pg:get_local_members/2}.
	 * @param group the group
	 * @return the local members
	 */
	public List<Pid> localMembers(Object group) {
		return read(Objects.requireNonNull(group, "group must not be null"), true);
	}

	private List<Pid> read(Object group, boolean localOnly) {
		Group g = this.groups.get(group);
		if (g == null) {
			return List.of();
		}
		synchronized (g) {
			HashMap<NodeId, HashMap<Pid, Integer>> remote = localOnly ? null : g.remote;
			List<Pid> pids = new ArrayList<>(g.members.size() + ((remote != null) ? g.remoteCount : 0));
			for (Membership m : g.members.values()) {
				if (isLive(m)) {
					for (int i = 0; i < m.count; i++) {
						pids.add(m.owner.pid());
					}
				}
			}
			if (remote != null) {
				addRemote(pids, remote);
			}
			return pids;
		}
	}

	private static void addRemote(List<Pid> pids, HashMap<NodeId, HashMap<Pid, Integer>> remote) {
		for (HashMap<Pid, Integer> view : remote.values()) {
			addView(pids, view);
		}
	}

	/** Adds one node's members of a group, each as many times as it joined. */
	private static void addView(List<Pid> pids, HashMap<Pid, Integer> view) {
		for (Map.Entry<Pid, Integer> member : view.entrySet()) {
			for (int i = 0; i < member.getValue(); i++) {
				pids.add(member.getKey());
			}
		}
	}

	/**
	 * How many memberships each node holds in this scope's groups: this node's live members, and
	 * the members of each connected node as this node's view of them has it. A process that
	 * joined twice, or joined two groups, counts each time. Each group is read at its own moment,
	 * under its lock; the counts are not one point in time. O(groups + members): meant for an
	 * operator's page, not for a hot path.
	 *
	 * <pre>{@code
	 * groups.membershipsByNode(); // {node1#5f3a…=12, node2#91c0…=7}
	 * }</pre>
	 * @return memberships by node, this node included (with 0) and nodes with none left out
	 */
	public Map<NodeId, Long> membershipsByNode() {
		Map<NodeId, Long> counts = new HashMap<>();
		NodeId self = this.runtime.nodeId();
		long local = 0;
		for (Group g : this.groups.values()) {
			synchronized (g) {
				for (Membership m : g.members.values()) {
					if (isLive(m)) {
						local += m.count;
					}
				}
				if (g.remote != null) {
					for (Map.Entry<NodeId, HashMap<Pid, Integer>> view : g.remote.entrySet()) {
						long joins = 0;
						for (int times : view.getValue().values()) {
							joins += times;
						}
						counts.merge(view.getKey(), joins, Long::sum);
					}
				}
			}
		}
		counts.put(self, local);
		return counts;
	}

	/**
	 * The groups that have at least one live member, local or of a connected node, Erlang's
	 * {@code pg:which_groups/1}. Each group is checked at its own moment; the list is not one
	 * point in time.
	 * @return the groups, in no particular order
	 */
	public List<Object> whichGroups() {
		List<Object> result = new ArrayList<>();
		for (Group g : this.groups.values()) {
			synchronized (g) {
				if (g.remote != null) {
					result.add(g.key);
					continue;
				}
				for (Membership m : g.members.values()) {
					if (isLive(m)) {
						result.add(g.key);
						break;
					}
				}
			}
		}
		return result;
	}

	/**
	 * Whether a read counts a membership: only while its owner is alive. Overridable only for a
	 * test's planted bug (reads that skip liveness).
	 */
	boolean isLive(Membership m) {
		return m.owner.isAlive();
	}

	// ---- monitors

	/**
	 * Returns the members of a group and starts sending the calling process a
	 * {@link GroupEvent.Joined} or {@link GroupEvent.Left} for every later change, Erlang's
	 * {@code pg:monitor/2}: the snapshot plus the events are exactly the group's history. A member
	 * that exits produces a {@code Left} with its exit reason.
	 * @param group the group
	 * @return the reference and the current members
	 * @throws IllegalStateException when not called from a process of this scope's runtime
	 */
	public MonitoredGroup monitor(Object group) {
		Objects.requireNonNull(group, "group must not be null");
		return monitor(Owner.currentOf(this.runtime, "monitor"), group);
	}

	/** The concurrency core of {@link #monitor(Object)}. */
	MonitoredGroup monitor(Owner watcher, Object group) {
		GroupMonitorRef ref = new GroupMonitorRef(this, watcher, group);
		for (;;) {
			Group g = this.groups.computeIfAbsent(group, (key) -> new Group(this, key));
			synchronized (g) {
				if (g.removed) {
					continue;
				}
				List<Pid> members = snapshot(g, true);
				g.addMonitor(ref);
				ref.listedIn = g;
				watcher.attachOrRun(ref.hook); // a dead watcher's monitor ends at once
				return new MonitoredGroup(ref, members);
			}
		}
	}

	/**
	 * Returns every group with its members and starts sending the calling process an event for
	 * every later change in this scope, Erlang's {@code pg:monitor_scope/1}. Per group, the
	 * snapshot plus the events are exactly the group's history.
	 * @return the reference and the groups with their members
	 * @throws IllegalStateException when not called from a process of this scope's runtime
	 */
	public MonitoredScope monitorScope() {
		return monitorScope(Owner.currentOf(this.runtime, "monitorScope"));
	}

	/** The concurrency core of {@link #monitorScope()}. */
	MonitoredScope monitorScope(Owner watcher) {
		GroupMonitorRef ref = new GroupMonitorRef(this, watcher, null);
		synchronized (this) {
			GroupMonitorRef[] now = this.scopeMonitors;
			GroupMonitorRef[] next = Arrays.copyOf(now, now.length + 1);
			next[now.length] = ref;
			this.scopeMonitors = next;
		}
		for (Group g : this.groups.values()) {
			synchronized (g) {
				if (!g.removed && !ref.covers(g)) {
					ref.cover(g, snapshot(g, true));
				}
			}
		}
		Map<Object, List<Pid>> groups = ref.finishSnapshot();
		watcher.attachOrRun(ref.hook); // a dead watcher's monitor ends at once
		return new MonitoredScope(ref, groups);
	}

	/**
	 * Stops a monitor. Events already in the watcher's mailbox stay there; they carry the
	 * reference, so the watcher can tell them apart.
	 * @param ref the monitor
	 * @return whether it was active
	 */
	public boolean demonitor(GroupMonitorRef ref) {
		Objects.requireNonNull(ref, "ref must not be null");
		Owner.currentAlive("demonitor");
		if (ref.scope != this) {
			throw new IllegalArgumentException(ref + " is a monitor of scope '" + ref.scope.name + "', not of '"
					+ this.name + "'");
		}
		ref.watcher.detach(ref.hook);
		return monitorEnded(ref);
	}

	/** Removes a monitor, on demonitor or when its watcher exits. */
	boolean monitorEnded(GroupMonitorRef ref) {
		boolean wasActive = ref.deactivate();
		if (ref.group == null) {
			synchronized (this) {
				GroupMonitorRef[] now = this.scopeMonitors;
				List<GroupMonitorRef> next = new ArrayList<>(Arrays.asList(now));
				if (next.remove(ref)) {
					this.scopeMonitors = next.isEmpty() ? NO_MONITORS : next.toArray(NO_MONITORS);
				}
			}
			return wasActive;
		}
		Group g = ref.listedIn;
		if (g != null) {
			synchronized (g) {
				g.removeMonitor(ref);
				ref.listedIn = null;
				g.removeIfUnused();
			}
		}
		return wasActive;
	}

	/**
	 * The live members of a group for a new monitor or a sync, under the group's lock. A dead
	 * member it meets is removed at once and reported to the monitors that knew it (and to the
	 * other nodes), so that its exit hook later finds nothing to report: a monitor never hears of
	 * a member that it never saw.
	 * @param withRemote whether to add the members of other nodes
	 */
	private List<Pid> snapshot(Group g, boolean withRemote) {
		HashMap<NodeId, HashMap<Pid, Integer>> remote = withRemote ? g.remote : null;
		List<Pid> pids = new ArrayList<>(g.members.size() + ((remote != null) ? g.remoteCount : 0));
		List<Membership> dead = null;
		for (Membership m : g.members.values()) {
			if (m.owner.isAlive()) {
				for (int i = 0; i < m.count; i++) {
					pids.add(m.owner.pid());
				}
			}
			else {
				if (dead == null) {
					dead = new ArrayList<>();
				}
				dead.add(m);
			}
		}
		if (dead != null) {
			for (Membership m : dead) {
				ExitReason reason = m.owner.exitReason();
				removeDead(g, m, (reason != null) ? reason : ExitReason.NORMAL, false);
			}
		}
		if (remote != null) {
			addRemote(pids, remote);
		}
		return pids;
	}

	/** Under the group's lock: drops a dead member's membership and reports its leave. */
	private void removeDead(Group g, Membership m, ExitReason reason, boolean coverUncovered) {
		if (m.removed) {
			return;
		}
		g.members.remove(m.owner, m);
		m.removed = true;
		List<Pid> left = Collections.nCopies(m.count, m.owner.pid());
		publish(g, left, reason, coverUncovered);
		mirror(g, left, reason);
	}

	/**
	 * Under the group's lock, after a change: tells the group's monitors and the scope's
	 * monitors. A scope monitor whose snapshot has not reached this group yet takes the group's
	 * state now instead (when {@code coverUncovered}), or ignores the change (while a snapshot
	 * removes dead members: the snapshot then simply does not contain them).
	 * @param reason null for a join
	 */
	private void publish(Group g, List<Pid> pids, @Nullable ExitReason reason, boolean coverUncovered) {
		GroupMonitorRef[] groupMonitors = g.monitors;
		for (int i = 0; i < g.monitorCount; i++) {
			GroupMonitorRef ref = groupMonitors[i];
			ref.send(event(ref, g, pids, reason));
		}
		GroupMonitorRef[] scoped = this.scopeMonitors;
		for (GroupMonitorRef ref : scoped) {
			if (ref.covers(g)) {
				ref.send(event(ref, g, pids, reason));
			}
			else if (coverUncovered) {
				List<Pid> state = snapshot(g, true);
				if (!ref.cover(g, state)) {
					// the snapshot finished without this group (even while this state was read,
					// the monitor's thread holds no group lock when it finishes): it was empty
					// before this change, which is therefore sent
					ref.send(event(ref, g, pids, reason));
				}
			}
		}
	}

	private GroupEvent event(GroupMonitorRef ref, Group g, List<Pid> pids, @Nullable ExitReason reason) {
		return (reason == null) ? new GroupEvent.Joined(ref, this.name, g.key, pids)
				: new GroupEvent.Left(ref, this.name, g.key, pids, reason);
	}

	// ---- other nodes: see ScopeReplica for the protocol

	/**
	 * Under the group's lock, after a local change: sends it to the nodes this scope mirrors to.
	 * One volatile read when there are none. Overridable only for a test's planted bug.
	 * @param reason null for a join
	 */
	void mirror(Group g, List<Pid> pids, @Nullable ExitReason reason) {
		NodeId[] peers = this.replica.peers;
		if (peers.length != 0) {
			this.replica.send(peers, (reason == null) ? new ScopeReplica.Join(g.key, pids)
					: new ScopeReplica.Leave(g.key, pids, reason));
		}
	}

	/**
	 * Sends a node a sync of the local members, group by group, each under its group's lock; the
	 * node is a peer already, so the changes that follow a group's state reach it as deltas.
	 */
	void syncTo(Replication replication, NodeId node) {
		replication.send(node, new ScopeReplica.SyncStart());
		for (Group g : this.groups.values()) {
			synchronized (g) {
				if (g.removed) {
					continue;
				}
				List<Pid> local = snapshot(g, false);
				if (!local.isEmpty()) {
					replication.send(node, new ScopeReplica.SyncGroup(g.key, local));
				}
				g.removeIfUnused();
			}
		}
		replication.send(node, new ScopeReplica.SyncEnd());
	}

	/**
	 * Another node's members of a group, from a sync: they replace what this node held, and the
	 * monitors hear the difference. Overridable only for a test's planted bug.
	 * @return whether the origin has members in the group now
	 */
	boolean applySync(NodeId origin, Object group, List<Pid> pids) {
		for (;;) {
			Group g = this.groups.computeIfAbsent(group, (key) -> new Group(this, key));
			synchronized (g) {
				if (g.removed) {
					continue;
				}
				HashMap<Pid, Integer> wanted = new HashMap<>();
				for (Pid pid : pids) {
					wanted.merge(pid, 1, Integer::sum);
				}
				HashMap<Pid, Integer> view = g.remoteOf(origin);
				List<Pid> left = new ArrayList<>();
				if (view != null) {
					for (Map.Entry<Pid, Integer> had : new HashMap<>(view).entrySet()) {
						for (int i = wanted.getOrDefault(had.getKey(), 0); i < had.getValue(); i++) {
							g.removeRemote(origin, had.getKey());
							left.add(had.getKey());
						}
					}
				}
				if (!left.isEmpty()) {
					publish(g, left, GroupEvent.LEAVE, true);
				}
				List<Pid> joined = new ArrayList<>();
				for (Map.Entry<Pid, Integer> want : wanted.entrySet()) {
					view = g.remoteOf(origin);
					for (int i = (view != null) ? view.getOrDefault(want.getKey(), 0) : 0; i < want.getValue(); i++) {
						g.addRemote(origin, want.getKey());
						joined.add(want.getKey());
					}
				}
				if (!joined.isEmpty()) {
					publish(g, joined, null, true);
				}
				boolean hasMembers = g.remoteOf(origin) != null;
				g.removeIfUnused();
				return hasMembers;
			}
		}
	}

	/**
	 * A sync from another node ended without listing these groups: it has no members there.
	 * Overridable only for a test's planted bug.
	 */
	void syncEnded(NodeId origin, List<Object> unlisted) {
		for (Object group : unlisted) {
			dropOrigin(origin, group, GroupEvent.LEAVE);
		}
	}

	/**
	 * Another node went down: its members leave every group, with reason {@code noconnection}.
	 * Overridable only for a test's planted bug.
	 * @param groups the groups where it had members
	 */
	void originDown(NodeId origin, List<Object> groups) {
		for (Object group : groups) {
			dropOrigin(origin, group, ExitReason.NOCONNECTION);
		}
	}

	private void dropOrigin(NodeId origin, Object group, ExitReason reason) {
		for (;;) {
			Group g = this.groups.get(group);
			if (g == null) {
				return;
			}
			synchronized (g) {
				if (g.removed) {
					continue;
				}
				HashMap<Pid, Integer> view = (g.remote != null) ? g.remote.remove(origin) : null;
				if (view != null) {
					List<Pid> left = new ArrayList<>();
					addView(left, view);
					g.remoteCount -= left.size();
					if (g.remote.isEmpty()) {
						g.remote = null;
					}
					publish(g, left, reason, true);
					g.removeIfUnused();
				}
				return;
			}
		}
	}

	/**
	 * Another node's processes joined a group.
	 * @return whether the origin has members in the group now
	 */
	boolean remoteJoin(NodeId origin, Object group, List<Pid> pids) {
		for (;;) {
			Group g = this.groups.computeIfAbsent(group, (key) -> new Group(this, key));
			synchronized (g) {
				if (g.removed) {
					continue;
				}
				for (Pid pid : pids) {
					g.addRemote(origin, pid);
				}
				if (!pids.isEmpty()) {
					publish(g, pids, null, true);
				}
				boolean hasMembers = g.remoteOf(origin) != null;
				g.removeIfUnused();
				return hasMembers;
			}
		}
	}

	/**
	 * Another node's processes left a group; a pid this node does not hold (its join came before
	 * the origin's sync reached this node) is skipped.
	 * @return whether the origin has members in the group now
	 */
	boolean remoteLeave(NodeId origin, Object group, List<Pid> pids, ExitReason reason) {
		for (;;) {
			Group g = this.groups.get(group);
			if (g == null) {
				return false;
			}
			synchronized (g) {
				if (g.removed) {
					continue;
				}
				List<Pid> left = new ArrayList<>(pids.size());
				for (Pid pid : pids) {
					if (g.removeRemote(origin, pid)) {
						left.add(pid);
					}
				}
				if (!left.isEmpty()) {
					publish(g, left, reason, true);
				}
				boolean hasMembers = g.remoteOf(origin) != null;
				g.removeIfUnused();
				return hasMembers;
			}
		}
	}

	// ---- input checks

	/** A process of this runtime, alive or not, or a clear error. */
	private Owner known(Pid pid) {
		Owner process = Owner.of(this.runtime, pid);
		if (process == null) {
			if (!pid.node().equals(this.runtime.node())) {
				throw new IllegalArgumentException(pid + " runs on node " + pid.node() + ", not on this node "
						+ this.runtime.node() + ": only local processes can join or leave");
			}
			throw new IllegalArgumentException(pid + " is not a process of runtime " + this.runtime.node());
		}
		return process;
	}

	private Owner[] owners(Collection<Pid> pids) {
		Objects.requireNonNull(pids, "pids must not be null");
		Owner[] owners = new Owner[pids.size()];
		int i = 0;
		for (Pid pid : pids) {
			// a dead one is kept: the core skips it under the group's lock
			owners[i++] = known(Objects.requireNonNull(pid, "pids must not contain null"));
		}
		return owners;
	}

	@Override
	public String toString() {
		return "ProcessGroups[" + this.name + "@" + this.runtime.node() + "]";
	}

	/**
	 * The answer of {@link #monitor(Object)}.
	 *
	 * @param ref the monitor's reference, carried by its events
	 * @param members the group's live members when the monitor started
	 */
	public record MonitoredGroup(GroupMonitorRef ref, List<Pid> members) {

		public MonitoredGroup {
			members = List.copyOf(members);
		}

	}

	/**
	 * The answer of {@link #monitorScope()}.
	 *
	 * @param ref the monitor's reference, carried by its events
	 * @param groups every group with live members, with those members
	 */
	public record MonitoredScope(GroupMonitorRef ref, Map<Object, List<Pid>> groups) {

		public MonitoredScope {
			groups = Map.copyOf(groups);
		}

	}

	/**
	 * One group: its memberships by process, and its monitors. Guarded by its own lock.
	 */
	static final class Group {

		final ProcessGroups scope;

		final Object key;

		final HashMap<Owner, Membership> members = new HashMap<>(4);

		/**
		 * The members of other nodes, by node: pid to join count, written only for that node's
		 * messages. Null while there are none, so a local-only group pays nothing for it.
		 */
		@Nullable HashMap<NodeId, HashMap<Pid, Integer>> remote;

		/** How many joins {@link #remote} holds in all. */
		int remoteCount;

		GroupMonitorRef[] monitors = NO_MONITORS;

		int monitorCount;

		/** Set once the group left the scope's map; a joiner that finds it set retries. */
		boolean removed;

		Group(ProcessGroups scope, Object key) {
			this.scope = scope;
			this.key = key;
		}

		/**
		 * Counts one more join of a member, or writes a new membership.
		 * @return the new membership, to attach to its owner; {@code null} when the owner was a member
		 */
		@Nullable Membership join(Owner owner) {
			Membership m = this.members.get(owner);
			if (m != null && !m.removed) {
				m.count++;
				return null;
			}
			m = new Membership(this, owner);
			this.members.put(owner, m);
			return m;
		}

		/** @return whether the owner was a live member and left once */
		boolean remove(Owner owner) {
			Membership m = this.members.get(owner);
			if (m == null || !owner.isAlive()) {
				return false;
			}
			if (--m.count == 0) {
				this.members.remove(owner, m);
				m.removed = true;
				owner.detach(m);
			}
			return true;
		}

		void addMonitor(GroupMonitorRef ref) {
			if (this.monitorCount == this.monitors.length) {
				this.monitors = Arrays.copyOf(this.monitors, Math.max(2, this.monitorCount * 2));
			}
			this.monitors[this.monitorCount++] = ref;
		}

		void removeMonitor(GroupMonitorRef ref) {
			for (int i = 0; i < this.monitorCount; i++) {
				if (this.monitors[i] == ref) {
					this.monitors[i] = this.monitors[--this.monitorCount];
					this.monitors[this.monitorCount] = null;
					return;
				}
			}
		}

		@Nullable HashMap<Pid, Integer> remoteOf(NodeId origin) {
			return (this.remote != null) ? this.remote.get(origin) : null;
		}

		void addRemote(NodeId origin, Pid pid) {
			if (this.remote == null) {
				this.remote = new HashMap<>(4);
			}
			this.remote.computeIfAbsent(origin, (node) -> new HashMap<>()).merge(pid, 1, Integer::sum);
			this.remoteCount++;
		}

		/** @return whether the origin's pid was a member, now once less */
		boolean removeRemote(NodeId origin, Pid pid) {
			HashMap<Pid, Integer> view = remoteOf(origin);
			Integer count = (view != null) ? view.get(pid) : null;
			if (count == null) {
				return false;
			}
			if (count == 1) {
				view.remove(pid);
				if (view.isEmpty()) {
					this.remote.remove(origin);
					if (this.remote.isEmpty()) {
						this.remote = null;
					}
				}
			}
			else {
				view.put(pid, count - 1);
			}
			this.remoteCount--;
			return true;
		}

		/** Removes this group from the scope when nothing uses it any more. */
		void removeIfUnused() {
			if (this.members.isEmpty() && this.remote == null && this.monitorCount == 0 && !this.removed) {
				this.removed = true;
				this.scope.groups.remove(this.key, this);
			}
		}

		@Override
		public String toString() {
			return "Group[" + this.key + "]";
		}

	}

	/**
	 * A process's membership in one group, with how many times it joined. Attached to the
	 * process as an exit hook that removes it after a death.
	 */
	static final class Membership extends ExitHook {

		final Group group;

		final Owner owner;

		/** Guarded by the group's lock. */
		int count = 1;

		/** Guarded by the group's lock: set when removed from the group. */
		boolean removed;

		Membership(Group group, Owner owner) {
			this.group = group;
			this.owner = owner;
		}

		@Override
		protected void processExited(Owner process, ExitReason reason) {
			Group g = this.group;
			synchronized (g) {
				g.scope.removeDead(g, this, reason, true);
				g.removeIfUnused();
			}
		}

		/** Under the group's lock, in {@link ProcessGroups#add}: the join was never told, nor is its end. */
		@Override
		protected void attachFailed(Owner process, ExitReason reason) {
			this.group.members.remove(this.owner, this);
			this.removed = true;
		}

		@Override
		public String toString() {
			return "Membership[" + this.owner.pid() + " in " + this.group.key + " x" + this.count + "]";
		}

	}

}
