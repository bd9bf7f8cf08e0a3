package dev.procreg.cluster.hazelcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.hazelcast.core.Hazelcast;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.procreg.cluster.membership.ClusterMember;
import dev.procreg.cluster.membership.DuplicateNodeException;
import dev.procreg.cluster.names.Claim;
import dev.procreg.cluster.names.ClaimConflict;
import dev.procreg.cluster.names.ClaimKey;
import dev.procreg.cluster.names.ClaimResolver;
import dev.procreg.cluster.names.Reassertion;
import dev.procreg.process.NodeId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three real Hazelcast members in this JVM, shared by the tests of this class: they see each
 * other with procreg's identities, arbitrate names, refuse a duplicate node name, and report a
 * member that crashed or left, whose names are then purged. Extra members come and go on the two
 * spare ports.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HazelcastClusterTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final ClusterFixture fixture = new ClusterFixture(5);

	private static final List<HazelcastMembership> memberships = new ArrayList<>();

	private static final List<RecordingListener> listeners = new ArrayList<>();

	private static final List<HazelcastNameClaims> names = new ArrayList<>();

	private static final List<ClaimConflict> lostClaims = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startThreeMembers() {
		long started = System.nanoTime();
		for (int i = 0; i < 3; i++) {
			start(i, "node" + (i + 1));
		}
		ClusterFixture.measured("3 members started in " + millisSince(started) + " ms");
	}

	private static void start(int index, String name) {
		RecordingListener listener = new RecordingListener();
		HazelcastMembership membership = HazelcastMembership.start(fixture.options(index, name), listener);
		HazelcastNameClaims claims = new HazelcastNameClaims(membership, ClaimResolver.olderClaimWins(), lostClaims::add);
		listener.glue((event) -> {
			if (event.kind() == RecordingListener.Kind.DOWN) {
				claims.purge(event.member().node());
			}
		});
		memberships.add(membership);
		listeners.add(listener);
		names.add(claims);
	}

	@AfterAll
	static void stopMembers() {
		names.forEach(HazelcastNameClaims::close);
		memberships.forEach(HazelcastMembership::close);
	}

	@Test
	@Order(1)
	void eachMemberSeesTheOthersWithTheirNodeAndTransportAddress() {
		for (int i = 0; i < 3; i++) {
			HazelcastMembership membership = memberships.get(i);
			Set<ClusterMember> others = othersOf(i, 3);
			await().atMost(PATIENCE).untilAsserted(() -> assertThat(membership.members()).isEqualTo(others));
			assertThat(listeners.get(i).ups()).containsExactlyInAnyOrderElementsOf(others);
			assertThat(listeners.get(i).downs()).isEmpty();
		}
		ClusterMember node2 = memberships.get(1).self();
		assertThat(memberships.get(0).members()).filteredOn((member) -> member.node().name().equals("node2"))
			.singleElement()
			.satisfies((member) -> {
				assertThat(member.node()).isEqualTo(node2.node());
				assertThat(member.transportAddress().getHostString()).isEqualTo("127.0.0.1");
				assertThat(member.transportAddress().getPort()).isEqualTo(40001);
			});
		measureFootprint();
	}

	@Test
	@Order(2)
	void twoMembersRacingForTheSameTwoThousandNamesLeaveExactlyOneClaimPerName() throws Exception {
		String registry = "race-" + UUID.randomUUID();
		int keys = 2000;
		CyclicBarrier start = new CyclicBarrier(2);
		ExecutorService racers = Executors.newFixedThreadPool(2);
		try {
			long began = System.nanoTime();
			Future<Map<Integer, Claim>> first = racers.submit(() -> race(0, registry, keys, start));
			Future<Map<Integer, Claim>> second = racers.submit(() -> race(1, registry, keys, start));
			Map<Integer, Claim> firstSeen = first.get();
			Map<Integer, Claim> secondSeen = second.get();
			ClusterFixture.measured("2 x " + keys + " racing claims in " + millisSince(began) + " ms");
			int firstWins = 0;
			for (int key = 0; key < keys; key++) {
				Claim winner = firstSeen.get(key);
				assertThat(secondSeen.get(key)).as("winner of key %d seen by both racers", key).isEqualTo(winner);
				for (HazelcastNameClaims arbiter : names) {
					assertThat(arbiter.holder(registry, key)).as("holder of key %d", key).isEqualTo(winner);
				}
				if (winner.node().equals(memberships.get(0).self().node())) {
					firstWins++;
				}
			}
			ClusterFixture.measured("race: node1 won " + firstWins + ", node2 won " + (keys - firstWins));
		}
		finally {
			racers.shutdownNow();
		}
	}

	/** Claims every key from one member; answers, per key, the claim that holds it afterwards. */
	private Map<Integer, Claim> race(int member, String registry, int keys, CyclicBarrier start) throws Exception {
		NodeId node = memberships.get(member).self().node();
		HazelcastNameClaims arbiter = names.get(member);
		Map<Integer, Claim> holders = new ConcurrentHashMap<>();
		start.await();
		for (int key = 0; key < keys; key++) {
			Claim mine = new Claim(node, key, System.currentTimeMillis());
			Claim existing = arbiter.claim(registry, key, mine);
			holders.put(key, (existing != null) ? existing : mine);
		}
		return holders;
	}

	@Test
	@Order(3)
	void aSecondMemberWithALiveNodeNameIsRefusedAndNeverReported() {
		MembershipOptions duplicate = fixture.options(3, "node1");
		RecordingListener listener = new RecordingListener();
		assertThatThrownBy(() -> HazelcastMembership.start(duplicate, listener))
			.isInstanceOf(DuplicateNodeException.class)
			.hasMessageContaining("node name 'node1' is already used by live member " + memberships.get(0).self().node())
			.hasMessageContaining("refused");
		assertThat(Hazelcast.getHazelcastInstanceByName(HazelcastMembership.config(duplicate).getInstanceName())).isNull();
		await().atMost(PATIENCE).untilAsserted(() -> {
			for (HazelcastMembership membership : memberships) {
				assertThat(membership.instance().getCluster().getMembers()).hasSize(3);
			}
		});
		for (int i = 0; i < 3; i++) {
			assertThat(listeners.get(i).events()).noneMatch((event) -> event.member() != null
					&& event.member().node().equals(duplicate.node()));
			assertThat(memberships.get(i).members()).isEqualTo(othersOf(i, 3));
		}
	}

	@Test
	@Order(4)
	void aTerminatedMemberIsReportedDownEverywhereAndItsNamesArePurged() {
		start(3, "node4");
		HazelcastMembership node4 = memberships.get(3);
		awaitSeenByTheFirstThree(node4.self());
		String registry = "purge-" + UUID.randomUUID();
		for (int key = 0; key < 50; key++) {
			assertThat(names.get(3).claim(registry, key, new Claim(node4.self().node(), key, System.currentTimeMillis())))
				.isNull();
		}
		assertThat(names.get(0).holder(registry, 49)).isNotNull();
		long killed = System.nanoTime();
		node4.instance().getLifecycleService().terminate();
		awaitDownOnTheFirstThree(node4.self(), killed, "terminate()");
		await().atMost(PATIENCE).untilAsserted(() -> {
			for (int key = 0; key < 50; key++) {
				assertThat(names.get(0).holder(registry, key)).as("claim of key %d", key).isNull();
			}
		});
		ClusterFixture.measured("terminate(): names purged " + millisSince(killed) + " ms after the kill");
	}

	@Test
	@Order(5)
	void aMemberThatShutsDownIsReportedDownEverywhere() {
		start(4, "node5");
		HazelcastMembership node5 = memberships.get(4);
		awaitSeenByTheFirstThree(node5.self());
		long stopped = System.nanoTime();
		node5.close();
		awaitDownOnTheFirstThree(node5.self(), stopped, "shutdown()");
		for (int i = 0; i < 3; i++) {
			assertThat(memberships.get(i).members()).isEqualTo(othersOf(i, 3));
		}
		assertThat(lostClaims).isEmpty();
	}

	@Test
	@Order(6)
	void aNameIsReleasedOnlyByItsOwnClaimAndDepartedNodesLoseTheirsToPurgeAndReassertion() {
		String registry = "arbiter-" + UUID.randomUUID();
		NodeId node1 = memberships.get(0).self().node();
		NodeId node2 = memberships.get(1).self().node();
		HazelcastNameClaims arbiter = names.get(0);
		Claim mine = new Claim(node1, 1, 1000);
		assertThat(arbiter.claim(registry, "a", mine)).isNull();
		assertThat(arbiter.claim(registry, "a", new Claim(node1, 2, 2000))).isEqualTo(mine);
		assertThat(names.get(1).claim(registry, "a", new Claim(node2, 1, 500))).isEqualTo(mine);
		assertThat(arbiter.release(registry, "a", new Claim(node1, 1, 1001))).isFalse();
		assertThat(names.get(2).holder(registry, "a")).isEqualTo(mine);
		assertThat(arbiter.release(registry, "a", mine)).isTrue();
		assertThat(names.get(2).holder(registry, "a")).isNull();

		assertThatIllegalArgumentException().isThrownBy(() -> arbiter.claim(registry, "b", new Claim(node2, 1, 1)))
			.withMessageContaining("belongs to node " + node2 + ", not to this node " + node1);
		assertThatIllegalArgumentException().isThrownBy(() -> arbiter.purge(node1))
			.withMessageContaining("cannot purge its own claims");

		Claim live = new Claim(node2, 7, 1000);
		assertThat(names.get(1).claim(registry, "live", live)).isNull();
		assertThat(arbiter.purge(node2)).as("a live member keeps its claims").isZero();
		NodeId ghost = new NodeId("ghost", 1);
		Map<ClaimKey, Claim> raw = memberships.get(2).instance().getMap(HazelcastNameClaims.MAP_NAME);
		raw.put(new ClaimKey(registry, "ghost-1"), new Claim(ghost, 1, 1));
		raw.put(new ClaimKey(registry, "ghost-2"), new Claim(ghost, 2, 1));
		raw.put(new ClaimKey(registry, "taken-from-ghost"), new Claim(ghost, 3, 1));
		assertThat(names.get(2).purge(new NodeId("ghost", 2))).as("another incarnation's claims stay").isZero();

		Claim reclaimed = new Claim(node1, 3, 5000);
		Claim restored = new Claim(node1, 4, 5000);
		Reassertion reassertion = arbiter.reassert(Map.of(new ClaimKey(registry, "taken-from-ghost"), reclaimed,
				new ClaimKey(registry, "restored"), restored));
		assertThat(reassertion).as("a departed node's claim is no conflict").isEqualTo(new Reassertion(0, 1, 1, List.of()));
		assertThat(names.get(1).holder(registry, "taken-from-ghost")).isEqualTo(reclaimed);
		assertThat(names.get(1).holder(registry, "restored")).isEqualTo(restored);

		assertThat(names.get(1).purgeDeparted()).isEqualTo(2);
		assertThat(names.get(2).holder(registry, "ghost-1")).isNull();
		assertThat(names.get(2).holder(registry, "ghost-2")).isNull();
		assertThat(names.get(2).holder(registry, "live")).isEqualTo(live);
		assertThat(names.get(2).holder(registry, "restored")).isEqualTo(restored);
		assertThat(lostClaims).isEmpty();
	}

	@Test
	@Order(7)
	void reassertingAgainstALiveClaimLetsTheResolverDecideAndTellsTheLosingNode() {
		String registry = "conflict-" + UUID.randomUUID();
		NodeId node1 = memberships.get(0).self().node();
		NodeId node2 = memberships.get(1).self().node();
		Claim newerOfNode2 = new Claim(node2, 1, 2000);
		Claim olderOfNode2 = new Claim(node2, 2, 500);
		assertThat(names.get(1).claim(registry, "node1-wins", newerOfNode2)).isNull();
		assertThat(names.get(1).claim(registry, "node2-wins", olderOfNode2)).isNull();
		Claim mine = new Claim(node1, 1, 1000);
		Claim alsoMine = new Claim(node1, 2, 1000);
		Claim intact = new Claim(node1, 3, 1000);
		assertThat(names.get(0).claim(registry, "intact", intact)).isNull();

		Reassertion reassertion = names.get(0).reassert(Map.of(new ClaimKey(registry, "node1-wins"), mine,
				new ClaimKey(registry, "node2-wins"), alsoMine, new ClaimKey(registry, "intact"), intact));

		ClaimConflict node1Won = new ClaimConflict(new ClaimKey(registry, "node1-wins"), mine, newerOfNode2);
		ClaimConflict node2Won = new ClaimConflict(new ClaimKey(registry, "node2-wins"), olderOfNode2, alsoMine);
		assertThat(reassertion.intact()).isEqualTo(1);
		assertThat(reassertion.conflicts()).containsExactlyInAnyOrder(node1Won, node2Won);
		assertThat(reassertion.lostBy(node1)).containsExactly(node2Won);
		assertThat(names.get(2).holder(registry, "node1-wins")).isEqualTo(mine);
		assertThat(names.get(2).holder(registry, "node2-wins")).isEqualTo(olderOfNode2);
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(lostClaims).contains(node1Won, node2Won));
		assertThat(lostClaims).allMatch((conflict) -> conflict.equals(node1Won) || conflict.equals(node2Won));
	}

	private static void awaitSeenByTheFirstThree(ClusterMember member) {
		await().atMost(PATIENCE).untilAsserted(() -> {
			for (int i = 0; i < 3; i++) {
				assertThat(memberships.get(i).members()).contains(member);
			}
		});
	}

	private static void awaitDownOnTheFirstThree(ClusterMember member, long since, String how) {
		await().atMost(PATIENCE).untilAsserted(() -> {
			for (int i = 0; i < 3; i++) {
				assertThat(listeners.get(i).downs()).contains(member);
				assertThat(memberships.get(i).members()).doesNotContain(member);
			}
		});
		for (int i = 0; i < 3; i++) {
			ClusterFixture.measured(how + ": node" + (i + 1) + " heard member down after "
					+ (listeners.get(i).downNanos(member.node()) - since) / 1_000_000 + " ms");
		}
	}

	private static Set<ClusterMember> othersOf(int index, int count) {
		return IntStream.range(0, count)
			.filter((i) -> i != index)
			.mapToObj((i) -> memberships.get(i).self())
			.collect(Collectors.toSet());
	}

	private static void measureFootprint() {
		if (!Boolean.getBoolean("procreg.measure")) {
			return;
		}
		System.gc();
		Runtime runtime = Runtime.getRuntime();
		long used = runtime.totalMemory() - runtime.freeMemory();
		for (HazelcastMembership membership : memberships) {
			String prefix = "hz." + membership.instance().getName() + ".";
			long threads = Thread.getAllStackTraces().keySet().stream().filter((t) -> t.getName().startsWith(prefix)).count();
			ClusterFixture.measured(membership.self().node().name() + ": " + threads + " Hazelcast threads");
		}
		ClusterFixture.measured("heap used with 3 members after GC: " + used / (1024 * 1024) + " MiB (whole JVM)");
	}

	private static long millisSince(long nanos) {
		return (System.nanoTime() - nanos) / 1_000_000;
	}

}
