package dev.procreg.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import dev.procreg.demo.cluster.DonationCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo as three nodes, started the way the README says ({@link DonationCluster}, in a child
 * JVM that starts the nodes as JVMs of their own, in a working directory of the test's, so each
 * node has its H2 file under {@code ./data/<node>/}): a donor's session is found from every node,
 * started only once in the cluster and ended from any node, payment workers of other nodes pay donations they cannot
 * read, and after SIGKILL of the node holding the sessions the survivors forget them (404, no key
 * of the dead node in the registry, none of its workers in the group) and start them again.
 * A node started under a name in use is refused with the failure analyzer's words.
 *
 * <p>Ports: Hazelcast 5981-5984 (three nodes and one more for the refused one), HTTP 5991-5994;
 * the transports take any free port. The output of the launcher (with every node's) is kept in
 * {@code target/cluster-demo.log}, the refused node's in {@code target/cluster-demo-duplicate.log}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterDemoTests {

	private static final int CLUSTER_PORT = 5981;

	private static final int HTTP_PORT = 5991;

	/** How long three JVMs may take to start: about a minute on two idle cores, far more on busy ones. */
	private static final Duration PATIENCE = Duration.ofSeconds(300);

	private static final List<String> DONORS = List.of("ada", "ben", "cy");

	private final Path directory = TempDatabase.createDirectory();

	/** What the launcher and its nodes print, kept after the test. */
	private final Path log = Path.of(System.getProperty("procreg.test.build-directory", "target"))
		.resolve("cluster-demo.log");

	private Process launcher;

	private final Api node1 = new Api(HTTP_PORT);

	private final Api node2 = new Api(HTTP_PORT + 1);

	private final Api node3 = new Api(HTTP_PORT + 2);

	@BeforeAll
	void startThreeNodes() throws IOException {
		List<String> command = List.of(DemoProcess.javaExecutable(), "-Xmx64m", "-cp", DemoProcess.classpath(),
				DonationCluster.class.getName(), "--http-port=" + HTTP_PORT, "--cluster-port=" + CLUSTER_PORT,
				"--spring.main.banner-mode=off");
		this.launcher = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(this.log.toFile())
			.start();
		await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
			assertThat(this.launcher.isAlive()).as("the launcher runs; see %s", this.log).isTrue();
			for (int i = 0; i < 3; i++) {
				if (members(HTTP_PORT + i) != 3) {
					return false;
				}
			}
			return true;
		});
	}

	@AfterAll
	void stopNodes() throws InterruptedException {
		if (this.launcher != null) {
			List<ProcessHandle> nodes = this.launcher.descendants().toList();
			// SIGTERM: the launcher's shutdown hook stops its nodes gracefully
			this.launcher.destroy();
			if (!this.launcher.waitFor(60, TimeUnit.SECONDS)) {
				this.launcher.destroyForcibly();
			}
			nodes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
		}
		TempDatabase.delete(this.directory);
	}

	@Test
	@Order(1)
	void aNodeStartedUnderANameInUseIsRefusedBeforeItOpensThatNodesDatabase() throws Exception {
		Path output = this.log.resolveSibling("cluster-demo-duplicate.log");
		List<String> command = List.of(DemoProcess.javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC",
				"-XX:TieredStopAtLevel=1", "-cp", DemoProcess.classpath(), DonationDemoApplication.class.getName(),
				"--spring.profiles.active=cluster", "--process-registry.node=node2", "--server.port=" + (HTTP_PORT + 3),
				"--process-registry.cluster.port=" + CLUSTER_PORT, "--process-registry.cluster.port-count=4",
				"--process-registry.cluster.members=127.0.0.1:" + CLUSTER_PORT + "-" + (CLUSTER_PORT + 3),
				"--spring.main.banner-mode=off");
		// the same working directory as node2: it would open ./data/node2 if it got that far
		Process duplicate = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		try {
			assertThat(duplicate.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the duplicate exits").isTrue();
		}
		finally {
			duplicate.destroyForcibly();
		}
		String text = Files.readString(output, StandardCharsets.UTF_8);
		assertThat(duplicate.exitValue()).as(text).isEqualTo(1);
		assertThat(text).contains("APPLICATION FAILED TO START")
			.contains("its name 'node2' is already used by the live member node2#")
			.contains("Give every node its own name with process-registry.node")
			.doesNotContain("Database may be already in use");
		for (int i = 0; i < 3; i++) {
			assertThat(members(HTTP_PORT + i)).as("members seen by node%d", i + 1).isEqualTo(3);
		}
		assertThat(this.node2.get("/api/donors/ada").status()).isEqualTo(200);
	}

	@Test
	@Order(2)
	void sessionsAreFoundFromAnyNodeThenPurgedAndRestartableOnASurvivorAfterSigkill() throws Exception {
		// sessions on node1, found from node2, not started again from node3
		for (String donor : DONORS) {
			Api.Response started = this.node1.post("/api/donors/" + donor + "/session");
			assertThat(started.status()).as(started.toString()).isEqualTo(201);
			String pid = started.text("pid");
			assertThat(pid).startsWith("<node1.");
			Api.Response found = awaitSession(this.node2, donor, pid);
			assertThat(found.text("node")).isEqualTo("node1");
			awaitSession(this.node3, donor, pid);
			Api.Response again = this.node3.post("/api/donors/" + donor + "/session");
			assertThat(again.status()).as(again.toString()).isEqualTo(200);
			assertThat(again.text("pid")).isEqualTo(pid);
			assertThat(again.json().path("started").asBoolean()).isFalse();
		}

		// a session on node1 ended from node3: its node's supervisor does not restart it
		Api.Response dee = this.node1.post("/api/donors/dee/session");
		assertThat(dee.status()).as(dee.toString()).isEqualTo(201);
		awaitSession(this.node3, "dee", dee.text("pid"));
		Api.Response ended = this.node3.delete("/api/donors/dee/session");
		assertThat(ended.status()).as(ended.toString()).isEqualTo(204);
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(this.node2.get("/api/donors/dee/session").status()).isEqualTo(404));
		assertThat(this.node1.get("/api/donors/dee/session").status()).isEqualTo(404);

		// a donation through another node reaches the session on node1, is stored in node1's
		// database and paid; its replay from a third node finds it there
		Api.Response donated = this.node2.donate("ada", 1000, "IDR", "ada-1");
		assertThat(donated.status()).as(donated.toString()).isEqualTo(201);
		assertThat(donated.text("status")).isEqualTo("CONFIRMED");
		Api.Response replayed = this.node3.donate("ada", 1000, "IDR", "ada-1");
		assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
		assertThat(replayed.text("id")).isEqualTo(donated.text("id"));
		assertThat(this.node3.get("/api/donors/ada/session").json().path("submissions").asInt()).isEqualTo(1);
		// stored on node1 only, read from node3 through node1's ledger
		JsonNode ada = this.node3.get("/api/donors/ada").json();
		assertThat(ada.path("donations").asLong()).isEqualTo(1);
		assertThat(ada.path("totals").path("IDR").decimalValue()).isEqualByComparingTo("1000");
		assertThat(this.node2.get("/api/donations?donorId=ada").json()).singleElement()
			.satisfies((donation) -> assertThat(donation.path("id").asString()).isEqualTo(donated.text("id")));

		// the workers of all three nodes are one group; node1's donations are charged by workers
		// of other nodes too (round robin over six members), which read no database
		AdminClient admin2 = new AdminClient(HTTP_PORT + 1, "admin", "admin");
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(admin2.members("payment-workers")).hasSize(6)
				.anyMatch((pid) -> pid.startsWith("<node1."))
				.anyMatch((pid) -> pid.startsWith("<node3.")));
		for (int i = 1; i <= 3; i++) {
			Api.Response paid = this.node1.donate("cy", 500 + i, "IDR", "cy-" + i);
			assertThat(paid.status()).as(paid.toString()).isEqualTo(201);
			assertThat(paid.text("status")).isEqualTo("CONFIRMED");
		}
		AdminClient admin1 = new AdminClient(HTTP_PORT, "admin", "admin");
		assertThat(admin1.metric("donation.payment.charges", "worker:remote")).isGreaterThanOrEqualTo(1);

		// SIGKILL of node1
		ProcessHandle node1Jvm = ProcessHandle.of(nodePid("node1")).orElseThrow();
		node1Jvm.destroyForcibly();
		node1Jvm.onExit().get(30, TimeUnit.SECONDS);

		// purged on both survivors: no session, no key of node1, none of its workers; every
		// answer meanwhile is the session (its node not yet known down) or a problem detail
		for (Api survivor : List.of(this.node2, this.node3)) {
			for (String donor : List.of("ada", "ben")) {
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
					Api.Response lookup = survivor.get("/api/donors/" + donor + "/session");
					assertThat(lookup.status()).as(lookup.toString()).isIn(200, 404);
					assertThat(lookup.status()).isEqualTo(404);
					assertThat(lookup.header("Content-Type")).startsWith("application/problem+json");
				});
				assertThat(survivor.get("/api/donors/" + donor).json().path("session").isNull()).isTrue();
			}
		}
		for (int port : List.of(HTTP_PORT + 1, HTTP_PORT + 2)) {
			AdminClient admin = new AdminClient(port, "admin", "admin");
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
				assertThat(admin.pids("sessions", 100)).noneMatch((pid) -> pid.startsWith("<node1."));
				assertThat(admin.members("payment-workers")).hasSize(4).noneMatch((pid) -> pid.startsWith("<node1."));
				// Hazelcast's member list follows its own failure detection, not the broken connection
				assertThat(members(port)).isEqualTo(2);
			});
		}

		// a donation for a donor whose session died with node1: a problem detail while node1
		// is not known down, then a new session on node3 records and pays it
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			Api.Response after = this.node3.donate("cy", 700, "IDR", "cy-after");
			if (after.status() != 201) {
				assertThat(after.status()).as(after.toString()).isEqualTo(503);
				assertThat(after.header("Content-Type")).startsWith("application/problem+json");
			}
			assertThat(after.status()).isEqualTo(201);
			assertThat(after.text("status")).isEqualTo("CONFIRMED");
		});
		String cyOnNode3 = this.node3.get("/api/donors/cy/session").text("pid");
		assertThat(cyOnNode3).startsWith("<node3.");
		awaitSession(this.node2, "cy", cyOnNode3);

		// restartable on a survivor, found from the other
		Api.Response restarted = this.node2.post("/api/donors/ada/session");
		assertThat(restarted.status()).as(restarted.toString()).isEqualTo(201);
		assertThat(restarted.text("pid")).startsWith("<node2.");
		Api.Response foundAgain = this.node3.post("/api/donors/ada/session");
		assertThat(foundAgain.status()).isEqualTo(200);
		assertThat(foundAgain.text("pid")).isEqualTo(restarted.text("pid"));
		Api.Response served = this.node3.donate("ada", 2000, "IDR", "ada-2");
		assertThat(served.status()).as(served.toString()).isEqualTo(201);
		assertThat(served.text("status")).isEqualTo("CONFIRMED");
		assertThat(this.node2.get("/api/donors/ada/session").json().path("submissions").asInt()).isEqualTo(1);
		// what the survivors store, read from either; node1's database went with node1
		JsonNode adaAfter = this.node3.get("/api/donors/ada").json();
		assertThat(adaAfter.path("donations").asLong()).isEqualTo(1);
		assertThat(adaAfter.path("totals").path("IDR").decimalValue()).isEqualByComparingTo("2000");
		assertThat(this.node2.get("/api/donations?donorId=cy").json()).singleElement()
			.satisfies((donation) -> assertThat(donation.path("idempotencyKey").asString()).isEqualTo("cy-after"));
	}

	/**
	 * Waits for one hop: another node's session shows in a node's view once its node's change has
	 * travelled, so right after the start a read there may answer 404, never another session.
	 * @return the node's answer: 200 with the session's pid
	 */
	private Api.Response awaitSession(Api node, String donor, String pid) {
		Api.Response[] found = new Api.Response[1];
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
			Api.Response lookup = node.get("/api/donors/" + donor + "/session");
			assertThat(lookup.status()).as(lookup.toString()).isIn(200, 404);
			if (lookup.status() == 404) {
				return false;
			}
			assertThat(lookup.text("pid")).as(lookup.toString()).isEqualTo(pid);
			found[0] = lookup;
			return true;
		});
		return found[0];
	}

	/** @return how many members the node at this HTTP port sees, 0 when it does not answer */
	private int members(int port) {
		try {
			JsonNode cluster = new AdminClient(port, "admin", "admin").get("/actuator/cluster");
			return cluster.path("members").size();
		}
		catch (IllegalStateException ex) {
			return 0;
		}
	}

	/** @return the process id of a node, as the launcher printed it */
	private long nodePid(String node) {
		Pattern started = Pattern.compile("^\\[cluster\\] " + node + " starting: pid (\\d+)", Pattern.MULTILINE);
		try {
			Matcher matcher = started.matcher(Files.readString(this.log, StandardCharsets.UTF_8));
			assertThat(matcher.find()).as("the launcher printed the pid of %s", node).isTrue();
			return Long.parseLong(matcher.group(1));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
