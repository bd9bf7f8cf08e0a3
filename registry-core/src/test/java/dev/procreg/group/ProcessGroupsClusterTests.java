package dev.procreg.group;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.procreg.distribution.InMemoryNetwork;
import dev.procreg.process.ExitReason;
import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.RemoteCrashException;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Process groups across nodes, {@code :pg}'s replication: runtimes of one JVM connected by an
 * {@link InMemoryNetwork}, each comparison made once the network is quiet. CLUSTER.md, tests
 * item 2 (the random chains are in {@link ProcessGroupsChainTests}).
 */
class ProcessGroupsClusterTests {

	private final InMemoryNetwork network = new InMemoryNetwork();

	private final List<ProcessRuntime> runtimes = new ArrayList<>();

	private ProcessRuntime berlin;

	private ProcessRuntime paris;

	private ProcessGroups inBerlin;

	private ProcessGroups inParis;

	@BeforeEach
	void start() {
		this.berlin = runtime("berlin");
		this.paris = runtime("paris");
		this.inBerlin = ProcessGroups.start(this.berlin);
		this.inParis = ProcessGroups.start(this.paris);
	}

	@AfterEach
	void stop() {
		this.network.close();
		this.runtimes.forEach(ProcessRuntime::close);
	}

	private ProcessRuntime runtime(String node) {
		ProcessRuntime runtime = ProcessRuntime.start(ProcessRuntime.Options.defaults()
			.withNode(node)
			.withShutdownTimeout(RuntimeExtension.SHUTDOWN_TIMEOUT));
		this.runtimes.add(runtime);
		return runtime;
	}

