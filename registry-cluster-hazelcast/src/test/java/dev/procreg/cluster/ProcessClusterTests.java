package dev.procreg.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.procreg.process.Down;
import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegisterResult;
import dev.procreg.registry.RegistryOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three runtimes of one JVM as members of a real cluster: Hazelcast membership on loopback, Netty
 * connections between them, the claims map as name arbiter. CLUSTER.md, tests item 4.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessClusterTests {

	private static final Duration LONG = Duration.ofSeconds(60);

	private final List<ProcessRuntime> runtimes = new ArrayList<>();

	private final List<ProcessCluster> clusters = new ArrayList<>();

	@BeforeAll
	void startThreeNodes() {
		for (int i = 1; i <= 3; i++) {
			ProcessRuntime runtime = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("node" + i));
			ProcessRegistry.start(runtime, RegistryOptions.unique("sessions").withClusterScope());
			this.runtimes.add(runtime);
			this.clusters.add(ProcessCluster.start(runtime, ClusterOptions.defaults("process-cluster-tests")
				.withPort(5821, 10)
				.withMembers(List.of("127.0.0.1:5821-5830"))));
		}
		for (ProcessRuntime runtime : this.runtimes) {
			await().atMost(LONG).until(() -> runtime.connectedNodes().size() == 2);
		}
	}

	@AfterAll
	void stopNodes() {
		this.clusters.forEach(ProcessCluster::close);
		this.runtimes.forEach(ProcessRuntime::close);
	}

	private ProcessRuntime node(int i) {
		return this.runtimes.get(i - 1);
	}

	@SuppressWarnings("unchecked")
	private static ProcessRegistry<String, String> sessions(ProcessRuntime runtime) {
		return (ProcessRegistry<String, String>) ProcessRegistry.named(runtime, "sessions").orElseThrow();
	}

	/** Answers a call with its node's name. */
	static final class WhereAmI extends GenServer<String> {

		@Override
		protected Init<String> init(@Nullable Object arg) {
			return ok(runtime().node());
		}

		@Override
		protected Result<String> handleCall(Object request, dev.procreg.process.From from, String state) {
			return reply(state + ":" + request, state);
		}

	}

	@Test
	void everyMemberSeesTheOthersAndCallsReachThem() {
		for (ProcessCluster cluster : this.clusters) {
			assertThat(cluster.members()).extracting((member) -> member.node().name())
				.contains("node1", "node2", "node3");
		}
		Pid server = GenServer.start(node(3), new WhereAmI(), null).orThrow();
		assertThat(node(1).<String>call(server, "hello", LONG)).isEqualTo("node3:hello");
		assertThat(this.clusters.get(0).connections()).hasSize(2);
	}

	@Test
	void aNameRaceBetweenTwoMembersLeavesOneOwnerPerNameThatAllAgreeOn() throws InterruptedException {
		int names = 2_000;
		AtomicInteger won = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(2 * names);
		List<Pid> owners = new ArrayList<>();
		for (ProcessRuntime runtime : List.of(node(1), node(2))) {
			for (int i = 0; i < names; i++) {
				String key = "race-" + i;
				owners.add(runtime.spawn((ctx) -> {
					if (sessions(runtime).register(key, runtime.node()) instanceof RegisterResult.Registered) {
						won.incrementAndGet();
					}
					done.countDown();
					ctx.receive();
				}));
			}
		}
		assertThat(done.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(won).as("one winner per name").hasValue(names);
		await().atMost(LONG).untilAsserted(() -> {
			for (int i = 0; i < names; i++) {
				String key = "race-" + i;
				Pid owner = sessions(node(1)).whereis(key).orElseThrow();
				assertThat(sessions(node(2)).whereis(key)).contains(owner);
				assertThat(sessions(node(3)).whereis(key)).contains(owner);
			}
		});
		for (Pid owner : owners) {
			(owner.node().equals("node1") ? node(1) : node(2)).exit(owner, ExitReason.KILL);
		}
		await().atMost(LONG).untilAsserted(() -> {
			for (int i = 1; i <= 3; i++) {
				assertThat(sessions(node(i)).select((entry) -> entry.key().startsWith("race-"),
						(entry) -> entry.key() + "@" + entry.pid()))
					.as("names left on node" + i)
					.isEmpty();
			}
		});
	}

	@Test
	void aMemberThatLeavesIsDownForMonitorsAndItsNamesAreFreed() throws InterruptedException {
		ProcessRuntime leaving = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("node4"));
		ProcessRegistry.start(leaving, RegistryOptions.unique("sessions").withClusterScope());
		ProcessCluster cluster = ProcessCluster.start(leaving, ClusterOptions.defaults("process-cluster-tests")
			.withPort(5821, 10)
			.withMembers(List.of("127.0.0.1:5821-5830")));
		try {
			await().atMost(LONG).until(() -> node(1).connectedNodes().contains(leaving.nodeId()));
			CompletableFuture<Pid> registered = new CompletableFuture<>();
			Pid holder = leaving.spawn((ctx) -> {
				sessions(leaving).register("leaver", "x");
				registered.complete(ctx.self());
				ctx.receive();
			});
			registered.join();
			await().atMost(LONG).until(() -> sessions(node(1)).whereis("leaver").isPresent());
			CompletableFuture<ExitReason> down = new CompletableFuture<>();
			CountDownLatch watching = new CountDownLatch(1);
			node(1).spawn((ctx) -> {
				ctx.monitor(holder);
				watching.countDown();
				down.complete(ctx.receive(Down.class, LONG).orElseThrow().reason());
			});
			assertThat(watching.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
			List<ClusterEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
			java.util.function.Consumer<ClusterEvent> listener = heard::add;
			this.clusters.get(0).addEventListener(listener);
			long downsBefore = this.clusters.get(0).eventCount(ClusterEvent.Kind.NODE_DOWN);
			assertThat(cluster.running()).isTrue();
			cluster.close();
			assertThat(cluster.running()).isFalse();
			assertThat(down.join()).isEqualTo(ExitReason.NOCONNECTION);
			await().atMost(LONG).untilAsserted(() -> assertThat(heard)
				.anySatisfy((event) -> assertThat(event.node()).isEqualTo(leaving.nodeId())));
			assertThat(this.clusters.get(0).removeEventListener(listener)).isTrue();
			assertThat(this.clusters.get(0).eventCount(ClusterEvent.Kind.NODE_DOWN)).isGreaterThan(downsBefore);
			assertThat(this.clusters.get(0).running()).isTrue();
			await().atMost(LONG).until(() -> sessions(node(1)).whereis("leaver").isEmpty());
			// node2 learns of the departure on threads of its own: until then the claim is live to it
			await().atMost(LONG).until(() -> !node(2).connectedNodes().contains(leaving.nodeId()));
			CompletableFuture<RegisterResult> taken = new CompletableFuture<>();
			node(2).spawn((ctx) -> {
				taken.complete(sessions(node(2)).register("leaver", "taken over"));
				ctx.receive();
			});
			assertThat(taken.join()).as("the departed node's claim was purged or is stale")
				.isInstanceOf(RegisterResult.Registered.class);
			await().atMost(LONG).untilAsserted(() -> assertThat(this.clusters.get(0).recentEvents())
				.anySatisfy((event) -> assertThat(event.kind()).isEqualTo(ClusterEvent.Kind.NODE_DOWN)));
		}
		finally {
			cluster.close();
			leaving.close();
		}
	}

}
