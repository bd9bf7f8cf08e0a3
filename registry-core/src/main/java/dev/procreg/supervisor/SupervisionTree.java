package dev.procreg.supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitHook;
import dev.procreg.process.ExitReason;
import dev.procreg.process.LocalProcess;
import dev.procreg.process.Name;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessException;
import dev.procreg.process.ProcessInfo;
import dev.procreg.process.ProcessRuntime;

/**
 * The supervision tree for the admin page: supervisor by supervisor, each child's id, pid,
 * restart type, restart count and last exit.
 *
 * <pre>{@code
 * for (SupervisorInfo root : SupervisionTree.roots(runtime)) {
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
 * per-supervisor snapshots, not one atomic picture.
 */
public final class SupervisionTree {

	/** Live supervisors of every runtime; an entry leaves when its supervisor exits. */
	private static final ConcurrentHashMap<Pid, ProcessRuntime> SUPERVISORS = new ConcurrentHashMap<>();

	private SupervisionTree() {
	}

	static void track(ProcessRuntime runtime, Pid pid) {
		SUPERVISORS.put(pid, runtime);
		LocalProcess process = runtime.process(pid).orElse(null);
		if (process == null || !process.attach(new Untrack(pid))) {
			SUPERVISORS.remove(pid);
		}
	}

	/**
	 * A supervisor and, nested in {@link ChildInfo#subtree()}, every supervisor below it.
	 * @param runtime the runtime
	 * @param supervisor a supervisor or dynamic supervisor
	 * @return the tree
	 * @throws dev.procreg.process.NoProcessException when it is not alive
	 */
	public static SupervisorInfo describe(ProcessRuntime runtime, Name supervisor) {
		SupervisorInfo info = SupervisorServer.call(runtime, supervisor, new SupervisorServer.Describe());
		List<ChildInfo> children = new ArrayList<>(info.children().size());
		for (ChildInfo child : info.children()) {
			Pid pid = child.pid();
			SupervisorInfo subtree = null;
			if (child.type() == ChildType.SUPERVISOR && pid != null && SUPERVISORS.containsKey(pid)) {
				subtree = describeIfAlive(runtime, pid);
			}
			children.add(child.withSubtree(subtree));
		}
		return new SupervisorInfo(info.pid(), info.kind(), info.strategy(), info.maxRestarts(), info.maxSeconds(),
				info.restartsInWindow(), info.maxChildren(), List.copyOf(children));
	}

	private static @Nullable SupervisorInfo describeIfAlive(ProcessRuntime runtime, Pid pid) {
		try {
			return describe(runtime, pid);
		}
		catch (ProcessException ex) {
			return null; // it exited meanwhile
		}
	}

	/**
	 * The trees of the runtime's top supervisors (those not supervised by another supervisor), in
	 * start order.
	 * @param runtime the runtime
	 * @return the trees
	 */
	public static List<SupervisorInfo> roots(ProcessRuntime runtime) {
		List<SupervisorInfo> roots = new ArrayList<>();
		for (Pid pid : supervisors(runtime)) {
			Pid parent = runtime.processInfo(pid).map(ProcessInfo::parent).orElse(null);
			if (parent == null || !SUPERVISORS.containsKey(parent)) {
				SupervisorInfo tree = describeIfAlive(runtime, pid);
				if (tree != null) {
					roots.add(tree);
				}
			}
		}
		return roots;
	}

	/**
	 * @param runtime the runtime
	 * @return every live supervisor of the runtime, nested or not, in pid (start) order
	 */
	public static List<Pid> supervisors(ProcessRuntime runtime) {
		List<Pid> pids = new ArrayList<>();
		SUPERVISORS.forEach((pid, owner) -> {
			if (owner == runtime && runtime.isAlive(pid)) {
				pids.add(pid);
			}
		});
		pids.sort(null);
		return pids;
	}

	private static final class Untrack extends ExitHook {

		private final Pid pid;

		Untrack(Pid pid) {
			this.pid = pid;
		}

		@Override
		protected void processExited(LocalProcess process, ExitReason reason) {
			SUPERVISORS.remove(this.pid);
		}

	}

}
