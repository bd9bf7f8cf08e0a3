package dev.procreg.boot.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The operator console's page at {@value ProcessAdminController#PATH}: one HTML shell served at
 * each view's address (so a deep link, a reload, back and forward land on the same view), its
 * JavaScript modules, style sheet and favicon, the chart library uPlot from its WebJar, and a login
 * page that applications with Spring Security point their form login at.
 *
 * <p>The login page, {@value #LOGIN}, posts the user name and password to its own address, which
 * is where Spring Security's form login processes them when the login page is set to it:
 *
 * <pre class="code">
 * http.formLogin((form) -&gt; form.loginPage(ProcessAdminPage.LOGIN).permitAll());
 * </pre>
 *
 * It carries the request's CSRF token as a hidden field, filled in when it is served (no template
 * engine). Its assets under {@code /process-admin/assets/} must be reachable without login.
 */
@RestController
@RequestMapping(ProcessAdminController.PATH)
public class ProcessAdminPage {

	/** The login page: GET shows the form, POST is Spring Security's form login. */
	public static final String LOGIN = ProcessAdminController.PATH + "/login";

	/** The console's views, each served at {@code /process-admin/<view>}. */
	public static final List<String> VIEWS = List.of("overview", "registries", "processes", "supervision", "groups",
			"events", "metrics", "audit");

	private static final String STATIC = "dev/procreg/boot/admin/static/";

	private static final String UPLOT = "META-INF/resources/webjars/uplot/";

	private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

	/** The console's own assets: a name, or a name in {@code views/}; nothing else is served. */
	private static final Pattern ASSET = Pattern.compile("(views/)?[a-z][a-z0-9-]*\\.(js|css|svg)");

	private static final Map<String, MediaType> TYPES = Map.of("js",
			MediaType.parseMediaType("text/javascript;charset=UTF-8"), "css",
			MediaType.parseMediaType("text/css;charset=UTF-8"), "svg", MediaType.parseMediaType("image/svg+xml"));

	/** The files of uPlot's WebJar the page loads. */
	private static final Map<String, String> UPLOT_FILES = Map.of("uPlot.iife.min.js", "js", "uPlot.min.css", "css");

	private static final MediaType HTML = MediaType.parseMediaType("text/html;charset=UTF-8");

	private final boolean springSecurity;

	private final @Nullable String uplotVersion = uplotVersion();

	/**
	 * @param springSecurity whether Spring Security's web support is on the classpath: without
	 * it there is no login page
	 */
	public ProcessAdminPage(boolean springSecurity) {
		this.springSecurity = springSecurity;
	}

	@GetMapping
	ResponseEntity<Void> redirectToPage(HttpServletRequest request) {
		return ResponseEntity.status(HttpStatus.FOUND)
			.header(HttpHeaders.LOCATION, request.getContextPath() + ProcessAdminController.PATH + "/")
			.build();
	}

	@GetMapping("/")
	ResponseEntity<Resource> page() {
		return resource(STATIC + "index.html", HTML);
	}

	@GetMapping("/{view:[a-z]+}")
	ResponseEntity<Resource> view(@PathVariable String view) {
		return VIEWS.contains(view) ? page() : ResponseEntity.notFound().build();
	}

	@GetMapping("/assets/{*path}")
	ResponseEntity<Resource> asset(@PathVariable String path) {
		String name = path.startsWith("/") ? path.substring(1) : path;
		if (name.startsWith("uplot/")) {
			String file = name.substring("uplot/".length());
			String extension = UPLOT_FILES.get(file);
			if (extension == null || this.uplotVersion == null) {
				return ResponseEntity.notFound().build();
			}
			return resource(UPLOT + this.uplotVersion + "/dist/" + file, TYPES.get(extension));
		}
		if (!ASSET.matcher(name).matches()) {
			return ResponseEntity.notFound().build();
		}
		return resource(STATIC + name, TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
	}

	/**
	 * The login page, with the request's CSRF token and the address the form posts to.
	 * @param request the request
	 * @return the page, or 404 without Spring Security on the classpath
	 * @throws IOException when the page cannot be read from the jar
	 */
	@GetMapping("/login")
	ResponseEntity<String> login(HttpServletRequest request) throws IOException {
		if (!this.springSecurity) {
			return ResponseEntity.notFound().build();
		}
		String html = new ClassPathResource(STATIC + "login.html", ProcessAdminPage.class.getClassLoader())
			.getContentAsString(StandardCharsets.UTF_8);
		String csrf = LoginCsrf.hiddenField(request);
		html = html.replace("{{action}}", HtmlUtils.htmlEscape(request.getContextPath() + LOGIN))
			.replace("{{csrf}}", (csrf != null) ? csrf : "");
		return ResponseEntity.ok().contentType(HTML).cacheControl(CacheControl.noStore()).body(html);
	}

	private static ResponseEntity<Resource> resource(String path, MediaType type) {
		Resource resource = new ClassPathResource(path, ProcessAdminPage.class.getClassLoader());
		if (!resource.exists()) {
			return ResponseEntity.notFound().build();
		}
		return ResponseEntity.ok().contentType(type).cacheControl(CacheControl.noCache()).body(resource);
	}

	/** @return the version of uPlot's WebJar on the classpath, or {@code null} when there is none */
	private static @Nullable String uplotVersion() {
		ClassPathResource pom = new ClassPathResource(UPLOT_POM, ProcessAdminPage.class.getClassLoader());
		if (!pom.exists()) {
			return null;
		}
		try (InputStream in = pom.getInputStream()) {
			Properties properties = new Properties();
			properties.load(in);
			return properties.getProperty("version");
		}
		catch (IOException ex) {
			return null;
		}
	}

	/** Touches Spring Security's classes only when they are on the classpath. */
	private static final class LoginCsrf {

		/**
		 * @return the hidden field with the request's CSRF token, or {@code null} when the request
		 * has none
		 */
		static @Nullable String hiddenField(HttpServletRequest request) {
			if (request.getAttribute(org.springframework.security.web.csrf.CsrfToken.class
				.getName()) instanceof org.springframework.security.web.csrf.CsrfToken token) {
				return "<input type=\"hidden\" name=\"" + HtmlUtils.htmlEscape(token.getParameterName()) + "\" value=\""
						+ HtmlUtils.htmlEscape(token.getToken()) + "\">";
			}
			return null;
		}

	}

}
