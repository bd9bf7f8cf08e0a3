package dev.procreg.supervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Name;
import dev.procreg.process.Observation;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessException;
import dev.procreg.process.ProcessRuntime;

/**
 * The supervision tree of a runtime, for operators: supervisor by supervisor, each child's id,
 * pid, restart type, restart count and last exit; which processes are supervisors; how many
 * restarts a subtree made.
 *
 * <pre>{@code
 * for (SupervisorInfo root : SupervisionTree.roots(runtime, Duration.ofSeconds(1))) {
 *     print(root, 0);
 * }
 * void print(SupervisorInfo sup, int depth) {
 *     for (ChildInfo child : sup.children()) {
 *         System.out.println("  ".repeat(depth) + child.id() + " " + child.pid() + " restarts=" + child.restartCount());
 *         if (child.subtree() != null) print(child.subtree(), depth + 1);
 *     }
 * }
 * }</pre>
 *
 * <p>Each supervisor answers for itself, one at a time, so the tree is a set of consistent
 * per-supervisor snapshots, not one atomic picture. The supervisors are known per runtime: the
 * index lives in the runtime, not in a JVM-wide map.
 */
public final class SupervisionTree {

	private SupervisionTree() {
	}

	/**
	 * A supervisor and, nested in {@link ChildInfo#subtree()}, every supervisor below it, waiting
	 * as long as the supervisors take.
	 * @param runtime the runtime
	 * @param supervisor a supervisor or dynamic supervisor
	 * @return the tree
	 * @throws dev.procreg.process.NoProcessException when it is not alive
	 */
	public static SupervisorInfo describe(ProcessRuntime runtime, Name supervisor) {
		return describe(runtime, supervisor, SupervisorServer.CALL_TIMEOUT);
	}

	/**
	 * A supervisor and every supervisor below it, each asked with a bounded wait: what request
	 * threads and metrics scrapes use. A nested supervisor that does not answer in time, or exits
	 * meanwhile, is left without its subtree.
	 * @param runtime the runtime
	 * @param supervisor a supervisor or dynamic supervisor
	 * @param timeout how long each supervisor may take to answer
	 * @return the tree
	 * @throws dev.procreg.process.NoProcessException when it is not alive
	 * @throws dev.procreg.process.CallTimeoutException when it does not answer in time
	 * @throws IllegalArgumentException when the process is not a supervisor
	 */
	public static SupervisorInfo describe(ProcessRuntime runtime, Name supervisor, Duration timeout) {
		return describe(runtime, supervisor, timeout, Integer.MAX_VALUE);
	}

