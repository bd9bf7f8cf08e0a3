package dev.procreg.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Submitting donations over HTTP: recording, idempotent replay (also under concurrency),
 * validation and the rate limit.
 */
@DemoAppTest
class DonationApiTests {

	@LocalServerPort
	int port;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	@Test
	void recordsADonationWith201AndConfirmsItsPayment() {
		String donor = newDonor();
		Api.Response response = this.api.donate(donor, 250000, "IDR", "key-1");
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		JsonNode donation = response.json();
		assertThat(donation.path("donorId").asString()).isEqualTo(donor);
		assertThat(donation.path("amount").decimalValue()).isEqualByComparingTo("250000");
		assertThat(donation.path("currency").asString()).isEqualTo("IDR");
		assertThat(donation.path("status").asString()).isEqualTo("CONFIRMED");
		assertThat(donation.path("paymentReference").asString()).startsWith("PAY-");

		JsonNode listed = this.api.get("/api/donations?donorId=" + donor).json();
		assertThat(listed).hasSize(1);
		assertThat(listed.get(0).path("id").asString()).isEqualTo(donation.path("id").asString());
		JsonNode state = this.api.get("/api/donors/" + donor).json();
		assertThat(state.path("totals").path("IDR").decimalValue()).isEqualByComparingTo("250000");
		assertThat(state.path("donations").asLong()).isEqualTo(1);
	}

	@Test
	void usesTheDefaultCurrencyWhenNoneIsGiven() {
		String donor = newDonor();
		Api.Response response = this.api.post("/api/donors/" + donor + "/donations",
				Map.of("amount", 1000, "idempotencyKey", "no-currency"));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		assertThat(response.text("currency")).isEqualTo("IDR");
	}

	@Test
	void replayOfAnIdempotencyKeyAnswers200WithTheSameDonation() {
		String donor = newDonor();
		Api.Response first = this.api.donate(donor, 10, "USD", "same-key");
		Api.Response again = this.api.donate(donor, 10, "USD", "same-key");
		assertThat(first.status()).as(first.toString()).isEqualTo(201);
		assertThat(again.status()).as(again.toString()).isEqualTo(200);
		assertThat(again.text("id")).isEqualTo(first.text("id"));
		assertThat(this.api.get("/api/donations?donorId=" + donor).json()).hasSize(1);
	}

	@Test
	void theIdempotencyKeyAlsoComesAsAHeader() {
		String donor = newDonor();
		Api.Response response = this.api.post("/api/donors/" + donor + "/donations",
				Map.of("amount", 5, "currency", "SGD"));
		assertThat(response.status()).as("without a key").isEqualTo(400);
		assertThat(response.text("field")).isEqualTo("idempotencyKey");
		assertThat(this.api.get("/api/donations?donorId=" + donor).json()).isEmpty();
	}

