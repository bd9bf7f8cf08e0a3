package dev.procreg.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import dev.procreg.demo.flow.FlowProperties;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an attacker on 127.0.0.1 tries, answered with problem details and without side effects:
 * large bodies, unacceptable media types, loose money, simultaneous flow requests, odd URLs,
 * cross-site simple requests; and the headers every page carries.
 */
@DemoAppTest
class HardeningTests {

	@LocalServerPort
	int port;

	@Autowired
	FlowProperties flowProperties;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	@Test
	void aBodyAboveTheLimitIsAnswered413WithAProblemDetail() {
		String donor = DonationApiTests.newDonor();
		String large = "{\"amount\": 10, \"currency\": \"IDR\", \"idempotencyKey\": \"k\", \"padding\": \""
				+ "x".repeat(64 * 1024) + "\"}";
		Api.Response declared = this.api.post("/api/donors/" + donor + "/donations", large);
		assertProblem(declared, 413);
		assertThat(this.api.get("/api/donations?donorId=" + donor).json()).isEmpty();
	}

	@Test
	void aChunkedBodyAboveTheLimitIsAnswered413() throws IOException {
		String donor = DonationApiTests.newDonor();
		String head = "POST /api/donors/" + donor + "/donations HTTP/1.1\r\nHost: localhost\r\n"
				+ "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
		StringBuilder body = new StringBuilder("{\"amount\": 10, \"idempotencyKey\": \"k\", \"padding\": \"");
		body.append("y".repeat(40 * 1024)).append("\"}");
		String chunk = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
		String answer = raw(head + chunk);
		assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json");
		assertThat(this.api.get("/api/donations?donorId=" + donor).json()).isEmpty();
	}

