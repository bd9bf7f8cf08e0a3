package dev.procreg.demo;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without logging in only the donor page, its assets, the donor API and health answer; the admin
 * user logs in with the form and sees the other actuator endpoints.
 */
@DemoAppTest
class SecurityTests {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

	@LocalServerPort
	int port;

	Api api;

	@BeforeEach
	void setUp() {
		this.api = new Api(this.port);
	}

	@Test
	void theDonorPageAssetsApiAndHealthAnswerWithoutLogin() {
		Api.Response page = this.api.get("/");
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.body()).contains("<script src=\"/js/app.js\">");
		assertThat(this.api.get("/js/app.js").status()).isEqualTo(200);
		assertThat(this.api.get("/css/app.css").status()).isEqualTo(200);
		assertThat(this.api.get("/api/donors/someone").status()).isEqualTo(200);
		Api.Response health = this.api.get("/actuator/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.text("status")).isEqualTo("UP");
	}

	@Test
	void everythingElseRedirectsABrowserToTheLoginFormAndAnswersAScript401() {
		for (String path : new String[] { "/actuator/metrics", "/actuator/registries", "/actuator",
				"/process-admin", "/process-admin/anything", "/actuator/env" }) {
			Api.Response browser = this.api.request("GET", path, null, "Accept", "text/html");
			assertThat(browser.status()).as(path).isEqualTo(302);
			assertThat(browser.header("Location")).as(path).endsWith("/process-admin/login");
			Api.Response script = this.api.get(path);
			HardeningTests.assertProblem(script, 401);
			assertThat(script.header("WWW-Authenticate")).as(path).startsWith("Basic");
		}
	}

	@Test
	void theConsolesLoginPageItsAssetsAndTheFaviconsAnswerWithoutLogin() {
		Api.Response login = this.api.get("/process-admin/login");
		assertThat(login.status()).isEqualTo(200);
		assertThat(login.body()).contains("<form id=\"login-form\"", "action=\"/process-admin/login\"");
		for (String path : new String[] { "/process-admin/assets/admin.css", "/process-admin/assets/login.js",
				"/process-admin/assets/favicon.svg", "/favicon.svg" }) {
			assertThat(this.api.get(path).status()).as(path).isEqualTo(200);
		}
		assertThat(this.api.request("GET", "/process-admin/processes", null, "Accept", "text/html").status())
			.isEqualTo(302);
		assertThat(this.api.get("/process-admin/api/overview").status()).isEqualTo(401);
	}

	@Test
	void theAdminLogsInAndSeesMetrics() {
		assertThat(login("admin", "wrong").header("Location")).contains("error");
		assertThat(this.api.get("/actuator/metrics").status()).isEqualTo(401);

		Api.Response loggedIn = login("admin", "admin");
		assertThat(loggedIn.status()).isEqualTo(302);
		assertThat(loggedIn.header("Location")).doesNotContain("error");
		Api.Response metrics = this.api.get("/actuator/metrics");
		assertThat(metrics.status()).as(metrics.toString()).isEqualTo(200);
		assertThat(metrics.json().path("names").toString()).contains("jvm.threads.live");
		Api.Response health = this.api.get("/actuator/health");
		assertThat(health.json().has("components")).as("details for the admin").isTrue();
	}

	@Test
	void theAdminSeesTheRegistriesWithTheirMetadata() {
		String donor = DonationApiTests.newDonor();
		assertThat(this.api.post("/api/donors/" + donor + "/session").status()).isEqualTo(201);
		assertThat(this.api.post("/api/donors/" + donor + "/flows").status()).isEqualTo(201);
		login("admin", "admin");

		Api.Response registries = this.api.get("/actuator/registries");
		assertThat(registries.status()).as(registries.toString()).isEqualTo(200);
		assertThat(registries.json().path("registries").path("sessions").path("keys").asString()).isEqualTo("unique");
		assertThat(registries.json().path("registries").path("flows").path("keys").asString()).isEqualTo("duplicate");
		Api.Response session = this.api.get("/actuator/registries/sessions/" + donor);
		assertThat(session.status()).as(session.toString()).isEqualTo(200);
		assertThat(session.body()).contains("donor-session");
		Api.Response flows = this.api.get("/actuator/registries/flows/" + donor);
		assertThat(flows.status()).as(flows.toString()).isEqualTo(200);
		assertThat(flows.body()).contains("flowId", "general");
	}

	private Api.Response login(String username, String password) {
		Api.Response form = this.api.get("/process-admin/login");
		assertThat(form.status()).isEqualTo(200);
		Matcher csrf = CSRF.matcher(form.body());
		assertThat(csrf.find()).as("the login form has a CSRF token").isTrue();
		return this.api.postForm("/process-admin/login",
				Map.of("username", username, "password", password, "_csrf", csrf.group(1)));
	}

}
