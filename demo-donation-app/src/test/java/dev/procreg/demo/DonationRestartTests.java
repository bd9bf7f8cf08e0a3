package dev.procreg.demo;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Donations survive a restart of the application: the app runs twice on one H2 file. A donation
 * left pending by the first run (its request died with the process) is paid by the second.
 */
class DonationRestartTests {

	private final Path directory = TempDatabase.createDirectory();

	@AfterEach
	void deleteDatabase() {
		TempDatabase.delete(this.directory);
	}

	@Test
	void confirmedDonationsSurviveARestartAndPendingOnesArePaidAfterIt() throws Exception {
		String donor = "donor-" + UUID.randomUUID().toString().substring(0, 8);
		String confirmedId;
		try (ConfigurableApplicationContext first = start()) {
			Api api = new Api(port(first));
			Api.Response donated = api.donate(donor, 300000, "IDR", "before-restart");
			assertThat(donated.status()).as(donated.toString()).isEqualTo(201);
			assertThat(donated.text("status")).isEqualTo("CONFIRMED");
			confirmedId = donated.text("id");
		}
		String pendingId = insertPendingDonation(donor);

		try (ConfigurableApplicationContext second = start()) {
			Api api = new Api(port(second));
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				JsonNode listed = api.get("/api/donations?donorId=" + donor).json();
				assertThat(listed).hasSize(2);
				for (JsonNode donation : listed) {
					assertThat(donation.path("id").asString()).isIn(confirmedId, pendingId);
					assertThat(donation.path("status").asString()).isEqualTo("CONFIRMED");
				}
			});
			Api.Response replay = api.donate(donor, 300000, "IDR", "before-restart");
			assertThat(replay.status()).as("the key is remembered across the restart").isEqualTo(200);
			assertThat(replay.text("id")).isEqualTo(confirmedId);
			assertThat(api.get("/api/donors/" + donor).json().path("totals").path("IDR").decimalValue())
				.isEqualByComparingTo("310000");
		}
	}

	@Test
	void everyPendingDonationIsTakenUpAtStartupNotAHundredAMinute() throws Exception {
		try (ConfigurableApplicationContext first = start()) {
			// the schema
		}
		int pending = 350;
		try (Connection connection = DriverManager.getConnection(TempDatabase.url(this.directory), "sa", "");
				PreparedStatement insert = connection.prepareStatement(
						"insert into donation (id, donor_id, amount, currency, idempotency_key, status, created_at) "
								+ "values (?, ?, ?, ?, ?, ?, ?)")) {
			for (int i = 0; i < pending; i++) {
				insert.setString(1, UUID.randomUUID().toString());
				insert.setString(2, "pending-donor-" + (i % 7));
				insert.setBigDecimal(3, new BigDecimal(1000 + i));
				insert.setString(4, "IDR");
				insert.setString(5, "left-pending-" + i);
				insert.setString(6, "PENDING");
				insert.setObject(7, OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(5));
				insert.executeUpdate();
			}
		}
		try (ConfigurableApplicationContext second = start()) {
			JdbcClient jdbc = second.getBean(JdbcClient.class);
			// the periodic recovery runs a minute after the start: only the startup run can do this
			await().atMost(Duration.ofSeconds(45))
				.untilAsserted(() -> assertThat(jdbc.sql("select count(*) from donation where status = 'PENDING'")
					.query(Long.class)
					.single()).isZero());
			assertThat(jdbc.sql("select count(*) from donation where status = 'CONFIRMED'").query(Long.class).single())
				.isEqualTo(pending);
		}
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(DonationDemoApplication.class).run("--server.port=0",
				"--spring.datasource.url=" + TempDatabase.url(this.directory), "--logging.level.dev.procreg=WARN",
				"--spring.main.banner-mode=off");
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private String insertPendingDonation(String donor) throws Exception {
		String id = UUID.randomUUID().toString();
		try (Connection connection = DriverManager.getConnection(TempDatabase.url(this.directory), "sa", "");
				PreparedStatement insert = connection.prepareStatement(
						"insert into donation (id, donor_id, amount, currency, idempotency_key, status, created_at) "
								+ "values (?, ?, ?, ?, ?, ?, ?)")) {
			insert.setString(1, id);
			insert.setString(2, donor);
			insert.setBigDecimal(3, new BigDecimal("10000"));
			insert.setString(4, "IDR");
			insert.setString(5, "left-pending");
			insert.setString(6, "PENDING");
			insert.setObject(7, OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(5));
			insert.executeUpdate();
		}
		return id;
	}

}
