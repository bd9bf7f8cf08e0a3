package dev.procreg.demo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 201 is on disk before it is sent: the demo runs in a child JVM, a concurrent burst of
 * donations is under way, the JVM gets SIGKILL in the middle of it, and a new JVM on the same
 * database must list every acknowledged donation exactly once, answer every replay of its key
 * with 200 and the same id, and confirm every recorded donation. On an H2 file, and on PostgreSQL
 * in a schema of its own ({@link TestPostgres}: skipped without one, except in CI where it fails).
 */
class DonationCrashTests {

	private static final int DONORS = 60;

	private static final int CLIENTS = 24;

	private static final int KILL_AFTER = 200;

	private final Path directory = TempDatabase.createDirectory();

	@AfterEach
	void deleteDatabase() {
		TempDatabase.delete(this.directory);
	}

	@Test
	void everyAcknowledgedDonationSurvivesSigkillMidBurstOnH2() throws Exception {
		sigkillMidBurstThenRestart(TempDatabase.url(this.directory), Map.of());
	}

	@Test
	void everyAcknowledgedDonationSurvivesSigkillMidBurstOnPostgres() throws Exception {
		TestPostgres postgres = TestPostgres.require();
		try (TestPostgres.Schema schema = postgres.createSchema("crash")) {
			Map<String, Acknowledged> acknowledged = sigkillMidBurstThenRestart(schema.url(),
					postgres.datasourceEnvironment());
			Set<String> stored = new HashSet<>();
			try (Connection connection = postgres.connect(schema.url());
					Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("select id from donation")) {
				while (rows.next()) {
					stored.add(rows.getString(1));
				}
			}
			assertThat(stored).as("the rows of PostgreSQL schema %s", schema.name())
				.containsAll(acknowledged.values().stream().map(Acknowledged::id).toList());
		}
	}

	/**
	 * The scenario: a burst, SIGKILL after {@value #KILL_AFTER} 201s, a restart on the same
	 * database and the ledger's checks.
	 * @param url the datasource URL of both JVMs
	 * @param environment more environment of both JVMs (the datasource's user and password)
	 * @return the acknowledged donations by idempotency key
	 */
	private Map<String, Acknowledged> sigkillMidBurstThenRestart(String url, Map<String, String> environment)
			throws Exception {
		Path log = this.directory.resolve("demo.log");
		List<String> arguments = List.of("--demo.rate-limit.per-minute=100000", "--logging.level.dev.procreg=WARN");
		Map<String, Acknowledged> acknowledged = new ConcurrentHashMap<>();
		AtomicInteger inFlightAtKill = new AtomicInteger();
		AtomicInteger inFlight = new AtomicInteger();
		int exitStatus;
		try (DemoProcess first = DemoProcess.start(DemoProcess.freePort(), url, environment, log, arguments)) {
			Api api = new Api(first.port());
			CountDownLatch enough = new CountDownLatch(KILL_AFTER);
			ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
			for (int c = 0; c < CLIENTS; c++) {
				int client = c;
				clients.submit(() -> burst(api, client, acknowledged, enough, inFlight));
			}
			assertThat(enough.await(120, TimeUnit.SECONDS)).as("%d donations acknowledged", KILL_AFTER).isTrue();
			inFlightAtKill.set(inFlight.get());
			exitStatus = first.kill();
			clients.shutdown();
			assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(exitStatus).as("killed by SIGKILL").isEqualTo(DemoProcess.SIGKILL_STATUS);
		assertThat(inFlightAtKill.get()).as("requests in flight when the plug was pulled").isPositive();

		try (DemoProcess second = DemoProcess.start(DemoProcess.freePort(), url, environment, log, arguments)) {
			Api api = new Api(second.port());
			Map<String, List<Acknowledged>> byDonor = new HashMap<>();
			acknowledged.values().forEach((ack) -> byDonor.computeIfAbsent(ack.donor(), (d) -> new ArrayList<>()).add(ack));
			for (Map.Entry<String, List<Acknowledged>> donor : byDonor.entrySet()) {
				JsonNode listed = api.get("/api/donations?donorId=" + donor.getKey()).json();
				assertThat(listed.size()).as("fewer than the page size, so the list is complete").isLessThan(100);
				Map<String, Integer> idCounts = new HashMap<>();
				Map<String, Integer> keyCounts = new HashMap<>();
				for (JsonNode donation : listed) {
					idCounts.merge(donation.path("id").asString(), 1, Integer::sum);
					keyCounts.merge(donation.path("idempotencyKey").asString(), 1, Integer::sum);
				}
				assertThat(keyCounts.values()).as("one donation per key of %s", donor.getKey()).allMatch((n) -> n == 1);
				for (Acknowledged ack : donor.getValue()) {
					assertThat(idCounts.get(ack.id())).as("201 for %s (key %s) listed once", ack.id(), ack.key())
						.isEqualTo(1);
				}
			}
			for (Acknowledged ack : acknowledged.values()) {
				Api.Response replay = api.donate(ack.donor(), ack.amount(), "IDR", ack.key());
				assertThat(replay.status()).as("replay of %s: %s", ack.key(), replay).isEqualTo(200);
				assertThat(replay.text("id")).isEqualTo(ack.id());
			}
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				for (String donor : byDonor.keySet()) {
					for (JsonNode donation : api.get("/api/donations?donorId=" + donor).json()) {
						assertThat(donation.path("status").asString()).as(donation.toString()).isEqualTo("CONFIRMED");
					}
				}
			});
		}
		return acknowledged;
	}

	private static void burst(Api api, int client, Map<String, Acknowledged> acknowledged, CountDownLatch enough,
			AtomicInteger inFlight) {
		for (int i = 0;; i++) {
			String donor = "crash-donor-" + ThreadLocalRandom.current().nextInt(DONORS);
			String key = "c" + client + "-" + i;
			int amount = 1000 + ThreadLocalRandom.current().nextInt(100_000);
			Api.Response response;
			inFlight.incrementAndGet();
			try {
				response = api.donate(donor, amount, "IDR", key);
			}
			catch (IllegalStateException ex) {
				return; // the connection died with the JVM: this one's outcome is unknown
			}
			finally {
				inFlight.decrementAndGet();
			}
			if (response.status() == 201) {
				acknowledged.put(key, new Acknowledged(donor, key, response.text("id"), amount));
				enough.countDown();
			}
			else if (response.status() != 200) {
				throw new AssertionError("unexpected answer " + response);
			}
		}
	}

	record Acknowledged(String donor, String key, String id, int amount) {
	}

}
