package dev.procreg.boot.admin;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.procreg.boot.autoconfigure.ProcessAdminAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessRegistryAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessSupervisionAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessWorkerAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.DefaultCsrfToken;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Tests for {@link ProcessAdminPage}: the console's page at each view's address, its assets,
 * uPlot from its WebJar, the favicon and the login page.
 */
class ProcessAdminPageTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProcessRegistryAutoConfiguration.class,
				ProcessWorkerAutoConfiguration.class, ProcessSupervisionAutoConfiguration.class,
				ProcessAdminAutoConfiguration.class, JacksonAutoConfiguration.class,
				HttpMessageConvertersAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
				WebMvcAutoConfiguration.class))
		.withPropertyValues("process-registry.admin.enabled=true");

	@Test
	void servesThePageAtEachViewsAddress() {
		run((mvc) -> {
			mvc.perform(get("/process-admin"))
				.andExpect(status().isFound())
				.andExpect(header().string("Location", "/process-admin/"));
			for (String path : new String[] { "/process-admin/", "/process-admin/overview", "/process-admin/registries",
					"/process-admin/processes", "/process-admin/supervision", "/process-admin/groups",
					"/process-admin/events", "/process-admin/metrics", "/process-admin/audit" }) {
				mvc.perform(get(path).queryParam("pid", "local.1"))
					.andExpect(status().isOk())
					.andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
					.andExpect(content().string(matchesPattern(
							"(?s).*<script src=\"assets/[0-9a-f]{12}/admin.js\" type=\"module\">.*")))
					.andExpect(content().string(matchesPattern("(?s).*<link rel=\"icon\" href=\"assets/[0-9a-f]{12}/favicon.svg\".*")));
			}
			mvc.perform(get("/process-admin/nothing")).andExpect(status().isNotFound());
			mvc.perform(get("/process-admin/processes/")).andExpect(status().isNotFound());
		});
	}

	@Test
	void servesItsOwnAssetsAndNothingElse() {
		run((mvc) -> {
			mvc.perform(get("/process-admin/assets/admin.js"))
				.andExpect(status().isOk())
				.andExpect(content().contentTypeCompatibleWith("text/javascript"))
				.andExpect(content().string(containsString("import overview from './views/overview.js'")));
			mvc.perform(get("/process-admin/assets/views/processes.js"))
				.andExpect(status().isOk())
				.andExpect(content().string(containsString("get('processes'")));
			mvc.perform(get("/process-admin/assets/admin.css"))
				.andExpect(status().isOk())
				.andExpect(content().contentTypeCompatibleWith("text/css"));
			mvc.perform(get("/process-admin/assets/favicon.svg"))
				.andExpect(status().isOk())
				.andExpect(content().contentTypeCompatibleWith("image/svg+xml"));
			mvc.perform(get("/process-admin/assets/ProcessAdminController.class")).andExpect(status().isNotFound());
			mvc.perform(get("/process-admin/assets/..%2Findex.html")).andExpect(status().isNotFound());
			mvc.perform(get("/process-admin/assets/views/../index.html")).andExpect(status().isNotFound());
			mvc.perform(get("/process-admin/assets/index.html")).andExpect(status().isNotFound());
			mvc.perform(get("/process-admin/assets/login.html")).andExpect(status().isNotFound());
			mvc.perform(get("/process-admin/assets/missing.js")).andExpect(status().isNotFound());
		});
	}

	@Test
	void assetsUnderTheFingerprintThePageNamesAreCachedForGood() {
		run((mvc) -> {
			String page = mvc.perform(get("/process-admin/processes")).andReturn().getResponse().getContentAsString();
			Matcher named = Pattern.compile("src=\"assets/([0-9a-f]{12})/admin.js\"").matcher(page);
			assertThat(named.find()).as(page).isTrue();
			String fingerprint = named.group(1);
			assertThat(page).doesNotContain("\"assets/admin", "\"assets/uplot").contains("assets/" + fingerprint + "/uplot/");
			for (String asset : new String[] { "admin.js", "views/processes.js", "admin.css", "favicon.svg",
					"uplot/uPlot.iife.min.js" }) {
				mvc.perform(get("/process-admin/assets/" + fingerprint + "/" + asset))
					.andExpect(status().isOk())
					.andExpect(header().string("Cache-Control", "max-age=31536000, public, immutable"));
				// without it, or under another one (a page of another version), served but revalidated
				mvc.perform(get("/process-admin/assets/" + asset))
					.andExpect(status().isOk())
					.andExpect(header().string("Cache-Control", "no-cache"));
				mvc.perform(get("/process-admin/assets/0123456789ab/" + asset))
					.andExpect(status().isOk())
					.andExpect(header().string("Cache-Control", "no-cache"));
			}
			mvc.perform(get("/process-admin/assets/" + fingerprint + "/index.html")).andExpect(status().isNotFound());
			mvc.perform(get("/process-admin/assets/" + fingerprint + "/" + fingerprint + "/admin.js"))
				.andExpect(status().isNotFound());
			// the page itself is asked for afresh each time: a new version names new assets
			mvc.perform(get("/process-admin/overview")).andExpect(header().string("Cache-Control", "no-cache"));
		});
	}

	@Test
	void theFingerprintChangesWithAnyAssetsNameOrContent() {
		SortedMap<String, byte[]> assets = new TreeMap<>(Map.of("admin.js", bytes("let a = 1;"), "views/x.js",
				bytes("export default {};"), "uplot", bytes("1.6.30")));
		String fingerprint = ProcessAdminPage.fingerprint(assets);
		assertThat(fingerprint).matches("[0-9a-f]{12}").isEqualTo(ProcessAdminPage.fingerprint(new TreeMap<>(assets)));
		SortedMap<String, byte[]> edited = new TreeMap<>(assets);
		edited.put("views/x.js", bytes("export default { a: 1 };"));
		SortedMap<String, byte[]> renamed = new TreeMap<>(assets);
		renamed.put("views/y.js", renamed.remove("views/x.js"));
		SortedMap<String, byte[]> upgraded = new TreeMap<>(assets);
		upgraded.put("uplot", bytes("1.6.31"));
		assertThat(List.of(ProcessAdminPage.fingerprint(edited), ProcessAdminPage.fingerprint(renamed),
				ProcessAdminPage.fingerprint(upgraded)))
			.doesNotHaveDuplicates()
			.doesNotContain(fingerprint);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void servesUplotFromItsWebJar() {
		run((mvc) -> {
			mvc.perform(get("/process-admin/assets/uplot/uPlot.iife.min.js"))
				.andExpect(status().isOk())
				.andExpect(content().contentTypeCompatibleWith("text/javascript"))
				.andExpect(content().string(containsString("uPlot")));
			mvc.perform(get("/process-admin/assets/uplot/uPlot.min.css"))
				.andExpect(status().isOk())
				.andExpect(content().contentTypeCompatibleWith("text/css"))
				.andExpect(content().string(containsString(".uplot")));
			mvc.perform(get("/process-admin/assets/uplot/uPlot.d.ts")).andExpect(status().isNotFound());
			mvc.perform(get("/process-admin/assets/uplot/../../LICENSE")).andExpect(status().isNotFound());
		});
	}

	@Test
	void loginPageCarriesTheRequestsCsrfTokenEscapedAndPostsToItself() {
		run((mvc) -> mvc
			.perform(get("/process-admin/login").requestAttr(CsrfToken.class.getName(),
					new DefaultCsrfToken("X-CSRF-TOKEN", "_csrf", "t0k\"en<")))
			.andExpect(status().isOk())
			.andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
			.andExpect(header().string("Cache-Control", containsString("no-store")))
			.andExpect(content().string(containsString("action=\"/process-admin/login\"")))
			.andExpect(content().string(containsString("<input type=\"hidden\" name=\"_csrf\" value=\"t0k&quot;en&lt;\">")))
			.andExpect(content().string(containsString("<input id=\"username\" name=\"username\"")))
			.andExpect(content().string(containsString("<input id=\"password\" name=\"password\"")))
			.andExpect(content().string(not(containsString("{{")))));
	}

	@Test
	void loginPageWithoutCsrfProtectionHasNoTokenField() {
		run((mvc) -> mvc.perform(get("/process-admin/login"))
			.andExpect(status().isOk())
			.andExpect(content().string(not(containsString("type=\"hidden\""))))
			.andExpect(content().string(not(containsString("{{")))));
	}

	@Test
	void noLoginPageWithoutSpringSecurity() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.security.web"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
				mvc.perform(get("/process-admin/login")).andExpect(status().isNotFound());
				mvc.perform(get("/process-admin/")).andExpect(status().isOk());
			});
	}

	private void run(MvcConsumer consumer) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			consumer.accept(MockMvcBuilders.webAppContextSetup(context).build());
		});
	}

	@FunctionalInterface
	interface MvcConsumer {

		void accept(MockMvc mvc) throws Exception;

	}

}
