package dev.procreg.distribution;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.procreg.process.Down;
import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.registry.NameArbiter;
import dev.procreg.registry.NameConflict;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegisterResult;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.Supervisor;
import dev.procreg.testing.Await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * A cluster-scoped unique registry on two and three runtimes of an {@link InMemoryNetwork}:
 * keys seen from every node, claims through an arbiter, a node's keys gone with it, and a healed
 * split settled by the older claim, the loser told with {@link NameConflict}.
 */
class ClusterRegistryTests {

	private final InMemoryNetwork network = new InMemoryNetwork();

	private final List<ProcessRuntime> runtimes = new ArrayList<>();

	@AfterEach
	void stop() {
		this.network.close();
		this.runtimes.forEach(ProcessRuntime::close);
	}

	private ProcessRuntime node(String name, @Nullable NameArbiter arbiter) {
		ProcessRuntime runtime = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode(name));
		this.runtimes.add(runtime);
		if (arbiter != null) {
			NameArbiter.install(runtime, arbiter);
		}
		ProcessRegistry.start(runtime, RegistryOptions.unique("sessions").withClusterScope());
		this.network.join(runtime);
		return runtime;
	}

	@SuppressWarnings("unchecked")
	private static ProcessRegistry<String, String> sessions(ProcessRuntime runtime) {
		return (ProcessRegistry<String, String>) ProcessRegistry.named(runtime, "sessions").orElseThrow();
	}

	/** Spawns a process that registers a key and waits; completes with what register answered. */
	private static CompletableFuture<RegisterResult> registerIn(ProcessRuntime runtime, String key, String value) {
		CompletableFuture<RegisterResult> result = new CompletableFuture<>();
		runtime.spawn((ctx) -> {
			result.complete(sessions(runtime).register(key, value));
			ctx.receive();
		});
		return result;
	}

	@Test
	void aKeyIsSeenFromEveryNodeUntilItsOwnerLetsGo() {
		InMemoryNameArbiter claims = new InMemoryNameArbiter();
		ProcessRuntime berlin = node("berlin", claims);
		ProcessRuntime paris = node("paris", claims);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Pid> owner = new CompletableFuture<>();
		Pid alice = berlin.spawn((ctx) -> {
			assertThat(sessions(berlin).register("alice", "cart-1")).isInstanceOf(RegisterResult.Registered.class);
			owner.complete(ctx.self());
			Await.blockOn(release);
			sessions(berlin).unregister("alice");
			ctx.receive();
		});
		Await.result(owner);
		await().atMost(Await.LONG).until(() -> sessions(paris).whereis("alice").isPresent());
		assertThat(sessions(paris).whereis("alice")).contains(alice);
		assertThat(sessions(paris).lookup("alice")).singleElement()
			.satisfies((entry) -> assertThat(entry.value()).isEqualTo("cart-1"));
		assertThat(sessions(paris).count()).isEqualTo(1);
		assertThat(sessions(paris).select((entry) -> true, (entry) -> entry.key())).containsExactly("alice");
		assertThat(claims.holder("sessions", "alice").owner()).isEqualTo(alice);
		release.countDown();
		await().atMost(Await.LONG).until(() -> sessions(paris).whereis("alice").isEmpty());
		await().atMost(Await.LONG).until(() -> claims.holder("sessions", "alice") == null);

		Pid bob = Await.result(registerIn(berlin, "bob", "cart-2")) instanceof RegisterResult.Registered
				? sessions(berlin).whereis("bob").orElseThrow() : null;
		await().atMost(Await.LONG).until(() -> sessions(paris).whereis("bob").isPresent());
		berlin.exit(bob, ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> sessions(paris).whereis("bob").isEmpty());
		assertThat(sessions(paris).count()).isZero();
	}

	@Test
	void entriesAreCountedByTheNodeTheirProcessRunsOn() {
		InMemoryNameArbiter claims = new InMemoryNameArbiter();
		ProcessRuntime berlin = node("berlin", claims);
		ProcessRuntime paris = node("paris", claims);
		for (String key : List.of("alice", "bob", "carol")) {
			assertThat(Await.result(registerIn(berlin, key, "v"))).isInstanceOf(RegisterResult.Registered.class);
		}
		assertThat(Await.result(registerIn(paris, "dave", "v"))).isInstanceOf(RegisterResult.Registered.class);
		await().atMost(Await.LONG).until(() -> sessions(paris).count() == 4 && sessions(berlin).count() == 4);
		Map<NodeId, Long> expected = Map.of(berlin.nodeId(), 3L, paris.nodeId(), 1L);
		assertThat(sessions(paris).countByNode()).containsExactlyInAnyOrderEntriesOf(expected);
		assertThat(sessions(berlin).countByNode()).containsExactlyInAnyOrderEntriesOf(expected);

		this.network.leave(berlin);
		await().atMost(Await.LONG).until(() -> sessions(paris).count() == 1);
		assertThat(sessions(paris).countByNode()).as("a node gone takes its keys")
			.containsExactlyInAnyOrderEntriesOf(Map.of(paris.nodeId(), 1L));
	}

	@Test
	void aKeyHeldOnOneNodeIsRefusedOnAnother() {
		InMemoryNameArbiter claims = new InMemoryNameArbiter();
		ProcessRuntime berlin = node("berlin", claims);
		ProcessRuntime paris = node("paris", claims);
		assertThat(Await.result(registerIn(berlin, "alice", "first"))).isInstanceOf(RegisterResult.Registered.class);
		Pid owner = sessions(berlin).whereis("alice").orElseThrow();
		// refused by the arbiter at once, before paris's view has heard of the key
		assertThat(Await.result(registerIn(paris, "alice", "second")))
			.isEqualTo(new RegisterResult.AlreadyRegistered(owner));
	}

	@Test
	void concurrentClaimsFromTwoNodesLeaveOneOwnerPerKeyThatEveryNodeAgreesOn() {
		InMemoryNameArbiter claims = new InMemoryNameArbiter();
		ProcessRuntime berlin = node("berlin", claims);
		ProcessRuntime paris = node("paris", claims);
		int keys = 200;
		AtomicInteger won = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(2 * keys);
		for (ProcessRuntime runtime : List.of(berlin, paris)) {
			for (int i = 0; i < keys; i++) {
				String key = "k" + i;
				runtime.spawn((ctx) -> {
					if (sessions(runtime).register(key, runtime.node()) instanceof RegisterResult.Registered) {
						won.incrementAndGet();
					}
					done.countDown();
					ctx.receive();
				});
			}
		}
		Await.latch(done);
		assertThat(won).as("one winner per key").hasValue(keys);
		await().atMost(Await.LONG).untilAsserted(() -> {
			for (int i = 0; i < keys; i++) {
				String key = "k" + i;
				assertThat(sessions(berlin).whereis(key)).isPresent().isEqualTo(sessions(paris).whereis(key));
			}
		});
		assertThat(sessions(berlin).count()).isEqualTo(keys);
		assertThat(sessions(paris).count()).isEqualTo(keys);
	}

	/** A server whose init counts its runs. */
	static final class Session extends GenServer<String> {

		static final AtomicInteger INITS = new AtomicInteger();

		@Override
		protected Init<String> init(@Nullable Object arg) {
			INITS.incrementAndGet();
			return ok(String.valueOf(arg));
		}

		@Override
		protected Result<String> handleCall(Object request, dev.procreg.process.From from, String state) {
			return reply(state, state);
		}

	}

	@Test
	void startingUnderAClusterViaNameFindsTheOwnerOnAnotherNodeAndNeverRunsInit() {
		InMemoryNameArbiter claims = new InMemoryNameArbiter();
		ProcessRuntime berlin = node("berlin", claims);
		ProcessRuntime paris = node("paris", claims);
		Session.INITS.set(0);
		Pid first = GenServer.start(berlin, new Session(), "a", sessions(berlin).via("donor-7")).orThrow();
		StartResult second = GenServer.start(paris, new Session(), "b", sessions(paris).via("donor-7"));
		assertThat(second).isEqualTo(new StartResult.AlreadyStarted(first));
		assertThat(Session.INITS).as("the loser never runs init").hasValue(1);
		await().atMost(Await.LONG).until(() -> sessions(paris).whereis("donor-7").isPresent());
		assertThat(paris.<String>call(sessions(paris).via("donor-7"), "ping", Await.LONG))
			.as("a call through the via name reaches berlin's server").isEqualTo("a");
	}

	@Test
	void aNodesKeysGoWithItAndComeBackWhenItReconnects() {
		ProcessRuntime berlin = node("berlin", null);
		ProcessRuntime paris = node("paris", null);
		Await.result(registerIn(berlin, "alice", "cart"));
		await().atMost(Await.LONG).until(() -> sessions(paris).whereis("alice").isPresent());
		this.network.cut(berlin, paris);
		await().atMost(Await.LONG).until(() -> sessions(paris).whereis("alice").isEmpty());
		this.network.heal(berlin, paris);
		await().atMost(Await.LONG).until(() -> sessions(paris).whereis("alice").isPresent());
		ProcessRuntime lyon = node("lyon", null);
		await("a node that joins late gets the snapshot").atMost(Await.LONG)
			.until(() -> sessions(lyon).whereis("alice").isPresent());
	}

	@Test
	void aHealedSplitKeepsTheOlderClaimAndTellsTheLoser() {
		ProcessRuntime berlin = node("berlin", null);
		ProcessRuntime paris = node("paris", null);
		this.network.cut(berlin, paris);
		Map<String, ExitReason> downs = new ConcurrentHashMap<>();
		CountDownLatch watching = new CountDownLatch(2);
		List<Pid> owners = new ArrayList<>();
		for (ProcessRuntime runtime : List.of(berlin, paris)) {
			Pid owner = runtime.spawn((ctx) -> {
				assertThat(sessions(runtime).register("alice", runtime.node()))
					.isInstanceOf(RegisterResult.Registered.class);
				ctx.receive();
			});
			await().atMost(Await.LONG).until(() -> sessions(runtime).whereis("alice").isPresent());
			owners.add(owner);
			runtime.spawn((ctx) -> {
				ctx.monitor(owner);
				watching.countDown();
				Down down = ctx.receive(Down.class, Await.LONG).orElseThrow();
				downs.put(runtime.node(), down.reason());
			});
		}
		Await.latch(watching);
		this.network.heal(berlin, paris);
		Pid older = owners.get(0); // berlin claimed first (its claim time is not later than paris's)
		await().atMost(Await.LONG).untilAsserted(() -> {
			assertThat(sessions(berlin).whereis("alice")).contains(older);
			assertThat(sessions(paris).whereis("alice")).contains(older);
		});
		await().atMost(Await.LONG).until(() -> downs.containsKey("paris"));
		assertThat(downs.get("paris")).isEqualTo(ExitReason.of(new NameConflict("sessions", "alice", older)));
		assertThat(downs).doesNotContainKey("berlin");
		assertThat(berlin.isAlive(older)).isTrue();
	}

	@Test
	void aSupervisorNeitherFailsOnANameHeldElsewhereNorRestartsAConflictsLoser() {
		ProcessRuntime berlin = node("berlin", null);
		ProcessRuntime paris = node("paris", null);
		ChildSpec singleton = ChildSpec.of("singleton", (runtime) -> GenServer.startLink(runtime, new Session(),
				runtime.node(), sessions(runtime).via("singleton")));
		this.network.cut(berlin, paris);
		Pid berlinSupervisor = Supervisor
			.start(berlin, Strategy.ONE_FOR_ONE, List.of(singleton), Supervisor.Options.defaults())
			.orThrow();
		Pid winner = sessions(berlin).whereis("singleton").orElseThrow();
		Pid parisSupervisor = Supervisor
			.start(paris, Strategy.ONE_FOR_ONE, List.of(singleton), Supervisor.Options.defaults())
			.orThrow();
		Pid loser = sessions(paris).whereis("singleton").orElseThrow();
		this.network.heal(berlin, paris);
		await().atMost(Await.LONG).until(() -> !paris.isAlive(loser));
		await().atMost(Await.LONG).untilAsserted(() -> assertThat(Supervisor.whichChildren(paris, parisSupervisor))
			.singleElement()
			.satisfies((child) -> {
				assertThat(child.pid()).as("not restarted").isNull();
				assertThat(child.lastExitReason())
					.isEqualTo(ExitReason.of(new NameConflict("sessions", "singleton", winner)));
			}));
		assertThat(paris.isAlive(parisSupervisor)).isTrue();
		// the winner enters paris's view after the loser's eviction, on the delivery thread
		await().atMost(Await.LONG)
			.untilAsserted(() -> assertThat(sessions(paris).whereis("singleton")).contains(winner));
		assertThat(Supervisor.whichChildren(berlin, berlinSupervisor).getFirst().pid()).isEqualTo(winner);

		ProcessRuntime lyon = node("lyon", null);
		await().atMost(Await.LONG).until(() -> sessions(lyon).whereis("singleton").isPresent());
		Pid lyonSupervisor = Supervisor
			.start(lyon, Strategy.ONE_FOR_ONE, List.of(singleton), Supervisor.Options.defaults())
			.orThrow();
		assertThat(Supervisor.whichChildren(lyon, lyonSupervisor)).singleElement()
			.satisfies((child) -> assertThat(child.pid()).as("running on berlin, not here").isNull());
	}

	@Test
	void aRegistryStartedOnAConnectedRuntimeSyncsWithTheNodesAlreadyThere() {
		ProcessRuntime berlin = node("berlin", null);
		ProcessRuntime paris = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("paris"));
		this.runtimes.add(paris);
		this.network.join(paris);
		Await.result(registerIn(berlin, "early", "x"));
		ProcessRegistry<String, String> late = ProcessRegistry.start(paris,
				RegistryOptions.unique("sessions").withClusterScope());
		await().atMost(Await.LONG).until(() -> late.whereis("early").isPresent());
		Await.result(registerIn(paris, "late", "y"));
		await().atMost(Await.LONG).until(() -> sessions(berlin).whereis("late").isPresent());
	}

	@Test
	void badUseIsRefusedClearly() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RegistryOptions.duplicate("topics").withClusterScope())
			.withMessageContaining("only unique keys can take cluster scope");
		ProcessRuntime berlin = node("berlin", new InMemoryNameArbiter());
		assertThatIllegalStateException().isThrownBy(() -> NameArbiter.install(berlin, new InMemoryNameArbiter()))
			.withMessageContaining("has a name arbiter already");
		assertThat(sessions(berlin).clusterScope()).isTrue();
	}

}
