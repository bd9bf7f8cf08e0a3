package dev.procreg.boot.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import dev.procreg.boot.worker.ProcessTemplate;
import dev.procreg.boot.worker.RegisteredProcess;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code registries} endpoint over real HTTP.
 */
class RegistriesEndpointWebIntegrationTests {

	private static final ObjectMapper json = new ObjectMapper();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static HttpResponse<String> request(int port, String method, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(10))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	static JsonNode get(int port, String path) throws Exception {
		HttpResponse<String> response = request(port, "GET", path);
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return json.readTree(response.body());
	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "management.endpoints.web.exposure.include=registries,health",
					"management.endpoint.registries.show-values=always", "management.endpoint.health.show-details=always",
					"management.endpoint.registries.access=unrestricted",
					"process-registry.registries.sessions.partitions=2", "process-registry.workers.partitions=2" })
	class Exposed {

		@LocalServerPort
		int port;

		@Autowired
		ProcessTemplate template;

		@Autowired
		ProcessRuntime runtime;

		@BeforeEach
		void startWorkers() {
			for (int i = 0; i < 12; i++) {
				this.template.startOrFind(Session.class, String.format("donor-%02d", i));
			}
			this.template.startOrFind(Session.class, "other");
		}

		@Test
		void listsRegistriesWorkersAndSupervisors() throws Exception {
			JsonNode body = get(this.port, "/actuator/registries");
			assertThat(body.path("registries").has("default")).isTrue();
			JsonNode sessions = body.path("registries").path("sessions");
			assertThat(sessions.path("keys").asString()).isEqualTo("unique");
			assertThat(sessions.path("partitions").asInt()).isEqualTo(2);
			assertThat(sessions.path("partitionStats")).hasSize(2);
			JsonNode workers = body.path("registries").path("session-workers");
			assertThat(workers.path("keyCount").asLong()).isEqualTo(13);
			assertThat(workers.path("entryCount").asLong()).isEqualTo(13);
			assertThat(workers.path("partitionStats").get(0).has("conflicts")).isTrue();
			JsonNode type = body.path("workers").path("session-workers");
			assertThat(type.path("type").asString()).isEqualTo(Session.class.getName());
			assertThat(type.path("workers").asInt()).isEqualTo(13);
			assertThat(type.path("restarts").asLong()).isZero();
			assertThat(body.path("supervisors").get(0).path("name").asString())
				.isEqualTo("procreg.workers.session-workers");
			assertThat(body.path("supervisors").get(0).path("running").asBoolean()).isTrue();
		}

		@Test
		void pagesAndFiltersKeys() throws Exception {
			JsonNode first = get(this.port, "/actuator/registries/session-workers?prefix=donor-&limit=5");
			assertThat(first.path("total").asInt()).isEqualTo(12);
			assertThat(first.path("limit").asInt()).isEqualTo(5);
			assertThat(keys(first)).containsExactly("donor-00", "donor-01", "donor-02", "donor-03", "donor-04");
			JsonNode last = get(this.port, "/actuator/registries/session-workers?prefix=donor-&offset=10&limit=5");
			assertThat(keys(last)).containsExactly("donor-10", "donor-11");
			JsonNode all = get(this.port, "/actuator/registries/session-workers");
			assertThat(all.path("total").asInt()).isEqualTo(13);
			assertThat(all.path("limit").asInt()).isEqualTo(100);
			JsonNode capped = get(this.port, "/actuator/registries/session-workers?limit=5000");
			assertThat(capped.path("limit").asInt()).isEqualTo(1000);
			JsonNode entry = all.path("items").get(0).path("entries").get(0);
			assertThat(entry.path("value").path("tier").asString()).isEqualTo("gold");
			assertThat(entry.path("value").path("apiToken").asString()).isEqualTo(SanitizableData.SANITIZED_VALUE);
			assertThat(request(this.port, "GET", "/actuator/registries/session-workers?limit=0").statusCode())
				.isEqualTo(400);
		}

		@Test
		void showsAKeyWithItsProcess() throws Exception {
			Pid pid = this.template.whereis(Session.class, "donor-03").orElseThrow();
			JsonNode body = get(this.port, "/actuator/registries/session-workers/donor-03");
			JsonNode entry = body.path("entries").get(0);
			assertThat(entry.path("pid").asString()).isEqualTo(pid.toString());
			assertThat(entry.path("status").asString()).isIn("waiting", "running", "runnable");
			assertThat(entry.path("mailboxLength").asInt()).isZero();
			assertThat(entry.path("uptimeMillis").asLong()).isNotNegative();
			assertThat(entry.path("serverClass").asString()).isEqualTo(Session.class.getName());
		}

		@Test
		void answers404ForUnknownRegistriesAndKeys() throws Exception {
			assertThat(request(this.port, "GET", "/actuator/registries/nope").statusCode()).isEqualTo(404);
			assertThat(request(this.port, "GET", "/actuator/registries/session-workers/nobody").statusCode())
				.isEqualTo(404);
			assertThat(request(this.port, "DELETE", "/actuator/registries/nope/x").statusCode()).isEqualTo(404);
		}

		@Test
		void deleteTerminatesTheWorkerBehindAKey() throws Exception {
			Pid pid = this.template.startOrFind(Session.class, "doomed");
			HttpResponse<String> response = request(this.port, "DELETE", "/actuator/registries/session-workers/doomed");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(json.readTree(response.body()).path("terminated").get(0).asString()).isEqualTo(pid.toString());
			assertThat(this.runtime.isAlive(pid)).isFalse();
			assertThat(this.template.whereis(Session.class, "doomed")).isEmpty();
		}

		@Test
		void healthShowsTheProcessRegistry() throws Exception {
			JsonNode body = get(this.port, "/actuator/health");
			assertThat(body.path("components").path("processRegistry").path("status").asString()).isEqualTo("UP");
		}

		private List<String> keys(JsonNode page) {
			List<String> keys = new ArrayList<>();
			page.path("items").forEach((item) -> keys.add(item.path("key").asString()));
			return keys;
		}

	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "management.endpoints.web.exposure.include=registries")
	class Defaults {

		@LocalServerPort
		int port;

		@Autowired
		ProcessTemplate template;

		@Test
		void valuesAreHiddenAndDeleteIsNotAllowed() throws Exception {
			this.template.startOrFind(Session.class, "k");
			JsonNode page = get(this.port, "/actuator/registries/session-workers");
			JsonNode value = page.path("items").get(0).path("entries").get(0).path("value");
			assertThat(value.path("tier").asString()).isEqualTo(SanitizableData.SANITIZED_VALUE);
			assertThat(request(this.port, "DELETE", "/actuator/registries/session-workers/k").statusCode())
				.isIn(404, 405);
			assertThat(this.template.whereis(Session.class, "k")).isPresent();
		}

	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
	class NotExposed {

		@LocalServerPort
		int port;

		@Test
		void endpointIsNotExposedOverHttpByDefault() throws Exception {
			assertThat(request(this.port, "GET", "/actuator/registries").statusCode()).isEqualTo(404);
		}

	}

	@SpringBootApplication(proxyBeanMethods = false)
	static class TestApplication {

		@Bean
		Session.Marker marker() {
			return new Session.Marker();
		}

		@Bean
		SanitizingFunction tokens() {
			return (data) -> data.getKey().toLowerCase().contains("token") ? data.withSanitizedValue() : data;
		}

	}

	@RegisteredProcess(registry = "session-workers", metadata = { "tier=gold", "apiToken=secret" })
	static class Session extends GenServer<String> {

		Session(Marker marker) {
		}

		@Override
		protected Init<String> init(@Nullable Object arg) {
			return ok(String.valueOf(arg));
		}

		static final class Marker {

		}

	}

}
