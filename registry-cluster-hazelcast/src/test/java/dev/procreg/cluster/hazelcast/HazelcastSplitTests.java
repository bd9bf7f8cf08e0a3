package dev.procreg.cluster.hazelcast;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.FirewallingNodeContext;
import com.hazelcast.instance.impl.HazelcastInstanceFactory;
import com.hazelcast.internal.server.FirewallingServer.FirewallingServerConnectionManager;
import com.hazelcast.test.Accessors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.procreg.cluster.names.Claim;
import dev.procreg.cluster.names.ClaimConflict;
import dev.procreg.cluster.names.ClaimKey;
import dev.procreg.cluster.names.ClaimResolver;
import dev.procreg.process.NodeId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A split between two members of this JVM, made by cutting their connections both ways: each side
 * claims the same names, and after the heal every name has exactly one claim, the one the
 * resolver picks, on both sides, and the losing node is told.
 */
class HazelcastSplitTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final ClusterFixture fixture = new ClusterFixture(2);

	private final Node a = new Node();

	private final Node b = new Node();

	@AfterEach
	void stop() {
		this.a.stop();
		this.b.stop();
	}

	@Test
	void afterASplitHealsEachNameHasTheResolversClaimOnBothSidesAndTheLosingNodeIsTold() {
		this.a.start(0, "split-a");
		this.b.start(1, "split-b");
		await().atMost(PATIENCE).until(() -> this.a.membership.members().contains(this.b.membership.self())
				&& this.b.membership.members().contains(this.a.membership.self()));
		this.b.claim("before-split", System.currentTimeMillis());

		long cut = System.nanoTime();
		block(this.a.instance(), this.b.instance());
		await().atMost(PATIENCE).until(() -> this.a.membership.members().isEmpty() && this.b.membership.members().isEmpty());
		ClusterFixture.measured("split: both sides alone " + (System.nanoTime() - cut) / 1_000_000 + " ms after the cut");
		await().atMost(PATIENCE).until(() -> this.a.names.holder("names", "before-split") == null);

		long now = System.currentTimeMillis();
		Claim olderOnA = this.a.claim("older-on-a", now - 1000);
		Claim newerOnB = this.b.claim("older-on-a", now);
		Claim newerOnA = this.a.claim("older-on-b", now);
		Claim olderOnB = this.b.claim("older-on-b", now - 1000);
		this.a.claim("only-a", now);
		this.b.claim("only-b", now);

		long healed = System.nanoTime();
		unblock(this.a.instance(), this.b.instance());
		await().atMost(PATIENCE).until(() -> this.a.listener.merges() + this.b.listener.merges() > 0);
		ClusterFixture.measured("split: MERGED " + (System.nanoTime() - healed) / 1_000_000 + " ms after the heal");

		await().atMost(PATIENCE).untilAsserted(() -> {
			assertThat(this.a.lost).contains(new ClaimConflict(key("older-on-b"), olderOnB, newerOnA));
			assertThat(this.b.lost).contains(new ClaimConflict(key("older-on-a"), olderOnA, newerOnB));
			for (Node node : List.of(this.a, this.b)) {
				assertThat(node.names.holder("names", "older-on-a")).isEqualTo(olderOnA);
				assertThat(node.names.holder("names", "older-on-b")).isEqualTo(olderOnB);
				for (Node owner : List.of(this.a, this.b)) {
					owner.local.forEach((name, claim) -> assertThat(node.names.holder(name.registry(), name.key()))
						.as("holder of %s seen from %s", name, node.membership.self().node())
						.isEqualTo(claim));
				}
			}
		});
		ClusterFixture.measured("split: one claim per name on both sides " + (System.nanoTime() - healed) / 1_000_000
				+ " ms after the heal; merged on " + (this.a.listener.merges() > 0 ? "a" : "b"));
		assertThat(this.a.local.keySet()).extracting(ClaimKey::key).containsExactlyInAnyOrder("older-on-a", "only-a");
		assertThat(this.b.local.keySet()).extracting(ClaimKey::key)
			.containsExactlyInAnyOrder("older-on-b", "only-b", "before-split");
		assertThat(this.a.lost).allMatch((conflict) -> conflict.key().equals(key("older-on-b")));
		assertThat(this.b.lost).allMatch((conflict) -> conflict.key().equals(key("older-on-a")));
	}

	private static ClaimKey key(String name) {
		return new ClaimKey("names", name);
	}

	private static void block(HazelcastInstance first, HazelcastInstance second) {
		connections(first).blockNewConnection(address(second));
		connections(second).blockNewConnection(address(first));
		connections(first).closeActiveConnection(address(second));
		connections(second).closeActiveConnection(address(first));
	}

	private static void unblock(HazelcastInstance first, HazelcastInstance second) {
		connections(first).unblock(address(second));
		connections(second).unblock(address(first));
	}

	private static FirewallingServerConnectionManager connections(HazelcastInstance instance) {
		return (FirewallingServerConnectionManager) Accessors.getNode(instance)
			.getServer()
			.getConnectionManager(EndpointQualifier.MEMBER);
	}

	private static Address address(HazelcastInstance instance) {
		return Accessors.getNode(instance).getThisAddress();
	}

	/**
	 * One member with the glue the runtime will have: its own claims as the truth, purge on member
	 * down, re-assertion on member up and on merge, and a lost claim dropped from the truth.
	 */
	private final class Node {

		final RecordingListener listener = new RecordingListener();

		final Map<ClaimKey, Claim> local = new ConcurrentHashMap<>();

		final List<ClaimConflict> lost = new CopyOnWriteArrayList<>();

		HazelcastMembership membership;

		HazelcastNameClaims names;

		void start(int index, String name) {
			MembershipOptions options = HazelcastSplitTests.this.fixture.options(index, name)
				.withHeartbeat(Duration.ofSeconds(1), Duration.ofSeconds(5))
				.withMergeDelays(Duration.ofSeconds(1), Duration.ofSeconds(1));
			this.membership = HazelcastMembership.start(options, this.listener, (config) -> HazelcastInstanceFactory
				.newHazelcastInstance(config, config.getInstanceName(), new FirewallingNodeContext()));
			this.names = new HazelcastNameClaims(this.membership, ClaimResolver.olderClaimWins(), (conflict) -> {
				this.lost.add(conflict);
				this.local.remove(conflict.key(), conflict.loser());
			});
			this.listener.glue((event) -> {
				switch (event.kind()) {
					case DOWN -> this.names.purge(event.member().node());
					case UP, MERGED -> this.names.reassert(Map.copyOf(this.local));
				}
			});
		}

		Claim claim(String name, long time) {
			NodeId node = this.membership.self().node();
			Claim claim = new Claim(node, this.local.size() + 1, time);
			assertThat(this.names.claim("names", name, claim)).as("claim of %s by %s", name, node).isNull();
			this.local.put(key(name), claim);
			return claim;
		}

		HazelcastInstance instance() {
			return this.membership.instance();
		}

		void stop() {
			if (this.membership != null) {
				this.names.close();
				this.membership.close();
			}
		}

	}

}
