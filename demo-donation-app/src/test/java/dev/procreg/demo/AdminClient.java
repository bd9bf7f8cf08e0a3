package dev.procreg.demo;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an operator does on the process admin page, as HTTP calls: HTTP Basic as the admin, the
 * page's CSRF token, and "Terminate" on a process. Also reads the actuator's metrics.
 */
final class AdminClient {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final String base;

	private final String authorization;

	private final HttpClient client = HttpClient.newBuilder()
		.cookieHandler(new CookieManager())
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private String csrfHeader;

	private String csrfToken;

	AdminClient(int port, String user, String password) {
		this.base = "http://127.0.0.1:" + port;
		this.authorization = "Basic "
				+ Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	/** @return the admin page's overview, keeping the CSRF token it hands out */
	JsonNode overview() {
		JsonNode overview = get("/process-admin/api/overview");
		JsonNode csrf = overview.path("csrf");
		if (csrf.isObject()) {
			this.csrfHeader = csrf.path("headerName").asString();
			this.csrfToken = csrf.path("token").asString();
		}
		return overview;
	}

	/**
	 * @param registry a registry
	 * @param limit how many keys at most
	 * @return the pids registered in it
	 */
	List<String> pids(String registry, int limit) {
		List<String> pids = new ArrayList<>();
		for (JsonNode row : get("/process-admin/api/registries/" + registry + "/keys?limit=" + limit).path("items")) {
			for (JsonNode entry : row.path("entries")) {
				pids.add(entry.path("pid").asString());
			}
		}
		return pids;
	}

	/**
	 * @param group a process group of the default scope
	 * @return its members
	 */
	List<String> members(String group) {
		List<String> members = new ArrayList<>();
		for (JsonNode scope : get("/process-admin/api/groups").path("scopes")) {
			for (JsonNode candidate : scope.path("groups")) {
				if (candidate.path("name").asString().equals(group)) {
					candidate.path("members").forEach((member) -> members.add(member.asString()));
				}
			}
		}
		return members;
	}

	/**
	 * @param childId a child's id in the supervision tree
	 * @return its pid, when it runs
	 */
	Optional<String> child(String childId) {
		return find(get("/process-admin/api/supervision").path("roots"), childId);
	}

	private static Optional<String> find(JsonNode supervisors, String childId) {
		for (JsonNode supervisor : supervisors) {
			for (JsonNode child : supervisor.path("children")) {
				if (child.path("id").asString().equals(childId) && child.path("pid").isString()) {
					return Optional.of(child.path("pid").asString());
				}
				if (child.path("subtree").isObject()) {
					Optional<String> found = find(json.createArrayNode().add(child.path("subtree")), childId);
					if (found.isPresent()) {
						return found;
					}
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * "Terminate" on the admin page, typing the process's name when the console asks for it (a
	 * supervisor, a registered singleton or a supervisor's last child: 428 with the text expected).
	 * @param pid the process
	 * @param reason {@code shutdown} or {@code kill}
	 * @return the status of the answer (200, or 404 when it was gone already)
	 */
	int terminate(String pid, String reason) {
		return terminate(pid, reason, (String) null);
	}

	/**
	 * "Terminate" on the admin page with the name typed at once, as an operator who knows what the
	 * console will ask (one request); still answers a 428 with the text it expects.
	 * @param pid the process
	 * @param reason {@code shutdown} or {@code kill}
	 * @param confirm the name typed, or {@code null} to type it only when asked
	 * @return the status of the answer
	 */
	int terminate(String pid, String reason, String confirm) {
		HttpResponse<String> response = postTerminate(pid, reason, confirm);
		if (response.statusCode() == 428) {
			String expected = json.readTree(response.body()).path("expected").asString();
			response = postTerminate(pid, reason, expected);
		}
		return response.statusCode();
	}

	private HttpResponse<String> postTerminate(String pid, String reason, String confirm) {
		if (this.csrfToken == null) {
			overview();
		}
		String bare = pid.replace("<", "").replace(">", "");
		String body = (confirm != null) ? json.createObjectNode().put("confirm", confirm).toString() : "{}";
		HttpRequest request = HttpRequest
			.newBuilder(URI.create(this.base + "/process-admin/api/processes/"
					+ URLEncoder.encode(bare, StandardCharsets.UTF_8) + "/terminate?reason=" + reason))
			.header("Authorization", this.authorization)
			.header(this.csrfHeader, this.csrfToken)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(15))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		return send(request);
	}

	/**
	 * @param name a metric
	 * @param tag a tag as {@code key:value}, or null
	 * @return its first measurement
	 */
	double metric(String name, String tag) {
		JsonNode metric = get("/actuator/metrics/" + name + ((tag != null) ? "?tag=" + tag : ""));
		return metric.path("measurements").get(0).path("value").asDouble();
	}

	JsonNode get(String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.base + path))
			.header("Authorization", this.authorization)
			.timeout(Duration.ofSeconds(15))
			.GET()
			.build();
		HttpResponse<String> response = send(request);
		if (response.statusCode() != 200) {
			throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + " " + response.body());
		}
		return json.readTree(response.body());
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