	@Test
	void concurrentSubmitsWithOneKeyRecordOneDonationAndAllGetItsId() throws Exception {
		String donor = newDonor();
		int threads = 16;
		CountDownLatch go = new CountDownLatch(1);
		List<Future<Api.Response>> futures = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
			for (int i = 0; i < threads; i++) {
				Api client = new Api(this.port);
				futures.add(pool.submit(() -> {
					go.await();
					return client.donate(donor, 75000, "IDR", "concurrent-key");
				}));
			}
			go.countDown();
			List<Api.Response> responses = new ArrayList<>();
			for (Future<Api.Response> future : futures) {
				responses.add(future.get());
			}
			assertThat(responses).extracting(Api.Response::status).containsOnly(200, 201);
			assertThat(responses).filteredOn((r) -> r.status() == 201).hasSize(1);
			Set<String> ids = responses.stream().map((r) -> r.text("id")).collect(Collectors.toSet());
			assertThat(ids).hasSize(1);
			JsonNode listed = this.api.get("/api/donations?donorId=" + donor).json();
			assertThat(listed).hasSize(1);
			assertThat(listed.get(0).path("id").asString()).isEqualTo(ids.iterator().next());
		}
	}

	@Test
	void anIdempotencyKeyReusedForAnotherAmountIsAConflict() {
		String donor = newDonor();
		assertThat(this.api.donate(donor, 10, "USD", "k").status()).isEqualTo(201);
		Api.Response other = this.api.donate(donor, 20, "USD", "k");
		assertThat(other.status()).as(other.toString()).isEqualTo(409);
		assertThat(other.text("field")).isEqualTo("idempotencyKey");
		assertThat(this.api.get("/api/donations?donorId=" + donor).json()).hasSize(1);
	}

	static Stream<Arguments> invalidDonations() {
		return Stream.of(Arguments.of("{\"amount\": -5, \"currency\": \"IDR\", \"idempotencyKey\": \"k\"}", "amount"),
				Arguments.of("{\"amount\": 0, \"currency\": \"IDR\", \"idempotencyKey\": \"k\"}", "amount"),
				Arguments.of("{\"currency\": \"IDR\", \"idempotencyKey\": \"k\"}", "amount"),
				Arguments.of("{\"amount\": 100000001, \"currency\": \"IDR\", \"idempotencyKey\": \"k\"}", "amount"),
				Arguments.of("{\"amount\": 10.001, \"currency\": \"USD\", \"idempotencyKey\": \"k\"}", "amount"),
				Arguments.of("{\"amount\": \"lots\", \"currency\": \"IDR\", \"idempotencyKey\": \"k\"}", "amount"),
				Arguments.of("{\"amount\": 10, \"currency\": \"XYZ\", \"idempotencyKey\": \"k\"}", "currency"),
				Arguments.of("{\"amount\": 10, \"currency\": \"IDR\", \"idempotencyKey\": \" \"}", "idempotencyKey"),
				Arguments.of("{\"amount\": 10, \"currency\": \"IDR\", \"idempotencyKey\": \"has space\"}",
						"idempotencyKey"),
				Arguments.of("[1, 2]", "body"),
				// strict money: a JSON number, no string, no exponent; text fields are strings
				Arguments.of("{\"amount\": \"100\", \"currency\": \"IDR\", \"idempotencyKey\": \"k\"}", "amount"),
				Arguments.of("{\"amount\": \" 5 \", \"currency\": \"IDR\", \"idempotencyKey\": \"k\"}", "amount"),
				Arguments.of("{\"amount\": \"1e2\", \"currency\": \"IDR\", \"idempotencyKey\": \"k\"}", "amount"),
				Arguments.of("{\"amount\": 1e2, \"currency\": \"IDR\", \"idempotencyKey\": \"k\"}", "amount"),
				Arguments.of("{\"amount\": true, \"currency\": \"IDR\", \"idempotencyKey\": \"k\"}", "amount"),
				Arguments.of("{\"amount\": 1, \"amount\": 99999999, \"currency\": \"IDR\", \"idempotencyKey\": \"k\"}",
						"amount"),
				Arguments.of("{\"amount\": 10, \"currency\": \"IDR\", \"idempotencyKey\": 123}", "idempotencyKey"),
				Arguments.of("{\"amount\": 10, \"currency\": \"IDR\", \"idempotencyKey\": true}", "idempotencyKey"),
				Arguments.of("{\"amount\": 10, \"currency\": 5, \"idempotencyKey\": \"k\"}", "currency"),
				Arguments.of("{\"amount\": 10, \"currency\": \"IDR\", \"idempotencyKey\": \"k\"", "body"));
	}

	@ParameterizedTest
	@MethodSource("invalidDonations")
	void invalidDonationsAreRejectedWith400NamingTheField(String body, String field) {
		String donor = newDonor();
		Api.Response response = this.api.post("/api/donors/" + donor + "/donations", body);
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.text("field")).isEqualTo(field);
		assertThat(response.text("detail")).contains(field);
		assertThat(this.api.get("/api/donations?donorId=" + donor).json()).isEmpty();
	}

	@Test
	void anInvalidDonorIdIsRejectedWith400() {
		Api.Response response = this.api.donate("bad%20donor", 10, "IDR", "k");
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.text("field")).isEqualTo("donorId");
		Api.Response list = this.api.get("/api/donations");
		assertThat(list.status()).as(list.toString()).isEqualTo(400);
		assertThat(list.text("field")).isEqualTo("donorId");
	}

	@Test
	void beyondTheRateLimitTheApiAnswers429AndRecordsNothing() {
		String donor = newDonor();
		for (int i = 1; i <= 3; i++) {
			Api.Response response = this.api.donate(donor, 100 * i, "IDR", "key-" + i);
			assertThat(response.status()).as(response.toString()).isEqualTo(201);
		}
		Api.Response limited = this.api.donate(donor, 400, "IDR", "key-4");
		assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
		assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
		assertThat(this.api.donate(donor, 100, "IDR", "key-1").status()).as("a replay is not limited").isEqualTo(200);
		assertThat(this.api.get("/api/donations?donorId=" + donor).json()).hasSize(3);
		assertThat(this.api.donate(newDonor(), 400, "IDR", "key-4").status()).as("another donor is not limited")
			.isEqualTo(201);
	}

	static String newDonor() {
		return "donor-" + UUID.randomUUID().toString().substring(0, 8);
	}

}