	private void connect() {
		this.network.join(this.berlin);
		this.network.join(this.paris);
		quiet();
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

	private static Pid idle(ProcessRuntime runtime) {
		return runtime.spawn((ctx) -> ctx.receive());
	}

	@Test
	void aRemoteMemberIsSeenAfterItJoinsAndGoneAfterItLeavesOrDies() {
		connect();
		Pid worker = idle(this.berlin);
		this.inBerlin.join("workers", worker);
		this.inBerlin.join("workers", worker);
		Pid local = idle(this.paris);
		this.inParis.join("workers", local);
		quiet();
		assertThat(this.inParis.members("workers")).containsExactlyInAnyOrder(worker, worker, local);
		assertThat(this.inParis.localMembers("workers")).containsExactly(local);
		assertThat(this.inBerlin.members("workers")).containsExactlyInAnyOrder(worker, worker, local);
		assertThat(this.inParis.whichGroups()).containsExactly("workers");

		this.inBerlin.leave("workers", worker);
		quiet();
		assertThat(this.inParis.members("workers")).containsExactlyInAnyOrder(worker, local);
		this.berlin.exit(worker, ExitReason.KILL);
		this.paris.exit(local, ExitReason.KILL);
		quiet();
		assertThat(this.inParis.members("workers")).isEmpty();
		assertThat(this.inBerlin.members("workers")).isEmpty();
		assertThat(this.inParis.whichGroups()).isEmpty();

		Pid remoteOnly = idle(this.berlin);
		this.inBerlin.join("remote-only", remoteOnly);
		quiet();
		assertThat(this.inParis.whichGroups()).as("a group with remote members only").containsExactly("remote-only");
		assertThat(this.inParis.localMembers("remote-only")).isEmpty();
	}

	@Test
	void membershipsAreCountedByTheNodeTheyRunOn() {
		connect();
		Pid worker = idle(this.berlin);
		this.inBerlin.join("workers", worker);
		this.inBerlin.join("workers", worker);
		this.inBerlin.join("payers", worker);
		Pid local = idle(this.paris);
		this.inParis.join("workers", local);
		Pid dead = idle(this.paris);
		this.inParis.join("payers", dead);
		this.paris.exit(dead, ExitReason.KILL);
		quiet();
		assertThat(this.inParis.membershipsByNode())
			.containsExactlyInAnyOrderEntriesOf(Map.of(this.berlin.nodeId(), 3L, this.paris.nodeId(), 1L));
		assertThat(this.inBerlin.membershipsByNode())
			.containsExactlyInAnyOrderEntriesOf(Map.of(this.berlin.nodeId(), 3L, this.paris.nodeId(), 1L));

		this.network.leave(this.berlin);
		quiet();
		assertThat(this.inParis.membershipsByNode()).as("a node gone takes its members")
			.containsExactlyInAnyOrderEntriesOf(Map.of(this.paris.nodeId(), 1L));
	}

	@Test
	void aNodeThatConnectsLateGetsTheMembersJoinedBefore() {
		Pid a = idle(this.berlin);
		Pid b = idle(this.paris);
		this.inBerlin.join("g", List.of(a, a));
		this.inBerlin.join("h", a);
		this.inParis.join("g", b);
		connect();
		assertThat(this.inParis.members("g")).containsExactlyInAnyOrder(a, a, b);
		assertThat(this.inParis.members("h")).containsExactly(a);
		assertThat(this.inBerlin.members("g")).containsExactlyInAnyOrder(a, a, b);
		assertThat(this.inBerlin.members("h")).containsExactly(a);

		ProcessRuntime rome = runtime("rome");
		ProcessGroups inRome = ProcessGroups.start(rome);
		Pid c = idle(rome);
		inRome.join("h", c);
		this.network.join(rome);
		quiet();
		assertThat(inRome.members("g")).containsExactlyInAnyOrder(a, a, b);
		assertThat(inRome.members("h")).containsExactlyInAnyOrder(a, c);
		assertThat(this.inParis.members("h")).containsExactlyInAnyOrder(a, c);
	}

	@Test
	void aScopeStartedAfterTheNodesConnectedStillSyncs() {
		ProcessRuntime rome = runtime("rome");
		connect();
		this.network.join(rome);
		quiet();
		Pid a = idle(this.berlin);
		this.inBerlin.join("g", a);
		Pid c = idle(rome);
		quiet();
		// rome has no scope yet: what berlin sent it was dropped
		ProcessGroups inRome = ProcessGroups.start(rome);
		inRome.join("g", c);
		quiet();
		assertThat(inRome.members("g")).containsExactlyInAnyOrder(a, c);
		assertThat(this.inBerlin.members("g")).containsExactlyInAnyOrder(a, c);
		assertThat(this.inParis.members("g")).containsExactlyInAnyOrder(a, c);
		ProcessGroups other = ProcessGroups.start(this.paris, "other");
		assertThat(other.members("g")).as("scopes stay apart across nodes too").isEmpty();
	}

	@Test
	void aCutPurgesTheOriginsMembersWithNoconnectionAndAHealRestoresThemExactly() {
		connect();
		Pid a = idle(this.berlin);
		Pid b = idle(this.berlin);
		Pid local = idle(this.paris);
		this.inBerlin.join("g", List.of(a, a, b));
		this.inParis.join("g", local);
		quiet();
		GroupWatcher watcher = GroupWatcher.start(this.inParis, "g");
		GroupWatcher scopeWatcher = GroupWatcher.start(this.inParis, null);
		assertThat(watcher.members("g")).containsExactlyInAnyOrder(a, a, b, local);

		this.network.cut(this.berlin, this.paris);
		quiet();
		assertThat(this.inParis.members("g")).containsExactly(local);
		assertThat(this.inBerlin.members("g")).containsExactlyInAnyOrder(a, a, b);
		GroupWatcher.State seen = watcher.state();
		assertThat(seen.view.get("g")).containsExactly(local);
		GroupEvent.Left left = (GroupEvent.Left) seen.events.get(seen.events.size() - 1);
		assertThat(left.reason()).isEqualTo(ExitReason.NOCONNECTION);
		assertThat(left.pids()).containsExactlyInAnyOrder(a, a, b);
		assertThat(scopeWatcher.members("g")).containsExactly(local);

		this.inBerlin.leave("g", b); // while cut: paris learns it from the sync
		this.network.heal(this.berlin, this.paris);
		quiet();
		assertThat(this.inParis.members("g")).containsExactlyInAnyOrder(a, a, local);
		assertThat(this.inBerlin.members("g")).containsExactlyInAnyOrder(a, a, local);
		for (GroupWatcher w : List.of(watcher, scopeWatcher)) {
			GroupWatcher.State state = w.state();
			assertThat(state.view.get("g")).containsExactlyInAnyOrder(a, a, local);
			assertThat(state.violations).isEmpty();
		}
	}

	@Test
	void aMonitorSeesRemoteChangesAndItsSnapshotPlusEventsAreTheHistory() {
		connect();
		Pid early = idle(this.berlin);
		this.inBerlin.join("g", early);
		quiet();
		GroupWatcher watcher = GroupWatcher.start(this.inParis, "g");
		GroupWatcher scopeWatcher = GroupWatcher.start(this.inParis, null);
		GroupWatcher.State atStart = watcher.state();
		assertThat(atStart.view.get("g")).as("the snapshot holds the remote member").containsExactly(early);
		assertThat(atStart.events).isEmpty();

		Pid worker = idle(this.berlin);
		this.inBerlin.join("g", worker);
		quiet();
		this.inBerlin.leave("g", worker);
		quiet();
		this.berlin.exit(early, ExitReason.of("payment-timeout"));
		quiet();
		GroupWatcher.State state = watcher.state();
		assertThat(state.events).hasSize(3);
		assertThat(state.events.get(0)).isInstanceOfSatisfying(GroupEvent.Joined.class,
				(joined) -> assertThat(joined.pids()).containsExactly(worker));
		assertThat(state.events.get(1)).isInstanceOfSatisfying(GroupEvent.Left.class, (left) -> {
			assertThat(left.pids()).containsExactly(worker);
			assertThat(left.byLeave()).isTrue();
		});
		assertThat(state.events.get(2)).isInstanceOfSatisfying(GroupEvent.Left.class, (left) -> {
			assertThat(left.pids()).containsExactly(early);
			assertThat(left.reason()).as("a remote death carries its reason").isEqualTo(ExitReason.of("payment-timeout"));
		});
		assertThat(state.view.get("g")).isEmpty();

		// churn on both nodes while a monitor starts: snapshot + events = members at the end
		List<Pid> pool = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			pool.add(idle((i % 2 == 0) ? this.berlin : this.paris));
		}
		Thread churn = Thread.ofPlatform().start(() -> {
			Random random = new Random(7);
			for (int i = 0; i < 400; i++) {
				Pid pid = pool.get(random.nextInt(pool.size()));
				ProcessGroups scope = pid.node().equals("berlin") ? this.inBerlin : this.inParis;
				String group = "c" + random.nextInt(3);
				if (random.nextBoolean()) {
					scope.join(group, pid);
				}
				else {
					scope.leave(group, pid);
				}
			}
		});
		GroupWatcher late = GroupWatcher.start(this.inParis, null);
		join(churn);
		quiet();
		GroupWatcher.State lateState = late.state();
		GroupWatcher.State scopeState = scopeWatcher.state();
		for (String group : List.of("c0", "c1", "c2")) {
			assertThat(lateState.view.getOrDefault(group, List.of())).as(group)
				.containsExactlyInAnyOrderElementsOf(this.inParis.members(group));
			assertThat(scopeState.view.getOrDefault(group, List.of())).as(group)
				.containsExactlyInAnyOrderElementsOf(this.inParis.members(group));
			assertThat(this.inParis.members(group)).as(group)
				.containsExactlyInAnyOrderElementsOf(this.inBerlin.members(group));
		}
		assertThat(lateState.violations).isEmpty();
		assertThat(scopeState.violations).isEmpty();
	}

