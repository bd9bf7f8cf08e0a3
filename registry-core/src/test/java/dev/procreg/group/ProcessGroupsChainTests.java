package dev.procreg.group;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.procreg.distribution.InMemoryNetwork;
import dev.procreg.process.ExitReason;
import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Seeded random action chains over three nodes of an {@link InMemoryNetwork} (CLUSTER.md, tests
 * item 2): join, leave, kill, cut, heal and node restart, in plain JUnit. After every action no
 * read returns a dead local process; once the network is quiet, every node's {@code members}
 * equals the owners' truth over the nodes it is connected to, its {@code localMembers} its own
 * truth, and a scope monitor's snapshot plus events equal its {@code members}.
 *
 * <p>A failing chain names its seed; {@code -Dprocreg.groups.chain.seed=N} replays that chain
 * alone. The suite proves its power on planted bugs, each a scope overriding one step: a node
 * going down that leaves its members behind, a sync added on top of the view instead of
 * replacing it, and deaths that are not sent to the other nodes.
 */
class ProcessGroupsChainTests {

	/** Replays one chain: {@code -Dprocreg.groups.chain.seed=N}. */
	static final String SEED_PROPERTY = "procreg.groups.chain.seed";

	private static final long[] SEEDS = { 1, 2, 3, 5, 8, 13, 21, 2026 };

	private static final int STEPS = 80;

	private static final int NODES = 3;

	private static final List<String> GROUPS = List.of("g0", "g1", "g2");

	private static final String SCOPE = "chain";

	/** The real scope. */
	private static final Function<ProcessRuntime, ProcessGroups> CORRECT = (runtime) -> ProcessGroups.start(runtime,
			SCOPE);

	@Test
	void everyViewEqualsTheOwnersTruthAfterEveryQuietPoint() {
		String replay = System.getProperty(SEED_PROPERTY);
		if (replay != null) {
			Chain.run(Long.parseLong(replay), CORRECT);
			return;
		}
		for (long seed : SEEDS) {
			Chain.run(seed, CORRECT);
		}
		Chain.run(ThreadLocalRandom.current().nextLong(), CORRECT);
	}

	@Test
	void catchesANodeDownThatLeavesItsMembersBehind() {
		assertCaught(KeepsMembersOfDownNodes::new);
	}

	@Test
	void catchesASyncAddedOnTopOfTheViewInsteadOfReplacingIt() {
		assertCaught(SyncsOnTopOfTheView::new);
	}

	@Test
	void catchesDeathsThatAreNotSentToOtherNodes() {
		assertCaught(DeathsStayLocal::new);
	}

