package dev.procreg.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import dev.procreg.demo.ratelimit.RateLimiter;
import dev.procreg.demo.session.DonorSessions;
import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

import static dev.procreg.demo.HardeningTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failures stay contained: bounds answer 503, a missing process is a 503 for the donor and not a
 * crash of the donor's session, a top-level supervisor that gives up is reported once and named
 * by health (here with {@code on-give-up=stay-down}; {@code exit} is tested on a child JVM by
 * {@link GiveUpExitTests}), and guessing the admin password is throttled. The tests run in order
 * on a context of their own, which the give-up leaves broken.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "demo.sessions.max=4", "demo.flows.max=3", "demo.supervision.on-give-up=stay-down",
				"demo.security.max-failed-logins=3", "demo.rate-limit.per-minute=1000" })
@ContextConfiguration(initializers = TempDatabase.class)
@DirtiesContext
@ExtendWith(LogCapture.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainmentTests {

	@LocalServerPort
	int port;

	@Autowired
	ProcessRuntime runtime;

	@Autowired
	DonorSessions sessions;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	@Test
	@Order(1)
	void sessionsAndFlowsAreBoundedWith503AndRetryAfter() {
		List<String> donors = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			String donor = DonationApiTests.newDonor();
			donors.add(donor);
			assertThat(this.api.post("/api/donors/" + donor + "/session").status()).isEqualTo(201);
		}
		Api.Response refused = this.api.post("/api/donors/" + DonationApiTests.newDonor() + "/session");
		assertProblem(refused, 503);
		assertThat(refused.header("Retry-After")).isNotBlank();
		assertThat(refused.text("detail")).contains("demo.sessions.max");
		Api.Response refusedDonation = this.api.donate(DonationApiTests.newDonor(), 10, "IDR", "k");
		assertProblem(refusedDonation, 503);
		assertThat(this.api.post("/api/donors/" + donors.get(0) + "/session").status())
			.as("a running session is still found").isEqualTo(200);

		for (int i = 0; i < 3; i++) {
			assertThat(this.api.post("/api/donors/" + donors.get(i) + "/flows").status()).isEqualTo(201);
		}
		Api.Response noFlow = this.api.post("/api/donors/" + donors.get(3) + "/flows");
		assertProblem(noFlow, 503);
		assertThat(noFlow.header("Retry-After")).isNotBlank();

		donors.forEach((donor) -> assertThat(this.api.delete("/api/donors/" + donor + "/session").status()).isEqualTo(204));
		assertThat(this.api.post("/api/donors/" + donors.get(3) + "/flows").status()).as("room again").isEqualTo(201);
		this.api.delete("/api/donors/" + donors.get(3) + "/session");
	}

	@Test
	@Order(2)
	void aMissingRateLimiterIsA503AndTheSessionCarriesOn() {
		String donor = DonationApiTests.newDonor();
		assertThat(this.api.donate(donor, 10, "IDR", "first").status()).isEqualTo(201);
		Pid session = this.sessions.whereis(donor).orElseThrow();
		Pid limiter = this.runtime.whereis(RateLimiter.NAME.name()).orElseThrow();
		this.runtime.unregister(RateLimiter.NAME.name());
		try {
			for (int i = 0; i < 5; i++) {
				Api.Response response = this.api.donate(donor, 10, "IDR", "while-gone-" + i);
				assertProblem(response, 503);
				assertThat(response.header("Retry-After")).isNotBlank();
				assertThat(response.text("dependency")).isEqualTo("rate-limiter");
			}
		}
		finally {
			this.runtime.register(RateLimiter.NAME.name(), limiter);
		}
		assertThat(this.sessions.whereis(donor)).as("the session did not crash").contains(session);
		assertThat(this.api.get("/api/donations?donorId=" + donor).json()).as("nothing recorded while gone").hasSize(1);
		assertThat(this.api.donate(donor, 10, "IDR", "back").status()).isEqualTo(201);
		assertThat(this.api.donate(donor, 10, "IDR", "while-gone-0").status()).as("the key was not used").isEqualTo(201);
	}

	@Test
	@Order(3)
	void aTopLevelSupervisorThatGivesUpIsReportedOnceAndDonorsGet503(LogCapture logs) {
		String donor = DonationApiTests.newDonor();
		assertThat(this.api.donate(donor, 10, "IDR", "before").status()).isEqualTo(201);
		Pid session = this.sessions.whereis(donor).orElseThrow();
		// the operator's clicks: "Terminate" on the rate limiter until its supervisor gives up
		for (int i = 0; i < 20 && this.runtime.whereis(RateLimiter.NAME.name()).isPresent(); i++) {
			Pid limiter = this.runtime.whereis(RateLimiter.NAME.name()).orElseThrow();
			this.runtime.exit(limiter, ExitReason.KILL);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> this.runtime.whereis(RateLimiter.NAME.name()).map((pid) -> !pid.equals(limiter)).orElse(true));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> logs.text().contains("Top-level supervisor 'donation-app'"));

		Api.Response donation = this.api.donate(donor, 10, "IDR", "after");
		assertProblem(donation, 503);
		assertThat(donation.header("Retry-After")).isNotBlank();
		assertThat(this.sessions.whereis(donor)).as("the session did not crash").contains(session);
		assertThat(this.api.post("/api/donors/" + donor + "/session").status()).isEqualTo(200);
		Api.Response flow = this.api.post("/api/donors/" + donor + "/flows");
		assertProblem(flow, 503);

		Api.Response health = this.api.request("GET", "/actuator/health", null, "Authorization", basic("admin", "admin"));
		assertThat(health.status()).as(health.toString()).isEqualTo(503);
		JsonNode supervisor = health.json().path("components").path("processRegistry").path("details")
			.path("supervisors").path("donation-app");
		assertThat(supervisor.path("status").asString()).isEqualTo("gave up");
		assertThat(supervisor.path("exitReason").asString()).isNotBlank();

		assertThat(count(logs.text(), "Top-level supervisor 'donation-app'")).as("said once").isEqualTo(1);
		assertThat(count(logs.text(), "Supervisor 'donation-app'")).as("said once").isEqualTo(1);
		assertThat(logs.text()).doesNotContain("Unexpected failure of a request");
	}

	@Test
	@Order(4)
	void failedLoginsAreLoggedAndThrottled(LogCapture logs) {
		for (int i = 0; i < 3; i++) {
			Api.Response wrong = this.api.request("GET", "/actuator/metrics", null, "Authorization",
					basic("admin", "guess-" + i));
			assertThat(wrong.status()).isEqualTo(401);
		}
		assertThat(count(logs.text(), "Failed login for user 'admin' from 127.0.0.1")).isEqualTo(3);
		Api.Response throttled = this.api.request("GET", "/actuator/metrics", null, "Authorization",
				basic("admin", "admin"));
		assertProblem(throttled, 429);
		assertThat(Integer.parseInt(throttled.header("Retry-After"))).isBetween(1, 60);
		Api.Response form = this.api.postForm("/process-admin/login",
				java.util.Map.of("username", "admin", "password", "admin"));
		assertProblem(form, 429);
	}

	static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	static int count(String text, String needle) {
		Matcher matcher = Pattern.compile(Pattern.quote(needle)).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}
