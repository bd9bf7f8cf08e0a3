package dev.procreg.cluster.hazelcast;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.procreg.cluster.names.Claim;
import dev.procreg.cluster.names.ClaimConflict;
import dev.procreg.cluster.names.ClaimKey;
import dev.procreg.cluster.names.ClaimResolver;
import dev.procreg.cluster.names.Reassertion;
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

	/** Names both sides claim during the split, the older claim alternating between them. */
	private static final int CONTESTED = 20;

	/** Names only one side claims during the split, per side: the merge may lose some. */
	private static final int ONE_SIDED = 100;

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
		Firewall.cut(this.a.instance(), this.b.instance());
		await().atMost(PATIENCE).until(() -> this.a.membership.members().isEmpty() && this.b.membership.members().isEmpty());
		ClusterFixture.measured("split: both sides alone " + (System.nanoTime() - cut) / 1_000_000 + " ms after the cut");
		await().atMost(PATIENCE).until(() -> this.a.names.holder("names", "before-split") == null);

		long now = System.currentTimeMillis();
		Map<ClaimKey, Claim> winners = new HashMap<>();
		Set<ClaimKey> lostByA = new HashSet<>();
		Set<ClaimKey> lostByB = new HashSet<>();
		for (int i = 0; i < CONTESTED; i++) {
			String name = "contested-" + i;
			boolean aIsOlder = i % 2 == 0;
			Claim onA = this.a.claim(name, aIsOlder ? now - 1000 : now);
			Claim onB = this.b.claim(name, aIsOlder ? now : now - 1000);
			winners.put(key(name), aIsOlder ? onA : onB);
			(aIsOlder ? lostByB : lostByA).add(key(name));
		}
		for (int i = 0; i < ONE_SIDED; i++) {
			this.a.claim("only-a-" + i, now);
			this.b.claim("only-b-" + i, now);
		}

		long healed = System.nanoTime();
		Firewall.heal(this.a.instance(), this.b.instance());
		await().atMost(PATIENCE).until(() -> this.a.listener.merges() + this.b.listener.merges() > 0);
		ClusterFixture.measured("split: MERGED " + (System.nanoTime() - healed) / 1_000_000 + " ms after the heal");

		await().atMost(PATIENCE).untilAsserted(() -> {
			assertThat(lostKeys(this.a)).isEqualTo(lostByA);
			assertThat(lostKeys(this.b)).isEqualTo(lostByB);
			for (Node node : List.of(this.a, this.b)) {
				winners.forEach((name, winner) -> assertThat(node.names.holder(name.registry(), name.key()))
					.as("holder of %s seen from %s", name, node.membership.self().node())
					.isEqualTo(winner));
				for (Node owner : List.of(this.a, this.b)) {
					owner.local.forEach((name, claim) -> assertThat(node.names.holder(name.registry(), name.key()))
						.as("holder of %s seen from %s", name, node.membership.self().node())
						.isEqualTo(claim));
				}
			}
		});
		ClusterFixture.measured("split: one claim per name on both sides " + (System.nanoTime() - healed) / 1_000_000
				+ " ms after the heal; merged on " + (this.a.listener.merges() > 0 ? "a" : "b") + "; re-assertions of a: "
				+ summary(this.a.reassertions) + "; of b: " + summary(this.b.reassertions));
		assertThat(this.a.membership.members()).containsExactly(this.b.membership.self());
		assertThat(this.b.membership.members()).containsExactly(this.a.membership.self());
		assertThat(this.a.local).hasSize(CONTESTED / 2 + ONE_SIDED);
		assertThat(this.b.local).hasSize(CONTESTED / 2 + ONE_SIDED + 1).containsKey(key("before-split"));
		for (Node node : List.of(this.a, this.b)) {
			for (ClaimConflict conflict : node.lost) {
				assertThat(conflict.winner()).isEqualTo(winners.get(conflict.key()));
				assertThat(conflict.loser().node()).isEqualTo(node.membership.self().node());
			}
		}
	}

	private static String summary(List<Reassertion> reassertions) {
		return reassertions.stream()
			.map((r) -> "intact " + r.intact() + ", restored " + r.restored() + ", replaced departed "
					+ r.replacedDeparted() + ", conflicts " + r.conflicts().size())
			.collect(Collectors.joining(" / ", "[", "]"));
	}

	private static Set<ClaimKey> lostKeys(Node node) {
		return node.lost.stream().map(ClaimConflict::key).collect(Collectors.toSet());
	}

	private static ClaimKey key(String name) {
		return new ClaimKey("names", name);
	}

	/**
	 * One member with the glue the runtime will have: its own claims as the truth, purge on member
	 * down, re-assertion on member up and on merge, and a lost claim dropped from the truth.
	 */
	private final class Node {

		final RecordingListener listener = new RecordingListener();

		final Map<ClaimKey, Claim> local = new ConcurrentHashMap<>();

		final List<ClaimConflict> lost = new CopyOnWriteArrayList<>();

		final AtomicLong serials = new AtomicLong();

		final List<Reassertion> reassertions = new CopyOnWriteArrayList<>();

		HazelcastMembership membership;

		HazelcastNameClaims names;

		void start(int index, String name) {
			MembershipOptions options = HazelcastSplitTests.this.fixture.options(index, name)
				.withHeartbeat(Duration.ofSeconds(1), Duration.ofSeconds(5))
				.withMergeDelays(Duration.ofSeconds(1), Duration.ofSeconds(1));
			this.membership = HazelcastMembership.start(options, this.listener, Firewall::newMember);
			this.names = new HazelcastNameClaims(this.membership, ClaimResolver.olderClaimWins(), (conflict) -> {
				this.lost.add(conflict);
				this.local.remove(conflict.key(), conflict.loser());
			});
			this.listener.glue((event) -> {
				switch (event.kind()) {
					case DOWN -> this.names.purge(event.member().node());
					case UP, MERGED -> this.reassertions.add(this.names.reassert(Map.copyOf(this.local)));
				}
			});
		}

		Claim claim(String name, long time) {
			NodeId node = this.membership.self().node();
			Claim claim = new Claim(node, this.serials.incrementAndGet(), time);
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
