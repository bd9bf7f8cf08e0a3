package dev.procreg.boot.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
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
 *
 * <p>The pages name their assets under a fingerprint of them all,
 * {@code /process-admin/assets/<fingerprint>/admin.js}, which may be cached for good: a page
 * loads without asking for its scripts again, and an upgrade changes the fingerprint. An asset
 * asked for without it, or under another fingerprint, is served too, but must be revalidated.
 */
@RestController
@RequestMapping(ProcessAdminController.PATH)
public class ProcessAdminPage {

	/** The login page: GET shows the form, POST is Spring Security's form login. */
	public static final String LOGIN = ProcessAdminController.PATH + "/login";

	/** The console's views, each served at {@code /process-admin/<view>}. */
	public static final List<String> VIEWS = List.of("overview", "registries", "processes", "supervision", "groups",
			"cluster", "events", "metrics", "audit");

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

	/** What a fingerprint looks like: the first segment of an asset's path that is one. */
	private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{12}");

	/** Where the pages name an asset: the fingerprint goes after {@code assets/}. */
	private static final Pattern ASSET_REFERENCE = Pattern.compile("((?:href|src)=\")assets/");

	/** How long an asset under the current fingerprint may be cached (its address changes with it). */
	private static final CacheControl FOR_GOOD = CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable();

	private final boolean springSecurity;

	private final @Nullable String uplotVersion = uplotVersion();

	private final String fingerprint = fingerprint(assets(this.uplotVersion));

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
	ResponseEntity<String> page() throws IOException {
		String html = fingerprinted(read(STATIC + "index.html"));
		return ResponseEntity.ok().contentType(HTML).cacheControl(CacheControl.noCache()).body(html);
	}

	@GetMapping("/{view:[a-z]+}")
	ResponseEntity<String> view(@PathVariable String view) throws IOException {
		return VIEWS.contains(view) ? page() : ResponseEntity.notFound().build();
	}

	@GetMapping("/assets/{*path}")
	ResponseEntity<Resource> asset(@PathVariable String path) {
		String name = path.startsWith("/") ? path.substring(1) : path;
		CacheControl cache = CacheControl.noCache();
		int slash = name.indexOf('/');
		if (slash > 0 && FINGERPRINT.matcher(name.substring(0, slash)).matches()) {
			// another fingerprint: a page of another version of the console; served, not kept
			cache = name.substring(0, slash).equals(this.fingerprint) ? FOR_GOOD : cache;
			name = name.substring(slash + 1);
		}
		if (name.startsWith("uplot/")) {
			String file = name.substring("uplot/".length());
			String extension = UPLOT_FILES.get(file);
			if (extension == null || this.uplotVersion == null) {
				return ResponseEntity.notFound().build();
			}
			return resource(UPLOT + this.uplotVersion + "/dist/" + file, TYPES.get(extension), cache);
		}
		if (!ASSET.matcher(name).matches()) {
			return ResponseEntity.notFound().build();
		}
		return resource(STATIC + name, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), cache);
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
		String html = fingerprinted(read(STATIC + "login.html"));
		String csrf = LoginCsrf.hiddenField(request);
		html = html.replace("{{action}}", HtmlUtils.htmlEscape(request.getContextPath() + LOGIN))
			.replace("{{csrf}}", (csrf != null) ? csrf : "");
		return ResponseEntity.ok().contentType(HTML).cacheControl(CacheControl.noStore()).body(html);
	}

	private static ResponseEntity<Resource> resource(String path, MediaType type, CacheControl cache) {
		Resource resource = new ClassPathResource(path, ProcessAdminPage.class.getClassLoader());
		if (!resource.exists()) {
			return ResponseEntity.notFound().build();
		}
		return ResponseEntity.ok().contentType(type).cacheControl(cache).body(resource);
	}

	private static String read(String path) throws IOException {
		return new ClassPathResource(path, ProcessAdminPage.class.getClassLoader()).getContentAsString(StandardCharsets.UTF_8);
	}

	/** A page whose asset references carry the fingerprint. */
	private String fingerprinted(String html) {
		return ASSET_REFERENCE.matcher(html).replaceAll("$1assets/" + this.fingerprint + "/");
	}

	/**
	 * A fingerprint of the console's assets: 12 hex digits of a SHA-256 over their names and
	 * contents, in the order of their names.
	 * @param assets the assets by name
	 * @return the fingerprint
	 */
	static String fingerprint(SortedMap<String, byte[]> assets) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			assets.forEach((name, content) -> {
				digest.update(name.getBytes(StandardCharsets.UTF_8));
				digest.update((byte) 0);
				digest.update(content);
				digest.update((byte) 0);
			});
			return HexFormat.of().formatHex(digest.digest(), 0, 6);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	/** The console's static files and the version of uPlot it serves, by name. */
	private static SortedMap<String, byte[]> assets(@Nullable String uplotVersion) {
		SortedMap<String, byte[]> assets = new TreeMap<>();
		try {
			for (Resource resource : new PathMatchingResourcePatternResolver(ProcessAdminPage.class.getClassLoader())
				.getResources("classpath*:" + STATIC + "**/*.*")) {
				String url = resource.getURL().toString();
				if (resource.isReadable()) {
					try (InputStream in = resource.getInputStream()) {
						assets.put(url.substring(url.lastIndexOf(STATIC) + STATIC.length()), in.readAllBytes());
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the console's assets", ex);
		}
		assets.put("uplot", String.valueOf(uplotVersion).getBytes(StandardCharsets.UTF_8));
		return assets;
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
