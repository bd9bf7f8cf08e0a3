package dev.procreg.supervisor;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;

/**
 * One child of a supervisor as the admin page shows it, Elixir's {@code which_children} entry
 * plus its restart history.
 *
 * <pre>{@code
 * for (ChildInfo child : Supervisor.whichChildren(runtime, sup)) {
 *     log.info("{} {} restarted {} times, last exit {}", child.id(), child.pid(), child.restartCount(),
 *             child.lastExitReason());
 * }
 * }</pre>
 *
 * @param id the child's id (for a {@link DynamicSupervisor}'s child, the id of its spec)
 * @param pid the running process, or {@code null} when it does not run now
 * @param type worker or supervisor
 * @param restart its restart type
 * @param restartCount how many times the supervisor started it again after it exited
 * @param lastExitReason why it last exited, or {@code null} when it never did
 * @param lastExitAt when it last exited, or {@code null}
 * @param subtree for a supervisor child in {@link SupervisionTree#describe}, its own tree;
 * otherwise {@code null}
 * @param recentExits its last exits, newest first, at most {@value #RECENT_EXITS}
 */
public record ChildInfo(Object id, @Nullable Pid pid, ChildType type, Restart restart, int restartCount,
		@Nullable ExitReason lastExitReason, @Nullable Instant lastExitAt, @Nullable SupervisorInfo subtree,
		List<ChildExit> recentExits) {

	/** The most exits a child's record keeps. */
	public static final int RECENT_EXITS = 5;

	/**
	 * @throws NullPointerException when {@code recentExits} is null
	 */
	public ChildInfo {
		recentExits = List.copyOf(recentExits);
	}

	/**
	 * A record without its exit history.
	 * @param id the child's id
	 * @param pid the running process, or {@code null}
	 * @param type worker or supervisor
	 * @param restart its restart type
	 * @param restartCount how many times it was restarted
	 * @param lastExitReason why it last exited, or {@code null}
	 * @param lastExitAt when, or {@code null}
	 * @param subtree a supervisor child's tree, or {@code null}
	 */
	public ChildInfo(Object id, @Nullable Pid pid, ChildType type, Restart restart, int restartCount,
			@Nullable ExitReason lastExitReason, @Nullable Instant lastExitAt, @Nullable SupervisorInfo subtree) {
		this(id, pid, type, restart, restartCount, lastExitReason, lastExitAt, subtree, List.of());
	}

	ChildInfo withSubtree(@Nullable SupervisorInfo tree) {
		return new ChildInfo(this.id, this.pid, this.type, this.restart, this.restartCount, this.lastExitReason,
				this.lastExitAt, tree, this.recentExits);
	}

	/**
	 * One exit of a child's process.
	 *
	 * @param pid the process that exited
	 * @param reason why
	 * @param at when
	 */
	public record ChildExit(Pid pid, ExitReason reason, Instant at) {
	}

}