	/**
	 * A supervisor and every supervisor below it, each asked with a bounded wait and listing at
	 * most {@code maxChildren} children (counting all in {@link SupervisorInfo#childCount()}): what
	 * an operator's view of a dynamic supervisor of a hundred thousand children asks, so that it
	 * costs what it shows.
	 * @param runtime the runtime
	 * @param supervisor a supervisor or dynamic supervisor
	 * @param timeout how long each supervisor may take to answer
	 * @param maxChildren the most children of one supervisor listed, at least 1
	 * @return the tree
	 * @throws dev.procreg.process.NoProcessException when it is not alive
	 * @throws dev.procreg.process.CallTimeoutException when it does not answer in time
	 * @throws IllegalArgumentException when the process is not a supervisor, or for a limit below 1
	 */
	public static SupervisorInfo describe(ProcessRuntime runtime, Name supervisor, Duration timeout, int maxChildren) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		if (maxChildren < 1) {
			throw new IllegalArgumentException("maxChildren must be at least 1, was " + maxChildren);
		}
		SupervisorInfo info = SupervisorServer.call(runtime, supervisor, new SupervisorServer.Describe(maxChildren),
				timeout);
		SupervisorIndex index = SupervisorIndex.of(runtime);
		List<ChildInfo> children = new ArrayList<>(info.children().size());
		for (ChildInfo child : info.children()) {
			Pid pid = child.pid();
			SupervisorInfo subtree = null;
			if (child.type() == ChildType.SUPERVISOR && pid != null && index.get(pid) != null) {
				subtree = describeIfAlive(runtime, pid, timeout, maxChildren);
			}
			children.add(child.withSubtree(subtree));
		}
		return new SupervisorInfo(info.pid(), info.kind(), info.strategy(), info.maxRestarts(), info.maxSeconds(),
				info.restartsInWindow(), info.maxChildren(), List.copyOf(children), info.childCount());
	}

	private static @Nullable SupervisorInfo describeIfAlive(ProcessRuntime runtime, Pid pid, Duration timeout,
			int maxChildren) {
		try {
			return describe(runtime, pid, timeout, maxChildren);
		}
		catch (ProcessException | IllegalArgumentException ex) {
			return null; // it exited meanwhile, or did not answer in time
		}
	}

	/**
	 * The trees of the runtime's top supervisors (those not supervised by another supervisor), in
	 * start order, each supervisor asked with a bounded wait; one that does not answer in time is
	 * left out.
	 * @param runtime the runtime
	 * @param timeout how long each supervisor may take to answer
	 * @return the trees
	 */
	public static List<SupervisorInfo> roots(ProcessRuntime runtime, Duration timeout) {
		return roots(runtime, timeout, Integer.MAX_VALUE);
	}

	/**
	 * The trees of the runtime's top supervisors, each supervisor listing at most
	 * {@code maxChildren} children.
	 * @param runtime the runtime
	 * @param timeout how long each supervisor may take to answer
	 * @param maxChildren the most children of one supervisor listed, at least 1
	 * @return the trees
	 */
	public static List<SupervisorInfo> roots(ProcessRuntime runtime, Duration timeout, int maxChildren) {
		SupervisorIndex index = SupervisorIndex.of(runtime);
		List<SupervisorInfo> roots = new ArrayList<>();
		for (Pid pid : index.pids()) {
			SupervisorIndex.Entry entry = index.get(pid);
			if (entry != null && (entry.parent == null || !runtime.isAlive(entry.parent.pid))) {
				SupervisorInfo tree = describeIfAlive(runtime, pid, timeout, maxChildren);
				if (tree != null) {
					roots.add(tree);
				}
			}
		}
		return roots;
	}

	/**
	 * Observes every restart and give-up of the runtime's supervisors, present and future.
	 * @param runtime the runtime
	 * @param observer what to call, on the supervisor's thread (short, non-blocking)
	 * @return the observation, to close
	 */
	public static Observation observe(ProcessRuntime runtime, SupervisionObserver observer) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		Objects.requireNonNull(observer, "observer must not be null");
		return SupervisorIndex.of(runtime).observe(observer);
	}

	/**
	 * A supervisor's record of one of its children, asked with a bounded wait: the child's
	 * restarts and recent exits, in O(1) for a dynamic supervisor whatever its size.
	 * @param runtime the runtime
	 * @param supervisor the supervisor
	 * @param child the child's process
	 * @param timeout how long the supervisor may take to answer
	 * @return the record, or empty when the process is no child of it
	 * @throws dev.procreg.process.NoProcessException when the supervisor is not alive
	 * @throws dev.procreg.process.CallTimeoutException when it does not answer in time
	 * @throws IllegalArgumentException when the process is not a supervisor
	 */
	public static Optional<ChildInfo> child(ProcessRuntime runtime, Pid supervisor, Pid child, Duration timeout) {
		Objects.requireNonNull(child, "child must not be null");
		Objects.requireNonNull(timeout, "timeout must not be null");
		ChildInfo info = SupervisorServer.call(runtime, supervisor, new SupervisorServer.ChildOf(child), timeout);
		return Optional.ofNullable(info);
	}

	/**
	 * How many children of a supervisor run now, asked with a bounded wait: O(1) for a dynamic
	 * supervisor, whatever its size.
	 * @param runtime the runtime
	 * @param supervisor the supervisor
	 * @param timeout how long it may take to answer
	 * @return the number of running children
	 * @throws dev.procreg.process.NoProcessException when the supervisor is not alive
	 * @throws dev.procreg.process.CallTimeoutException when it does not answer in time
	 * @throws IllegalArgumentException when the process is not a supervisor
	 */
	public static int runningChildren(ProcessRuntime runtime, Pid supervisor, Duration timeout) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		Integer running = SupervisorServer.call(runtime, supervisor, new SupervisorServer.RunningChildren(), timeout);
		return running;
	}

	/**
	 * @param runtime the runtime
	 * @return every live supervisor of the runtime, nested or not, in pid (start) order
	 */
	public static List<Pid> supervisors(ProcessRuntime runtime) {
		List<Pid> pids = new ArrayList<>();
		for (Pid pid : SupervisorIndex.of(runtime).pids()) {
			if (runtime.isAlive(pid)) {
				pids.add(pid);
			}
		}
		return pids;
	}

	/**
	 * Whether a process is a live supervisor of the runtime, answered from the runtime's index
	 * without a message to the process.
	 * @param runtime the runtime
	 * @param pid a process
	 * @return its kind, or empty when it is no live supervisor of this runtime
	 */
	public static Optional<SupervisorInfo.Kind> kindOf(ProcessRuntime runtime, Pid pid) {
		SupervisorIndex.Entry entry = SupervisorIndex.of(runtime).get(pid);
		return (entry != null && runtime.isAlive(pid)) ? Optional.of(entry.kind) : Optional.empty();
	}

	/**
	 * Restarts a supervisor and every supervisor below it made since it started, counted once,
	 * where they happen; children that left keep their restarts in the count. Asks no process.
	 * @param runtime the runtime
	 * @param pid a supervisor
	 * @return the count, or empty when it is no live supervisor of this runtime
	 */
	public static OptionalLong restarts(ProcessRuntime runtime, Pid pid) {
		SupervisorIndex.Entry entry = SupervisorIndex.of(runtime).get(pid);
		return (entry != null) ? OptionalLong.of(entry.subtreeRestarts.get()) : OptionalLong.empty();
	}

}
