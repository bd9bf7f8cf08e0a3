package dev.procreg.supervisor;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Pid;

/**
 * A snapshot of one supervisor for the admin page; {@link SupervisionTree#describe} nests the
 * snapshots of supervisor children in {@link ChildInfo#subtree()}.
 *
 * <pre>{@code
 * SupervisorInfo tree = SupervisionTree.describe(runtime, root);
 * tree.children().forEach(child -> System.out.println(child.id() + " " + child.pid()));
 * }</pre>
 *
 * @param pid the supervisor
 * @param kind static or dynamic
 * @param strategy its strategy ({@link Strategy#ONE_FOR_ONE} for a dynamic supervisor)
 * @param maxRestarts restarts allowed within {@code maxSeconds}
 * @param maxSeconds the intensity window
 * @param restartsInWindow restarts counted in the current window
 * @param maxChildren a dynamic supervisor's limit, or {@code null}
 * @param children its children, in start order; the first {@code limit} when it was described
 * with a limit
 * @param childCount all its children, also those a limit left out
 */
public record SupervisorInfo(Pid pid, Kind kind, Strategy strategy, int maxRestarts, int maxSeconds,
		int restartsInWindow, @Nullable Integer maxChildren, List<ChildInfo> children, int childCount) {

	/**
	 * A snapshot that lists every child.
	 * @param pid the supervisor
	 * @param kind static or dynamic
	 * @param strategy its strategy
	 * @param maxRestarts restarts allowed within {@code maxSeconds}
	 * @param maxSeconds the intensity window
	 * @param restartsInWindow restarts counted in the current window
	 * @param maxChildren a dynamic supervisor's limit, or {@code null}
	 * @param children all its children, in start order
	 */
	public SupervisorInfo(Pid pid, Kind kind, Strategy strategy, int maxRestarts, int maxSeconds,
			int restartsInWindow, @Nullable Integer maxChildren, List<ChildInfo> children) {
		this(pid, kind, strategy, maxRestarts, maxSeconds, restartsInWindow, maxChildren, children, children.size());
	}

	/** Which kind of supervisor. */
	public enum Kind {

		/** A {@link Supervisor}. */
		SUPERVISOR,

		/** A {@link DynamicSupervisor}. */
		DYNAMIC_SUPERVISOR

	}

}
