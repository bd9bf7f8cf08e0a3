package dev.procreg.demo;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.procreg.demo.payment.PaymentWorkers;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A payment worker that crashes while paying: the worker is restarted, the donation is paid by a
 * worker, and it is recorded once.
 */
@DemoAppTest
class PaymentWorkerCrashTests {

	@LocalServerPort
	int port;

	@Autowired
	CrashingPaymentGateway gateway;

	@Autowired
	PaymentWorkers payments;

	@Autowired
	ProcessRuntime runtime;

	@Test
	void aWorkerCrashIsSurvivedWithoutLossOrDuplicate() {
		Api api = new Api(this.port);
		String donor = "crash-" + UUID.randomUUID().toString().substring(0, 8);
		List<Pid> crashedBefore = this.gateway.crashedWorkers();

		Api.Response response = api.donate(donor, 125000, "IDR", "crash-key");

		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		assertThat(response.text("status")).isEqualTo("CONFIRMED");
		String id = response.text("id");
		assertThat(this.gateway.attempts(id)).as("the first worker crashed, the retry paid").isEqualTo(2);
		assertThat(this.gateway.charges(id)).isEqualTo(1);
		List<Pid> crashed = this.gateway.crashedWorkers()
			.stream()
			.filter((pid) -> !crashedBefore.contains(pid))
			.toList();
		assertThat(crashed).hasSize(1);
		Pid crashedWorker = crashed.get(0);
		assertThat(this.runtime.isAlive(crashedWorker)).isFalse();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.payments.members()).hasSize(2).doesNotContain(crashedWorker));

		JsonNode listed = api.get("/api/donations?donorId=" + donor).json();
		assertThat(listed).hasSize(1);
		assertThat(listed.get(0).path("id").asString()).isEqualTo(id);
		assertThat(listed.get(0).path("status").asString()).isEqualTo("CONFIRMED");
		assertThat(api.donate(donor, 125000, "IDR", "crash-key").status()).isEqualTo(200);
		assertThat(this.gateway.charges(id)).isEqualTo(1);
	}

}
