package dev.procreg.demo;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.procreg.demo.session.DonorSessions;
import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.procreg.demo.DonationApiTests.newDonor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Donor sessions and flows over HTTP: start or find, the donor's state, the broadcast to every
 * flow, ending a session, and a session's crash.
 */
@DemoAppTest
class DonorApiTests {

	@LocalServerPort
	int port;

	@Autowired
	DonorSessions sessions;

	@Autowired
	ProcessRuntime runtime;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	@Test
	void startsASessionOnceAndFindsItAfterwards() {
		String donor = newDonor();
		Api.Response started = this.api.post("/api/donors/" + donor + "/session");
		Api.Response found = this.api.post("/api/donors/" + donor + "/session");
		assertThat(started.status()).as(started.toString()).isEqualTo(201);
		assertThat(found.status()).as(found.toString()).isEqualTo(200);
		assertThat(started.text("pid")).isEqualTo(found.text("pid"))
			.isEqualTo(this.sessions.whereis(donor).orElseThrow().toString());
		assertThat(started.json().path("started").asBoolean()).isTrue();
		assertThat(found.json().path("started").asBoolean()).isFalse();

		JsonNode state = this.api.get("/api/donors/" + donor).json();
		assertThat(state.path("session").path("pid").asString()).isEqualTo(started.text("pid"));
		assertThat(state.path("session").path("idleTimeout").asString()).isEqualTo("PT30M");
		assertThat(state.path("options").path("defaultCurrency").asString()).isEqualTo("IDR");
	}

	@Test
	void describingADonorStartsNothing() {
		String donor = newDonor();
		Api.Response response = this.api.get("/api/donors/" + donor);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.json().path("session").isNull()).isTrue();
		assertThat(response.json().path("flows")).isEmpty();
		assertThat(this.sessions.whereis(donor)).isEmpty();
	}

	@Test
	void aConfirmedDonationIsBroadcastToEveryFlowOfTheDonor() {
		String donor = newDonor();
		String other = newDonor();
		Api.Response first = this.api.post("/api/donors/" + donor + "/flows", Map.of("campaign", "ramadan"));
		Api.Response second = this.api.post("/api/donors/" + donor + "/flows");
		Api.Response elsewhere = this.api.post("/api/donors/" + other + "/flows");
		assertThat(first.status()).as(first.toString()).isEqualTo(201);
		assertThat(second.status()).as(second.toString()).isEqualTo(201);
		assertThat(elsewhere.status()).isEqualTo(201);
		assertThat(first.json().path("metadata").path("campaign").asString()).isEqualTo("ramadan");
		assertThat(second.json().path("metadata").path("campaign").asString()).isEqualTo("general");
		assertThat(first.text("pid")).isNotEqualTo(second.text("pid"));

		assertThat(this.api.donate(donor, 50000, "IDR", "broadcast").status()).isEqualTo(201);

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode flows = this.api.get("/api/donors/" + donor).json().path("flows");
			assertThat(flows).hasSize(2);
			for (JsonNode flow : flows) {
				assertThat(flow.path("updatesReceived").asInt()).isEqualTo(1);
				assertThat(flow.path("lastUpdate").path("amount").decimalValue()).isEqualByComparingTo("50000");
				assertThat(flow.path("metadata").path("flowId").asString()).startsWith("flow-");
			}
		});
		JsonNode otherFlows = this.api.get("/api/donors/" + other).json().path("flows");
		assertThat(otherFlows).hasSize(1);
		assertThat(otherFlows.get(0).path("updatesReceived").asInt()).isZero();
	}

	@Test
	void endingASessionStopsItAndItsFlows() {
		String donor = newDonor();
		assertThat(this.api.delete("/api/donors/" + donor + "/session").status()).as("no session yet").isEqualTo(404);
		this.api.post("/api/donors/" + donor + "/session");
		this.api.post("/api/donors/" + donor + "/flows");
		Pid session = this.sessions.whereis(donor).orElseThrow();

		Api.Response ended = this.api.delete("/api/donors/" + donor + "/session");
		assertThat(ended.status()).as(ended.toString()).isEqualTo(204);
		assertThat(this.runtime.isAlive(session)).isFalse();
		JsonNode state = this.api.get("/api/donors/" + donor).json();
		assertThat(state.path("session").isNull()).isTrue();
		assertThat(state.path("flows")).isEmpty();
		assertThat(this.api.delete("/api/donors/" + donor + "/session").status()).isEqualTo(404);
	}

	@Test
	void aConfirmedDonationSurvivesTheCrashOfItsSession() {
		String donor = newDonor();
		Api.Response donated = this.api.donate(donor, 20, "USD", "before-crash");
		assertThat(donated.status()).as(donated.toString()).isEqualTo(201);
		Pid session = this.sessions.whereis(donor).orElseThrow();

		this.runtime.exit(session, ExitReason.KILL);

		assertThat(this.runtime.isAlive(session)).isFalse();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.sessions.whereis(donor)).hasValueSatisfying(
					(restarted) -> assertThat(restarted).isNotEqualTo(session)));
		JsonNode listed = this.api.get("/api/donations?donorId=" + donor).json();
		assertThat(listed).hasSize(1);
		assertThat(listed.get(0).path("status").asString()).isEqualTo("CONFIRMED");
		assertThat(this.api.get("/api/donors/" + donor).json().path("totals").path("USD").decimalValue())
			.isEqualByComparingTo("20");
		Api.Response replay = this.api.donate(donor, 20, "USD", "before-crash");
		assertThat(replay.status()).as("the new session knows the key from storage").isEqualTo(200);
		assertThat(replay.text("id")).isEqualTo(donated.text("id"));
	}

}