	private static void assertCaught(Function<ProcessRuntime, ProcessGroups> plantedBug) {
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> {
			for (long seed : SEEDS) {
				Chain.run(seed, (runtime) -> ProcessGroups.register(plantedBug.apply(runtime)));
			}
		}).withMessageContaining("replay with -D" + SEED_PROPERTY + "=");
	}

	// ---- planted bugs

	/** Forgets nothing when a node goes down: its members stay listed. */
	static final class KeepsMembersOfDownNodes extends ProcessGroups {

		KeepsMembersOfDownNodes(ProcessRuntime runtime) {
			super(runtime, SCOPE);
		}

		@Override
		void originDown(NodeId origin, List<Object> groups) {
		}

	}

	/** Adds a sync's members to what it holds, instead of replacing the origin's members. */
	static final class SyncsOnTopOfTheView extends ProcessGroups {

		SyncsOnTopOfTheView(ProcessRuntime runtime) {
			super(runtime, SCOPE);
		}

		@Override
		boolean applySync(NodeId origin, Object group, List<Pid> pids) {
			return remoteJoin(origin, group, pids);
		}

	}

	/** Sends joins and leaves to other nodes, but not deaths. */
	static final class DeathsStayLocal extends ProcessGroups {

		DeathsStayLocal(ProcessRuntime runtime) {
			super(runtime, SCOPE);
		}

		@Override
		void mirror(Group g, List<Pid> pids, @Nullable ExitReason reason) {
			if (reason == null || reason.equals(GroupEvent.LEAVE)) {
				super.mirror(g, pids, reason);
			}
		}

	}

	// ---- the chain

	/** One chain: three nodes, their processes, the owners' truth, and who is cut from whom. */
	static final class Chain {

		private final long seed;

		private final Random random;

		private final Function<ProcessRuntime, ProcessGroups> scopes;

		private final InMemoryNetwork network = new InMemoryNetwork();

		private final Node[] nodes = new Node[NODES];

		private final boolean[][] cut = new boolean[NODES][NODES];

		private final Deque<String> recent = new ArrayDeque<>();

		private Chain(long seed, Function<ProcessRuntime, ProcessGroups> scopes) {
			this.seed = seed;
			this.random = new Random(seed);
			this.scopes = scopes;
		}

		/**
		 * Runs one chain; a failure names the seed and the last actions.
		 * @param seed the seed
		 * @param scopes starts a node's scope from its runtime
		 */
		static void run(long seed, Function<ProcessRuntime, ProcessGroups> scopes) {
			Chain chain = new Chain(seed, scopes);
			try {
				chain.run();
			}
			catch (AssertionError | RuntimeException ex) {
				throw new AssertionError("group chain with seed " + seed + " failed (replay with -D" + SEED_PROPERTY
						+ "=" + seed + "); last actions:\n  " + String.join("\n  ", chain.recent), ex);
			}
			finally {
				chain.close();
			}
		}

		private void run() {
			for (int i = 0; i < NODES; i++) {
				this.nodes[i] = new Node("node" + i);
				this.nodes[i].start(this.random.nextBoolean());
			}
			quiet();
			checkViews();
			for (int step = 0; step < STEPS; step++) {
				String action = step();
				this.recent.addLast(step + ": " + action);
				if (this.recent.size() > 12) {
					this.recent.removeFirst();
				}
				checkNoDeadLocalProcess();
				quiet();
				checkViews();
			}
		}

		private String step() {
			Node node = this.nodes[this.random.nextInt(NODES)];
			int dice = this.random.nextInt(100);
			if (dice < 8 || node.processes.isEmpty()) {
				return node.spawn();
			}
			if (dice < 45) {
				return node.join(GROUPS.get(this.random.nextInt(GROUPS.size())));
			}
			if (dice < 62) {
				return node.leave(GROUPS.get(this.random.nextInt(GROUPS.size())));
			}
			if (dice < 72) {
				return node.kill();
			}
			if (dice < 82) {
				return cutOrHeal(true);
			}
			if (dice < 93) {
				return cutOrHeal(false);
			}
			return node.restart();
		}

		/** Cuts a connected pair, or heals a cut one; either the other when there is none. */
		private String cutOrHeal(boolean wantCut) {
			List<int[]> pairs = new ArrayList<>();
			for (int i = 0; i < NODES; i++) {
				for (int j = i + 1; j < NODES; j++) {
					if (this.cut[i][j] != wantCut) {
						pairs.add(new int[] { i, j });
					}
				}
			}
			if (pairs.isEmpty()) {
				return cutOrHeal(!wantCut);
			}
			int[] pair = pairs.get(this.random.nextInt(pairs.size()));
			Node a = this.nodes[pair[0]];
			Node b = this.nodes[pair[1]];
			if (wantCut) {
				this.network.cut(a.runtime, b.runtime);
			}
			else {
				this.network.heal(a.runtime, b.runtime);
			}
			this.cut[pair[0]][pair[1]] = wantCut;
			this.cut[pair[1]][pair[0]] = wantCut;
			return (wantCut ? "cut " : "heal ") + a.name + " " + b.name;
		}

		private void quiet() {
			try {
				assertThat(this.network.awaitQuiet(Await.LONG)).as("the network became quiet").isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}

		/** Promise 1, at once and whatever the network does: no read returns a dead local process. */
		private void checkNoDeadLocalProcess() {
			for (Node node : this.nodes) {
				for (String group : GROUPS) {
					List<Pid> read = new ArrayList<>(node.scope.members(group));
					read.addAll(node.scope.localMembers(group));
					for (Pid pid : read) {
						if (pid.nodeId().equals(node.runtime.nodeId())) {
							assertThat(node.runtime.isAlive(pid)).as("%s lists its dead process %s in %s", node.name, pid, group)
								.isTrue();
						}
					}
				}
			}
		}

		/** Once quiet: every view is the owners' truth over the nodes it is connected to. */
		private void checkViews() {
			for (int i = 0; i < NODES; i++) {
				Node node = this.nodes[i];
				GroupWatcher.State watched = node.watcher.state();
				assertThat(watched.violations).as("%s's monitor", node.name).isEmpty();
				Set<Object> nonEmpty = new HashSet<>();
				for (String group : GROUPS) {
					List<Pid> expected = new ArrayList<>(node.truth(group));
					for (int j = 0; j < NODES; j++) {
						if (j != i && !this.cut[i][j]) {
							expected.addAll(this.nodes[j].truth(group));
						}
					}
					expected.sort(null);
					if (!expected.isEmpty()) {
						nonEmpty.add(group);
					}
					assertThat(sorted(node.scope.members(group))).as("%s members(%s)", node.name, group)
						.isEqualTo(expected);
					assertThat(sorted(node.scope.localMembers(group))).as("%s localMembers(%s)", node.name, group)
						.isEqualTo(sorted(node.truth(group)));
					assertThat(sorted(watched.view.getOrDefault(group, List.of())))
						.as("%s monitor's snapshot + events of %s", node.name, group)
						.isEqualTo(expected);
				}
				assertThat(new HashSet<>(node.scope.whichGroups())).as("%s whichGroups", node.name).isEqualTo(nonEmpty);
			}
		}

		private static List<Pid> sorted(List<Pid> pids) {
			List<Pid> copy = new ArrayList<>(pids);
			copy.sort(null);
			return copy;
		}

		private void close() {
			this.network.close();
			for (Node node : this.nodes) {
				if (node != null && node.runtime != null) {
					node.runtime.close();
				}
			}
		}

		/** One node: its runtime, scope, monitor, live processes and the truth of its members. */
		private final class Node {

			final String name;

			ProcessRuntime runtime;

			ProcessGroups scope;

			GroupWatcher watcher;

			final List<Pid> processes = new ArrayList<>();

			final Map<String, List<Pid>> truth = new HashMap<>();

			Node(String name) {
				this.name = name;
			}

			/** Starts the runtime and joins the network, the scope first or last. */
			void start(boolean scopeFirst) {
				this.runtime = ProcessRuntime.start(ProcessRuntime.Options.defaults()
					.withNode(this.name)
					.withShutdownTimeout(RuntimeExtension.SHUTDOWN_TIMEOUT));
				if (scopeFirst) {
					this.scope = Chain.this.scopes.apply(this.runtime);
					Chain.this.network.join(this.runtime);
				}
				else {
					Chain.this.network.join(this.runtime);
					this.scope = Chain.this.scopes.apply(this.runtime);
				}
				this.watcher = GroupWatcher.start(this.scope, null);
			}

			List<Pid> truth(String group) {
				return this.truth.getOrDefault(group, List.of());
			}

			private Pid anyProcess() {
				return this.processes.get(Chain.this.random.nextInt(this.processes.size()));
			}

			String spawn() {
				Pid pid = this.runtime.spawn((ctx) -> ctx.receive());
				this.processes.add(pid);
				return "spawn " + pid;
			}

			String join(String group) {
				Pid pid = anyProcess();
				List<Pid> pids = (Chain.this.random.nextInt(5) == 0) ? List.of(pid, pid) : List.of(pid);
				this.scope.join(group, pids);
				this.truth.computeIfAbsent(group, (g) -> new ArrayList<>()).addAll(pids);
				return "join " + group + " " + pids;
			}

			String leave(String group) {
				List<Pid> members = truth(group);
				Pid pid = (!members.isEmpty() && Chain.this.random.nextInt(5) != 0)
						? members.get(Chain.this.random.nextInt(members.size())) : anyProcess();
				boolean expected = this.truth.getOrDefault(group, new ArrayList<>()).remove(pid);
				assertThat(this.scope.leave(group, pid)).as("%s leave(%s, %s)", this.name, group, pid).isEqualTo(expected);
				return "leave " + group + " " + pid;
			}

			String kill() {
				Pid pid = anyProcess();
				this.runtime.exit(pid, ExitReason.KILL);
				assertThat(this.runtime.isAlive(pid)).as("killed at once").isFalse();
				this.processes.remove(pid);
				this.truth.values().forEach((members) -> members.removeIf(pid::equals));
				return "kill " + pid;
			}

			/** Stops the node and starts it again under the same name, as a new incarnation. */
			String restart() {
				NodeId before = this.runtime.nodeId();
				Chain.this.network.leave(this.runtime);
				this.runtime.close();
				this.processes.clear();
				this.truth.clear();
				int self = List.of(Chain.this.nodes).indexOf(this);
				for (int j = 0; j < NODES; j++) {
					Chain.this.cut[self][j] = false;
					Chain.this.cut[j][self] = false;
				}
				boolean scopeFirst = Chain.this.random.nextBoolean();
				start(scopeFirst);
				return "restart " + before + " as " + this.runtime.nodeId() + (scopeFirst ? ", scope first" : ", scope last");
			}

		}

	}

}
