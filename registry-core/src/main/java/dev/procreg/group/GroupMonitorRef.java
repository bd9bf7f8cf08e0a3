package dev.procreg.group;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;

/**
 * The reference of one group or scope monitor, returned with its snapshot by
 * {@link ProcessGroups#monitor(Object)} and {@link ProcessGroups#monitorScope()} and carried by
 * every {@link GroupEvent} it produces. Equal only to itself. The monitor ends with
 * {@link ProcessGroups#demonitor(GroupMonitorRef)} or when the watching process exits.
 *
 * <pre>{@code
 * ProcessGroups.MonitoredGroup watch = groups.monitor("payment-workers");
 * // in the watching process: GroupEvent.Joined and GroupEvent.Left carrying watch.ref()
 * groups.demonitor(watch.ref());
 * }</pre>
 */
public final class GroupMonitorRef {

	private static final AtomicLong SERIALS = new AtomicLong();

	private final long serial = SERIALS.incrementAndGet();

	final ProcessGroups scope;

	final Owner watcher;

	/** Attached to the watcher: ends this monitor when the watcher exits. */
	final ExitHook hook = new WatcherExit(this);

	/** The monitored group; null for a scope monitor. */
	final @Nullable Object group;

	/** The group object a group monitor is listed in; guarded by that group's lock. */
	ProcessGroups.@Nullable Group listedIn;

	private volatile boolean active = true;

	// ---- a scope monitor's snapshot while it is being taken; guarded by this

	/** Groups whose state the snapshot already holds; null once the snapshot is complete. */
	private @Nullable Set<ProcessGroups.Group> covered;

	private final Map<Object, List<Pid>> snapshot;

	GroupMonitorRef(ProcessGroups scope, Owner watcher, @Nullable Object group) {
		this.scope = scope;
		this.watcher = watcher;
		this.group = group;
		if (group == null) {
			this.covered = new HashSet<>();
			this.snapshot = new LinkedHashMap<>();
		}
		else {
			this.snapshot = Map.of();
		}
	}

	/** @return the monitored group, or empty for a scope monitor */
	public Optional<Object> group() {
		return Optional.ofNullable(this.group);
	}

	/** @return the scope's name */
	public String scope() {
		return this.scope.name();
	}

	/** @return the process the events go to */
	public Pid watcher() {
		return this.watcher.pid();
	}

	/** @return whether events are still sent: not demonitored and the watcher is alive */
	public boolean isActive() {
		return this.active && this.watcher.isAlive();
	}

	boolean deactivate() {
		boolean was = this.active;
		this.active = false;
		return was;
	}

	void send(GroupEvent event) {
		if (this.active) {
			this.scope.runtime().send(this.watcher.pid(), event);
		}
	}

	// ---- scope monitor coverage: see ProcessGroups, "Scope monitors"

	/** Called under the lock of {@code group}: whether events of it go to this monitor now. */
	synchronized boolean covers(ProcessGroups.Group group) {
		return this.covered == null || this.covered.contains(group);
	}

	/**
	 * Called under the lock of {@code group}: the snapshot now holds its current live members.
	 * @return whether it does; {@code false} when the snapshot is finished, so that a change of
	 * the group must go out as an event
	 */
	synchronized boolean cover(ProcessGroups.Group group, List<Pid> liveMembers) {
		if (this.covered == null) {
			return false;
		}
		if (this.covered.add(group) && !liveMembers.isEmpty()) {
			this.snapshot.put(group.key, liveMembers);
		}
		return true;
	}

	/** Ends the snapshot: events of every group go to this monitor from now on. */
	synchronized Map<Object, List<Pid>> finishSnapshot() {
		this.covered = null;
		Map<Object, List<Pid>> result = Map.copyOf(this.snapshot);
		this.snapshot.clear();
		return result;
	}

	@Override
	public String toString() {
		return "#GroupRef<" + this.serial + ">";
	}

	/** The monitor's exit hook on its watcher. */
	private static final class WatcherExit extends ExitHook {

		private final GroupMonitorRef ref;

		WatcherExit(GroupMonitorRef ref) {
			this.ref = ref;
		}

		@Override
		protected void processExited(Owner process, ExitReason reason) {
			this.ref.scope.monitorEnded(this.ref);
		}

		@Override
		public String toString() {
			return this.ref.toString();
		}

	}

}