	@Test
	void syncsRacingChurnEndExactlyWhereTheDeltasLeaveThem() {
		// each round, syncs walk the groups (a heal: one sync per side and one per discover) while
		// joins, leaves and deaths go on; a scope starts on a connected node during one round;
		// once a round's churn stops, each view is the owner's truth
		connect();
		ProcessRuntime rome = runtime("rome");
		this.network.join(rome);
		ProcessGroups inRome = null;
		List<Pid> pool = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			pool.add(idle(this.berlin));
		}
		GroupWatcher watcher = GroupWatcher.start(this.inParis, null);
		for (int round = 0; round < 30; round++) {
			AtomicBoolean stop = new AtomicBoolean();
			List<Thread> churn = new ArrayList<>();
			for (int t = 0; t < 2; t++) {
				long seed = round * 2L + t;
				churn.add(Thread.ofPlatform().start(() -> churn(pool, new Random(seed), stop)));
			}
			this.network.cut(this.berlin, this.paris);
			this.network.heal(this.berlin, this.paris);
			if (round == 10) {
				inRome = ProcessGroups.start(rome);
			}
			stop.set(true);
			churn.forEach(ProcessGroupsClusterTests::join);
			quiet();
			GroupWatcher.State watched = watcher.state();
			assertThat(watched.violations).isEmpty();
			for (String group : List.of("c0", "c1", "c2", "c3")) {
				List<Pid> truth = this.inBerlin.localMembers(group);
				assertThat(this.inParis.members(group)).as("round %d, %s", round, group)
					.containsExactlyInAnyOrderElementsOf(truth);
				if (inRome != null) {
					assertThat(inRome.members(group)).as("round %d, %s in rome", round, group)
						.containsExactlyInAnyOrderElementsOf(truth);
				}
				assertThat(watched.view.getOrDefault(group, List.of())).as("round %d, %s monitored", round, group)
					.containsExactlyInAnyOrderElementsOf(truth);
			}
		}
	}

	/** Joins, leaves and now and then a death on berlin, until told to stop. */
	private void churn(List<Pid> pool, Random random, AtomicBoolean stop) {
		while (!stop.get()) {
			Pid pid = pool.get(random.nextInt(pool.size()));
			String group = "c" + random.nextInt(4);
			int dice = random.nextInt(40);
			if (dice < 20) {
				this.inBerlin.join(group, pid);
			}
			else if (dice < 39) {
				this.inBerlin.leave(group, pid);
			}
			else {
				this.berlin.exit(pid, ExitReason.KILL);
			}
		}
	}

	/** Thrown by a member; a class another node may not be able to read back. */
	static final class CardDeclinedException extends RuntimeException {

		CardDeclinedException(String message) {
			super(message);
		}

	}

	@Test
	void aRemoteCrashTravelsAsARemoteCrashExceptionWithTheThrownClassName() throws Exception {
		connect();
		Pid worker = this.berlin.spawn((ctx) -> {
			if (ctx.receive() instanceof String why) {
				throw new CardDeclinedException(why);
			}
		});
		this.inBerlin.join("g", worker);
		quiet();
		GroupWatcher watcher = GroupWatcher.start(this.inParis, "g");
		this.berlin.send(worker, "card declined");
		// the Leave is sent by the worker's exit hook, after its death shows: wait for the event
		await().atMost(Await.LONG).untilAsserted(() -> assertThat(watcher.state().events).hasSize(1));
		GroupEvent.Left left = (GroupEvent.Left) watcher.state().events.get(0);
		assertThat(left.pids()).containsExactly(worker);
		assertThat(left.reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
				(crash) -> assertThat(crash.error()).isInstanceOfSatisfying(RemoteCrashException.class, (remote) -> {
					assertThat(remote.className()).isEqualTo(CardDeclinedException.class.getName());
					assertThat(remote.getMessage()).contains("card declined");
				}));

		ScopeReplica.Leave crashed = new ScopeReplica.Leave("g", List.of(worker),
				ExitReason.crash(new CardDeclinedException("again")));
		assertThat(((ExitReason.Crash) roundTrip(crashed).reason()).error())
			.as("the thrown class itself never travels")
			.isInstanceOf(RemoteCrashException.class)
			.hasMessageContaining("again");
	}

	@Test
	void aRestartedNodesEarlierMembersAreGoneAndItsNewOnesSeen() {
		connect();
		Pid old = idle(this.paris);
		this.inParis.join("g", old);
		quiet();
		assertThat(this.inBerlin.members("g")).containsExactly(old);
		this.network.leave(this.paris);
		this.paris.close();
		quiet();
		assertThat(this.inBerlin.members("g")).isEmpty();
		this.paris = runtime("paris");
		this.network.join(this.paris);
		this.inParis = ProcessGroups.start(this.paris);
		Pid fresh = idle(this.paris);
		this.inParis.join("g", fresh);
		quiet();
		assertThat(this.inBerlin.members("g")).containsExactly(fresh);
	}

	@Test
	void aSyncReplacesTheOriginsMembersAndRemovesThemFromGroupsItDoesNotList() {
		checkTheReplacingRule(this.inParis);
	}

	@Test
	void theReplacingRuleCatchesASyncEndThatKeepsUnlistedGroups() {
		ProcessRuntime rome = runtime("rome");
		ProcessGroups keepsUnlisted = ProcessGroups.register(new ProcessGroups(rome, ProcessGroups.DEFAULT_SCOPE) {
			@Override
			void syncEnded(NodeId origin, List<Object> unlisted) {
			}
		});
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> checkTheReplacingRule(keepsUnlisted))
			.withMessageContaining("unlisted");
	}

	/** The protocol's replacing rule, driven through a scope's replica as a node would drive it. */
	private static void checkTheReplacingRule(ProcessGroups scope) {
		NodeId ghost = new NodeId("ghost", 42);
		Pid one = Pid.of(ghost, 1);
		Pid two = Pid.of(ghost, 2);
		ScopeReplica replica = scope.replica;
		replica.received(ghost, new ScopeReplica.Join("kept", List.of(one, one)));
		replica.received(ghost, new ScopeReplica.Join("unlisted", List.of(two)));
		replica.received(ghost, new ScopeReplica.Join("touched", List.of(two)));
		assertThat(scope.whichGroups()).containsExactlyInAnyOrder("kept", "unlisted", "touched");

		replica.received(ghost, new ScopeReplica.SyncStart());
		replica.received(ghost, new ScopeReplica.SyncGroup("kept", List.of(one, two)));
		replica.received(ghost, new ScopeReplica.Leave("touched", List.of(two), GroupEvent.LEAVE));
		replica.received(ghost, new ScopeReplica.Join("touched", List.of(one)));
		replica.received(ghost, new ScopeReplica.SyncEnd());
		assertThat(scope.members("kept")).containsExactlyInAnyOrder(one, two);
		assertThat(scope.members("unlisted")).as("unlisted by the sync: gone").isEmpty();
		assertThat(scope.members("touched")).as("changed by a delta during the sync: kept").containsExactly(one);

		replica.nodeDown(ghost);
		assertThat(scope.whichGroups()).isEmpty();
	}

	@Test
	void onlyLocalProcessesJoinAndLeaveAcrossNodesToo() {
		connect();
		Pid remote = idle(this.berlin);
		assertThatIllegalArgumentException().isThrownBy(() -> this.inParis.join("g", remote))
			.withMessageContaining("runs on node berlin")
			.withMessageContaining("only local processes can join or leave");
		this.inBerlin.join("g", remote);
		quiet();
		assertThatIllegalArgumentException().isThrownBy(() -> this.inParis.leave("g", remote))
			.withMessageContaining("only local processes can join or leave");
		assertThat(this.inParis.members("g")).containsExactly(remote);
	}

	@Test
	void aMessageOfAnotherKindIsRefusedAndChangesNothing() {
		NodeId ghost = new NodeId("ghost", 42);
		assertThatIllegalArgumentException().isThrownBy(() -> this.inParis.replica.received(ghost, "hello"))
			.withMessageContaining("no process group message");
		assertThat(this.inParis.whichGroups()).isEmpty();
	}

	@Test
	void whatTravelsSurvivesJdkSerializationThroughTheProtocolsPackagesOnly() throws Exception {
		Pid pid = idle(this.berlin);
		List<ScopeReplica.Message> messages = List.of(new ScopeReplica.Discover(), new ScopeReplica.SyncStart(),
				new ScopeReplica.SyncGroup("g", List.of(pid, pid)), new ScopeReplica.SyncEnd(),
				new ScopeReplica.Join("g", List.of(pid)), new ScopeReplica.Leave("g", List.of(pid), GroupEvent.LEAVE),
				new ScopeReplica.Leave("g", List.of(pid), ExitReason.KILLED),
				new ScopeReplica.Leave("g", List.of(pid), ExitReason.of("payment-timeout")));
		for (ScopeReplica.Message message : messages) {
			assertThat(roundTrip(message)).isEqualTo(message);
			assertThat(packagesRead(message)).as("%s reads classes of", message)
				.allMatch((name) -> List.of("java.lang", "java.util", "dev.procreg.process", "dev.procreg.group")
					.contains(name));
		}
	}

	private static byte[] serialized(Object message) throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeObject(message);
		}
		return bytes.toByteArray();
	}

	@SuppressWarnings("unchecked")
	private static <T> T roundTrip(T message) throws Exception {
		try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized(message)))) {
			return (T) in.readObject();
		}
	}

	/** The packages of every class read back, as a codec's allow-list filter sees them. */
	private static List<String> packagesRead(Object message) throws Exception {
		List<String> packages = new ArrayList<>();
		try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized(message)))) {
			in.setObjectInputFilter((info) -> {
				Class<?> type = info.serialClass();
				while (type != null && type.isArray()) {
					type = type.getComponentType();
				}
				if (type != null && !type.isPrimitive()) {
					packages.add(type.getPackageName());
				}
				return ObjectInputFilter.Status.UNDECIDED;
			});
			in.readObject();
		}
		return packages;
	}

	private static void join(Thread thread) {
		try {
			thread.join(Await.LONG.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
		assertThat(thread.isAlive()).as("churn finished").isFalse();
	}

}
