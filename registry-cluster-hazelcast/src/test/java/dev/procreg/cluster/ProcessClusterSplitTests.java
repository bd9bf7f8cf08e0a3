package dev.procreg.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.procreg.cluster.hazelcast.Firewall;
import dev.procreg.cluster.hazelcast.HazelcastMembership;
import dev.procreg.process.Down;
import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.NameConflict;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegisterResult;
import dev.procreg.registry.RegistryOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A network split inside one JVM, with every part of the cluster in play: Hazelcast members whose
 * connections the test cuts ({@code FirewallingNodeContext}), the transport, the runtimes and a
 * cluster-scoped registry. During the split each side admits the same name; after the heal
 * exactly one owner remains on both sides, the older claim, and the other owner is told with
 * {@link NameConflict}. CLUSTER.md, tests item 5.
 */
class ProcessClusterSplitTests {

	private static final Duration LONG = Duration.ofSeconds(90);

	private final List<ProcessRuntime> runtimes = new ArrayList<>();

	private final List<ProcessCluster> clusters = new ArrayList<>();

	private final List<HazelcastInstance> members = new ArrayList<>();

	@AfterEach
	void stop() {
		this.clusters.forEach(ProcessCluster::close);
		this.runtimes.forEach(ProcessRuntime::close);
	}

	private ProcessRuntime node(String name) {
		ProcessRuntime runtime = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode(name));
		ProcessRegistry.start(runtime, RegistryOptions.unique("sessions").withClusterScope());
		this.runtimes.add(runtime);
		ClusterOptions options = ClusterOptions.defaults("split-tests")
			.withPort(5861, 10)
			.withMembers(List.of("127.0.0.1:5861-5870"))
			.withHeartbeat(Duration.ofSeconds(1), Duration.ofSeconds(5));
		HazelcastMembership.Starter firewalled = (membership, listener) -> HazelcastMembership.start(
				membership.withMergeDelays(Duration.ofSeconds(1), Duration.ofSeconds(1)), listener, (config) -> {
					HazelcastInstance member = Firewall.newMember(config);
					this.members.add(member);
					return member;
				});
		this.clusters.add(ProcessCluster.start(runtime, options, firewalled));
		return runtime;
	}

	@SuppressWarnings("unchecked")
	private static ProcessRegistry<String, String> sessions(ProcessRuntime runtime) {
		return (ProcessRegistry<String, String>) ProcessRegistry.named(runtime, "sessions").orElseThrow();
	}

	private static Pid register(ProcessRuntime runtime, String key) {
		CompletableFuture<RegisterResult> result = new CompletableFuture<>();
		Pid owner = runtime.spawn((ctx) -> {
			result.complete(sessions(runtime).register(key, runtime.node()));
			ctx.receive();
		});
		assertThat(result.join()).isInstanceOf(RegisterResult.Registered.class);
		return owner;
	}

	private static CompletableFuture<ExitReason> monitor(ProcessRuntime runtime, Pid pid) throws InterruptedException {
		CompletableFuture<ExitReason> reason = new CompletableFuture<>();
		CountDownLatch watching = new CountDownLatch(1);
		runtime.spawn((ctx) -> {
			ctx.monitor(pid);
			watching.countDown();
			reason.complete(ctx.receive(Down.class, LONG.multipliedBy(2)).orElseThrow().reason());
		});
		assertThat(watching.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		return reason;
	}

	@Test
	void bothSidesClaimDuringASplitAndAfterTheHealTheOlderClaimOwnsTheNameEverywhere() throws Exception {
		ProcessRuntime berlin = node("berlin");
		ProcessRuntime paris = node("paris");
		await().atMost(LONG).until(() -> berlin.connectedNodes().contains(paris.nodeId())
				&& paris.connectedNodes().contains(berlin.nodeId()));
		Pid before = register(berlin, "before");
		await().atMost(LONG).until(() -> sessions(paris).whereis("before").isPresent());

		Firewall.cut(this.members.get(0), this.members.get(1));
		await().atMost(LONG).until(() -> berlin.connectedNodes().isEmpty() && paris.connectedNodes().isEmpty());
		// a node leaves the connected set before its names leave the view: wait for the purge
		await().atMost(LONG).untilAsserted(() -> assertThat(sessions(paris).whereis("before"))
			.as("berlin's names left paris's view")
			.isEmpty());

		Pid older = register(berlin, "contested");
		Pid newer = register(paris, "contested");
		CompletableFuture<ExitReason> olderDown = monitor(berlin, older);
		CompletableFuture<ExitReason> newerDown = monitor(paris, newer);

		Firewall.heal(this.members.get(0), this.members.get(1));
		await().atMost(LONG).until(() -> berlin.connectedNodes().contains(paris.nodeId())
				&& paris.connectedNodes().contains(berlin.nodeId()));
		assertThat(newerDown.get(LONG.toSeconds(), TimeUnit.SECONDS))
			.isEqualTo(ExitReason.of(new NameConflict("sessions", "contested", older)));
		await().atMost(LONG).untilAsserted(() -> {
			assertThat(sessions(berlin).whereis("contested")).contains(older);
			assertThat(sessions(paris).whereis("contested")).contains(older);
			assertThat(sessions(paris).whereis("before")).contains(before);
		});
		assertThat(olderDown).as("the winner lives on").isNotDone();
		assertThat(berlin.isAlive(older)).isTrue();
	}

}