	@Test
	void anUnacceptableMediaTypeIsRefusedBeforeAnythingHappens() {
		String donor = DonationApiTests.newDonor();
		Api.Response donation = this.api.request("POST", "/api/donors/" + donor + "/donations",
				"{\"amount\": 10, \"idempotencyKey\": \"xml\"}", "Content-Type", "application/json", "Accept",
				"application/xml");
		assertProblem(donation, 406);
		Api.Response session = this.api.request("POST", "/api/donors/" + donor + "/session", "{}", "Content-Type",
				"application/json", "Accept", "application/xml");
		assertProblem(session, 406);
		Api.Response flow = this.api.request("POST", "/api/donors/" + donor + "/flows", "{}", "Content-Type",
				"application/json", "Accept", "application/xml");
		assertProblem(flow, 406);
		JsonNode state = this.api.get("/api/donors/" + donor).json();
		assertThat(state.path("session").isNull()).as("no session started").isTrue();
		assertThat(state.path("flows")).as("no flow started").isEmpty();
		assertThat(state.path("donations").asLong()).as("no donation stored").isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/session", "/flows" })
	void aBodilessCrossSitePostStartsNoProcess(String path) {
		String donor = DonationApiTests.newDonor();
		// what any web page can make a browser send without asking: no body, or a "simple" type
		assertProblem(this.api.request("POST", "/api/donors/" + donor + path, null), 415);
		assertProblem(this.api.request("POST", "/api/donors/" + donor + path, "{}", "Content-Type", "text/plain"), 415);
		assertProblem(this.api.request("POST", "/api/donors/" + donor + path, "a=b", "Content-Type",
				"application/x-www-form-urlencoded"), 415);
		JsonNode state = this.api.get("/api/donors/" + donor).json();
		assertThat(state.path("session").isNull()).isTrue();
		assertThat(state.path("flows")).isEmpty();
	}

	@Test
	void thePerDonorFlowLimitHoldsUnderSimultaneousRequests() throws Exception {
		int max = this.flowProperties.maxPerDonor();
		try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int round = 0; round < 5; round++) {
				String donor = DonationApiTests.newDonor();
				CountDownLatch start = new CountDownLatch(1);
				List<Future<Integer>> answers = new ArrayList<>();
				for (int i = 0; i < 30; i++) {
					answers.add(clients.submit(() -> {
						start.await();
						return this.api.post("/api/donors/" + donor + "/flows").status();
					}));
				}
				start.countDown();
				int created = 0;
				for (Future<Integer> answer : answers) {
					int status = answer.get();
					assertThat(status).isIn(201, 429);
					created += (status == 201) ? 1 : 0;
				}
				assertThat(created).as("round %d", round).isEqualTo(max);
				assertThat(this.api.get("/api/donors/" + donor).json().path("flows")).hasSize(max);
			}
		}
	}

	@Test
	void everyErrorIsAProblemDetail() {
		assertProblem(this.api.request("PUT", "/api/donors/someone/session", "{}", "Content-Type",
				"application/json"), 405);
		assertProblem(this.api.request("POST", "/api/donors/someone/donations", "amount=1", "Content-Type",
				"application/x-www-form-urlencoded"), 415);
		String donor = DonationApiTests.newDonor();
		assertProblem(this.api.delete("/api/donors/" + donor + "/session"), 404);
		this.api.post("/api/donors/" + donor + "/session");
		assertThat(this.api.delete("/api/donors/" + donor + "/session").status()).isEqualTo(204);
		assertProblem(this.api.delete("/api/donors/" + donor + "/session"), 404);
		assertProblem(this.api.get("/error"), 404);
		assertProblem(this.api.get("/api/nothing-here"), 404);
		assertProblem(this.api.get("/api/donors/someone/no"), 404);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/donors/a%2Fb", "/api/donors/a%00b", "/api/donors/%" })
	void whatTomcatRejectsIsAProblemDetailToo(String path) throws IOException {
		String answer = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
		assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json").contains("\"status\":400")
			.doesNotContain("<html").doesNotContainIgnoringCase("tomcat");
	}

	@Test
	void aTooLongUrlIsAProblemDetail() throws IOException {
		String answer = raw("GET /api/donors/" + "x".repeat(10 * 1024) + " HTTP/1.1\r\nHost: localhost\r\n"
				+ "Connection: close\r\n\r\n");
		assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json")
			.doesNotContain("<html").doesNotContainIgnoringCase("tomcat");
	}

	@Test
	void deeplyNestedJsonIsNamedForWhatItIs() {
		String nested = "{\"a\":".repeat(1000) + "1" + "}".repeat(1000);
		Api.Response response = this.api.post("/api/donors/" + DonationApiTests.newDonor() + "/donations", nested);
		assertProblem(response, 400);
		assertThat(response.text("detail")).contains("nest").doesNotContain("not a JSON object");
	}

	@Test
	void echoedValuesAreCapped() {
		String currency = "Q".repeat(1024 * 1024 / 2);
		Api.Response response = this.api.request("POST", "/api/donors/" + DonationApiTests.newDonor() + "/donations",
				"{\"amount\": 10, \"currency\": \"" + currency + "\", \"idempotencyKey\": \"k\"}", "Content-Type",
				"application/json");
		assertThat(response.status()).isIn(400, 413);
		assertThat(response.body().length()).isLessThan(1024);
		Api.Response small = this.api.request("POST", "/api/donors/" + DonationApiTests.newDonor() + "/donations",
				"{\"amount\": 10, \"currency\": \"" + "Q".repeat(5000) + "\", \"idempotencyKey\": \"k\"}", "Content-Type",
				"application/json");
		assertProblem(small, 400);
		assertThat(small.text("field")).isEqualTo("currency");
		assertThat(small.body().length()).isLessThan(1024);
	}

	@Test
	void pagesCarrySecurityHeaders() {
		for (String path : new String[] { "/", "/api/donors/someone", "/process-admin/login" }) {
			Api.Response response = this.api.get(path);
			assertThat(response.header("Content-Security-Policy")).as(path).contains("default-src 'self'")
				.contains("frame-ancestors 'none'");
			assertThat(response.header("Referrer-Policy")).as(path).isEqualTo("same-origin");
			assertThat(response.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
		}
	}

	@Test
	void theSessionCookieIsSameSiteStrict() {
		Api.Response login = this.api.get("/process-admin/login");
		assertThat(login.headers().get("set-cookie")).anySatisfy(
				(cookie) -> assertThat(cookie).contains("JSESSIONID").containsIgnoringCase("SameSite=Strict")
					.containsIgnoringCase("HttpOnly"));
	}

	static void assertProblem(Api.Response response, int status) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
		JsonNode problem = response.json();
		assertThat(problem.path("status").asInt()).as(response.toString()).isEqualTo(status);
		assertThat(problem.path("title").asString()).as(response.toString()).isNotBlank();
		assertThat(problem.path("detail").asString()).as(response.toString()).isNotBlank();
	}

	private String raw(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (java.net.SocketException ex) {
			throw new IOException("the server closed the connection without an answer", ex);
		}
	}

}
