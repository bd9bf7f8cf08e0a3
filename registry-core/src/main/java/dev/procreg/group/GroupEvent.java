package dev.procreg.group;

import java.util.List;
import java.util.Objects;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;

/**
 * A change of a monitored group, sent as a message to the process that called
 * {@link ProcessGroups#monitor(Object)} or {@link ProcessGroups#monitorScope()}: Erlang's
 * {@code {Ref, join, Group, Pids}} and {@code {Ref, leave, Group, Pids}}, plus the reason of a
 * leave.
 *
 * <pre>{@code
 * switch (ctx.receive()) {
 *     case GroupEvent.Joined(var ref, var scope, var group, List<Pid> pids) -> workers.addAll(pids);
 *     case GroupEvent.Left(var ref, var scope, var group, List<Pid> pids, ExitReason reason) -> {
 *         workers.removeAll(pids);
 *         if (reason != GroupEvent.LEAVE) log.warn("{} died: {}", pids, reason);
 *     }
 *     default -> { }
 * }
 * }</pre>
 */
public sealed interface GroupEvent {

	/** The reason of a {@link Left} caused by {@link ProcessGroups#leave}, not by a death. */
	ExitReason.Atom LEAVE = new ExitReason.Atom("leave");

	/** @return the monitor this event belongs to */
	GroupMonitorRef ref();

	/** @return the scope's name */
	String scope();

	/** @return the group that changed */
	Object group();

	/** @return the pids that joined or left; a pid appears as many times as it joined or left */
	List<Pid> pids();

	/**
	 * Pids joined the group.
	 *
	 * @param ref the monitor
	 * @param scope the scope's name
	 * @param group the group
	 * @param pids the pids that joined, in the order given to {@code join}
	 */
	record Joined(GroupMonitorRef ref, String scope, Object group, List<Pid> pids) implements GroupEvent {

		public Joined {
			Objects.requireNonNull(ref, "ref");
			Objects.requireNonNull(scope, "scope");
			Objects.requireNonNull(group, "group");
			pids = List.copyOf(pids);
		}

	}

	/**
	 * Pids left the group: through {@link ProcessGroups#leave} (reason {@link #LEAVE}) or because
	 * they exited (the exit reason, such as {@link ExitReason#KILLED} or a crash).
	 *
	 * @param ref the monitor
	 * @param scope the scope's name
	 * @param group the group
	 * @param pids the pids that left
	 * @param reason {@link #LEAVE}, or the exit reason of the pids
	 */
	record Left(GroupMonitorRef ref, String scope, Object group, List<Pid> pids, ExitReason reason)
			implements GroupEvent {

		public Left {
			Objects.requireNonNull(ref, "ref");
			Objects.requireNonNull(scope, "scope");
			Objects.requireNonNull(group, "group");
			pids = List.copyOf(pids);
			Objects.requireNonNull(reason, "reason");
		}

		/** @return whether the pids left by {@code leave} rather than by exiting */
		public boolean byLeave() {
			return this.reason.equals(LEAVE);
		}

	}

}
