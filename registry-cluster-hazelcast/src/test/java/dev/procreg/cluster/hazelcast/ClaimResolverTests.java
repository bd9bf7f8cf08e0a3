package dev.procreg.cluster.hazelcast;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.procreg.cluster.names.Claim;
import dev.procreg.cluster.names.ClaimConflict;
import dev.procreg.cluster.names.ClaimKey;
import dev.procreg.cluster.names.ClaimResolver;
import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The default resolver is a pure, symmetric order: the older claim wins, ties broken by node
 * name, incarnation and serial, so every node picks the same claim.
 */
class ClaimResolverTests {

	private static final ClaimKey KEY = new ClaimKey("sessions", "donor-42");

	private final ClaimResolver resolver = ClaimResolver.olderClaimWins();

	@Test
	void theOlderClaimWinsWhicheverComesFirst() {
		Claim older = new Claim(new NodeId("node2", 9), 5, 1000);
		Claim newer = new Claim(new NodeId("node1", 1), 1, 1001);
		assertThat(this.resolver.winner(KEY, older, newer)).isSameAs(older);
		assertThat(this.resolver.winner(KEY, newer, older)).isSameAs(older);
	}

	@Test
	void tiesAreBrokenByNodeNameThenIncarnationThenSerial() {
		Claim byName = new Claim(new NodeId("a", 9), 9, 1000);
		Claim later = new Claim(new NodeId("b", 1), 1, 1000);
		assertThat(this.resolver.winner(KEY, later, byName)).isSameAs(byName);
		Claim byIncarnation = new Claim(new NodeId("a", 1), 9, 1000);
		assertThat(this.resolver.winner(KEY, byName, byIncarnation)).isSameAs(byIncarnation);
		Claim bySerial = new Claim(new NodeId("a", 1), 2, 1000);
		assertThat(this.resolver.winner(KEY, byIncarnation, bySerial)).isSameAs(bySerial);
	}

	@Test
	void seededRandomClaimsGetTheSameWinnerInEitherOrderAndTheWinnerIsNeverBeaten() {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		List<Claim> claims = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			claims.add(new Claim(new NodeId("node" + random.nextInt(3), 1 + random.nextInt(3)), random.nextInt(3),
					random.nextInt(3)));
		}
		for (Claim first : claims) {
			for (Claim second : claims) {
				Claim winner = this.resolver.winner(KEY, first, second);
				assertThat(this.resolver.winner(KEY, second, first)).as("seed %d: %s vs %s", seed, first, second)
					.isEqualTo(winner);
			}
		}
		Claim overall = claims.stream().reduce((x, y) -> this.resolver.winner(KEY, x, y)).orElseThrow();
		assertThat(claims).as("seed %d", seed).allMatch((claim) -> this.resolver.winner(KEY, claim, overall).equals(overall));
	}

	@Test
	void aClaimNamesItsOwnerPid() {
		Pid pid = Pid.of(new NodeId("node1", 3), 17);
		Claim claim = Claim.of(pid);
		assertThat(claim.pid()).isEqualTo(pid);
		assertThat(claim.node()).isEqualTo(pid.nodeId());
	}

	@Test
	void badClaimsAndKeysAreRefusedNamingTheMistake() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Claim(new NodeId("node1", 0), 1, 1))
			.withMessageContaining("incarnation must be known, got 0 for node node1");
		assertThatIllegalArgumentException().isThrownBy(() -> new Claim(new NodeId("node1", 1), -1, 1))
			.withMessageContaining("serial must not be negative: -1");
		assertThatIllegalArgumentException().isThrownBy(() -> new Claim(new NodeId("node1", 1), 1, -5))
			.withMessageContaining("time must not be negative: -5");
		assertThatIllegalArgumentException().isThrownBy(() -> Claim.of(Pid.of("node1", 4)))
			.withMessageContaining("incarnation must be known");
		assertThatIllegalArgumentException().isThrownBy(() -> new ClaimKey("", "k"))
			.withMessageContaining("registry must not be null or blank");
		assertThatIllegalArgumentException().isThrownBy(() -> new ClaimKey("sessions", null))
			.withMessageContaining("key in registry 'sessions' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> new ClaimKey("sessions", new Object()))
			.withMessageContaining("must be Serializable")
			.withMessageContaining("java.lang.Object");
		Claim claim = new Claim(new NodeId("node1", 1), 1, 1);
		assertThatIllegalArgumentException().isThrownBy(() -> new ClaimConflict(KEY, claim, claim))
			.withMessageContaining("are the same claim");
	}

}
