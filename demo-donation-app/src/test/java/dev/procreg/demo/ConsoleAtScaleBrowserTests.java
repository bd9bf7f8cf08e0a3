package dev.procreg.demo;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.procreg.boot.worker.ProcessTemplate;
import dev.procreg.boot.worker.RegisteredProcess;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.supervisor.Restart;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console at scale, in a real browser: the demo application with 100,000 keyed
 * workers (100,000 processes, each the owner of one key of a unique registry, started through
 * {@link ProcessTemplate} like any worker), and headless Chromium signed in as the admin. Every
 * view is opened from its tab and by a deep link (the process table also paged, sorted and
 * searched at a large offset, and a process drawer opened from it), and each must show what the
 * server has at that size: the counts, the keys and processes of the page asked for.
 *
 * <p>It times each render on the browser's own clock: from the click (or, for a deep link, the
 * start of the navigation) until the view's data is in the DOM and the next frame is drawn; and
 * the page's timed refreshes, each from its first API request until its data is drawn. It asserts
 * what is shown, never how long it took: the figures go to
 * {@code target/console-browser-scale.txt} for a person to read ({@code -Dprocreg.console.scale=N}
 * sets the number of workers; the README's "Admin page" section has a run's figures).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "logging.level.dev.procreg=WARN", "process-registry.admin.refresh-interval=500ms" })
@ContextConfiguration(initializers = TempDatabase.class)
@Import(ConsoleAtScaleBrowserTests.ScaleWorkers.class)
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleAtScaleBrowserTests {

	private static final int WORKERS = Integer.getInteger("procreg.console.scale", 100_000);

	/** Timed refreshes measured per view (their median is reported). */
	private static final int REFRESHES = 3;

	private static final Path TARGET = Path.of(System.getProperty("procreg.test.build-directory", "target"));

	private static final Duration WAIT = Duration.ofSeconds(60);

	private final List<String> figures = new ArrayList<>();

	private @Nullable Chromium chromium;

	private long startMillis;

	@LocalServerPort
	int port;

	@Autowired
	ProcessTemplate template;

	@Autowired
	ProcessRuntime runtime;

	@BeforeAll
	void startWorkersAndChromium() throws Exception {
		long start = System.nanoTime();
		startWorkers();
		this.startMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
		this.chromium = Chromium.start();
		String probe;
		try (InputStream in = ConsoleAtScaleBrowserTests.class.getResourceAsStream("console-probe.js")) {
			assertThat(in).as("console-probe.js next to this class").isNotNull();
			probe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		browser().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", probe));
	}

	@AfterAll
	void stopChromium() {
		if (this.chromium != null) {
			this.chromium.close();
			this.chromium = null;
		}
	}

	@Test
	void everyViewShowsAHundredThousandKeyedProcesses() throws IOException {
		assertThat(this.runtime.processCount()).isGreaterThanOrEqualTo(WORKERS);
		signIn();
		String total = "[1-9][0-9]{0,2}(,[0-9]{3})*";

		// registries: the workers' registry holds every key; a deep link pages into the middle
		String workerKeys = "^" + literal(String.format(Locale.ROOT, "%,d", WORKERS)) + "$";
		int middle = WORKERS / 2;
		View registries = new View("registries",
				clause(".card[data-registry=" + ScaleWorker.REGISTRY + "] .figure-value", workerKeys),
				atLeast("#keys tr[data-pid] a.pid", 1));
		View keysInTheMiddle = new View("registries, keys at offset " + middle,
				clause(".card[data-registry=" + ScaleWorker.REGISTRY + "] .figure-value", workerKeys),
				count("#keys tr[data-pid]", 20), atLeast("#keys tr[data-key=" + key(middle) + "] a.pid", 1),
				clause("#keys-info", "^" + String.format(Locale.ROOT, "%,d–%,d of %,d keys", middle + 1, middle + 20, WORKERS) + "$"));
		measureView(registries, "/process-admin/registries?registry=" + ScaleWorker.REGISTRY + "&offset=" + middle,
				keysInTheMiddle);
		assertThat(text("#keys tr[data-key=" + key(middle + 19) + "] .process-status")).isIn("running", "waiting");

		// processes: a page of all of them from its tab; deep links sorted, and searched, far in
		String everyProcess = "^1–50 of " + total + "( ·.*)?$";
		View processes = new View("processes", count("#processes tr[data-pid] td.pid-cell a.pid", 50),
				clause("#processes-info", everyProcess));
		int uptimeOffset = WORKERS / 2;
		View byUptime = new View("processes by uptime, offset " + uptimeOffset,
				count("#processes tr[data-pid] td.pid-cell a.pid", 50), clause("#processes-info",
						"^" + String.format(Locale.ROOT, "%,d–%,d", uptimeOffset + 1, uptimeOffset + 50) + " of " + total));
		measureView(processes, "/process-admin/processes?sort=uptime&dir=asc&offset=" + uptimeOffset, byUptime);
		assertThat(number(text("#processes-info").replaceFirst("^[0-9,]+–[0-9,]+ of ([0-9,]+).*$", "$1")))
			.isGreaterThanOrEqualTo(WORKERS);

		String prefix = "scale-04";
		int matching = matching(prefix);
		int searchOffset = matching / 2;
		View searched = new View("processes searched '" + prefix + "' by mailbox, offset " + searchOffset,
				count("#processes tr[data-pid] td.pid-cell a.pid", 50), clause("#processes-info",
						"^" + String.format(Locale.ROOT, "%,d–%,d of %,d", searchOffset + 1, searchOffset + 50, matching)
								+ "( ·.*)?$"));
		measureDeepLink(searched, "/process-admin/processes?sort=mailbox&dir=desc&q=" + prefix + "&offset=" + searchOffset);
		List<List<String>> rows = rows("#processes tr[data-pid]", "td.names");
		assertThat(rows).hasSize(50)
			.allSatisfy((row) -> assertThat(row.get(1)).contains(ScaleWorker.REGISTRY + ":" + prefix));
		String pid = rows.getFirst().get(0);
		String pidKey = rows.getFirst().get(1).replaceFirst("^.*?(" + prefix + "[0-9]+).*$", "$1");
		assertThat(pidKey).matches(prefix + "[0-9]{4}");
		View drawer = new View("process drawer", clause("#drawer-pid", "^" + literal(pid) + "$"),
				clause("#drawer-details dd.keys", literal(ScaleWorker.REGISTRY + ":" + pidKey)),
				clause("#drawer .figure .figure-value", "^(running|waiting)$"));
		measureClick(drawer, "#processes tr[data-pid='" + pid + "'] td.pid-cell a.pid");
		measureRefreshes(drawer);
		measureDeepLink(new View("process drawer", drawer.condition()), "/process-admin/processes?pid=" + bare(pid));
		screenshot("scale-drawer");

		// supervision: the workers' partition supervisors, each with its share of the workers
		View supervision = new View("supervision", atLeast("#supervision details[data-name]", 1),
				clause("#supervision", "(" + total + ") more"), atLeast("#supervision .budget", 1));
		measureView(supervision, "/process-admin/supervision", supervision);
		assertThat(childrenUnderSupervisors()).isGreaterThanOrEqualTo(WORKERS);

		// groups, events (the latest 500 kept of 100,000 registrations), metrics and health, audit
		View groups = new View("groups", atLeast("#groups tr[data-group=payment-workers] a.pid", 1));
		measureView(groups, "/process-admin/groups", groups);
		View events = new View("events", count("#events tr[data-type]", 500),
				atLeast("#events tr[data-type=registered]", 1), clause("#events-count", "^500 shown of 500 events kept"));
		measureView(events, "/process-admin/events", events);
		View metrics = new View("metrics", clause("#meters tr[data-meter='procreg.processes'] .value", "^" + total),
				atLeast("#health-view [data-component]", 1));
		measureView(metrics, "/process-admin/metrics", metrics);
		assertThat(number(text("#meters tr[data-meter='procreg.processes'] .value").replaceFirst("\\..*$", "")))
			.isGreaterThanOrEqualTo(WORKERS);
		View audit = new View("audit", atLeast("#audit tr", 1), clause("#audit", "no actions yet"));
		measureView(audit, "/process-admin/audit", audit);

		// overview, last (the sign-in lands on it): the counts at this size, the charts of the history, the top-level supervisors
		View overview = new View("overview",
				clause("[data-figure=processes] .figure-value", "^" + total + "$"),
				clause("[data-figure=keys] .figure-value", "^" + total + "$"),
				count(".chart-box[data-ready=true] canvas", 5),
				atLeast("#overview-supervisors tr[data-supervisor]", 1));
		measureView(overview, "/process-admin/overview", overview);
		assertThat(number(text("[data-figure=processes] .figure-value"))).isGreaterThanOrEqualTo(WORKERS);
		assertThat(number(text("[data-figure=keys] .figure-value"))).isGreaterThanOrEqualTo(WORKERS);

		assertThat(this.runtime.processCount()).as("no worker was lost meanwhile").isGreaterThanOrEqualTo(WORKERS);
		write();
	}

	// ---- measuring

	/** A view (or a drawer) and what the page shows when it has drawn its data. */
	record View(String name, List<Map<String, Object>> condition) {

		@SafeVarargs
		View(String name, Map<String, Object>... clauses) {
			this(name, List.of(clauses));
		}

	}

	/** Opens a view from its tab, measures its refreshes, then opens a deep link of it. */
	private void measureView(View tab, String deepLink, View linked) throws IOException {
		measureClick(tab, "#tabs a[data-view=" + tab.name() + "]");
		until(ExpectedConditions.urlMatches("/process-admin/" + tab.name() + "$"));
		measureRefreshes(tab);
		measureDeepLink(linked, deepLink);
		screenshot("scale-" + tab.name());
	}

	/** Clicks in the page and times it, from the click until the view's data is drawn. */
	private void measureClick(View view, String target) {
		// found and clicked in one step: the page re-renders what it shows on every refresh
		until((d) -> (Boolean) browser().executeScript("""
				const target = document.querySelector(arguments[1]);
				if (!target) {
					return false;
				}
				window.__probe.arm(arguments[0], performance.now());
				target.click();
				return true;
				""", view.condition(), target));
		record(view.name() + " (click)", awaitRender(view));
	}

	/** Opens an address in the browser and times it, from the navigation until the view's data is drawn. */
	private void measureDeepLink(View view, String address) {
		browser().executeScript("sessionStorage.setItem('console-probe', JSON.stringify(arguments[0]))", view.condition());
		browser().get("http://localhost:" + this.port + address);
		Map<String, Object> time = awaitRender(view);
		record(view.name() + " (deep link)", time);
		// the console's assets are named by their fingerprint: cached since the first page, never sent again
		assertThat(((Number) time.get("assetBytes")).longValue()).as(view.name() + ": bytes of assets sent again")
			.isZero();
	}

	private Map<String, Object> awaitRender(View view) {
		return until((d) -> measured("return window.__probe.measured()"), view);
	}

	/** Waits for {@value #REFRESHES} timed refreshes of the current view after its first render. */
	@SuppressWarnings("unchecked")
	private void measureRefreshes(View view) {
		List<Map<String, Object>> times = until((d) -> (List<Map<String, Object>>) browser()
			.executeScript("return window.__probe.refreshTimes(arguments[0])", REFRESHES), view);
		List<Map<String, Object>> sorted = new ArrayList<>(times);
		sorted.sort(Comparator.comparingDouble((time) -> millis(time, "painted")));
		assertThat(browser().findElements(By.cssSelector("#view-error:not([hidden])"))).as(view.name() + ": a refresh failed")
			.isEmpty();
		Map<String, Object> median = new LinkedHashMap<>(sorted.get(REFRESHES / 2));
		median.put("range", String.format(Locale.ROOT, "drawn %.0f–%.0f ms", millis(sorted.getFirst(), "painted"),
				millis(sorted.getLast(), "painted")));
		record(view.name() + " (refresh, median of " + REFRESHES + ")", median);
	}

	@SuppressWarnings("unchecked")
	private @Nullable Map<String, Object> measured(String script) {
		return (Map<String, Object>) browser().executeScript(script);
	}

	private void record(String what, Map<String, Object> time) {
		String line = String.format(Locale.ROOT, "%-62s %7.0f ms %7.0f ms %7.0f ms %3d %9d", what,
				millis(time, "painted"), millis(time, "dom"), millis(time, "api"), ((Number) time.get("requests")).intValue(),
				((Number) time.get("bytes")).longValue());
		if (time.containsKey("range")) {
			line += "   " + time.get("range");
		}
		if (time.containsKey("html")) {
			line += String.format(Locale.ROOT, " %7.0f ms %7.0f ms %3d %9d", millis(time, "html"), millis(time, "scripts"),
					((Number) time.get("assets")).intValue(), ((Number) time.get("assetBytes")).longValue());
		}
		this.figures.add(line);
	}

	private static double millis(Map<String, Object> time, String name) {
		return ((Number) time.get(name)).doubleValue();
	}

	private void write() throws IOException {
		StringBuilder text = new StringBuilder();
		text.append("Operator console at scale in headless Chromium (")
			.append(browser().getCapabilities().getBrowserVersion())
			.append("): the demo application with ")
			.append(WORKERS)
			.append(" keyed workers (processes), each with one key of a unique registry, started in ")
			.append(this.startMillis)
			.append(" ms; ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" cores, load average ")
			.append(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
			.append(" at the end\n")
			.append("On the browser's clock: a click or deep link from the click (from the start of the navigation)"
					+ " until the view's data is drawn;\na refresh from its first API request until its data is drawn."
					+ " drawn: the frame after it is in the DOM; api: from the first request\nto the last response;"
					+ " requests and bytes: the JSON the render (or refresh) fetched;\nfor a deep link also: html, the page's"
					+ " HTML received; scripts, the page's scripts run (DOMContentLoaded);\nassets and sent, the files other"
					+ " than JSON it loaded and the bytes that came over the network for them (0: from the cache).\n")
			.append(String.format(Locale.ROOT, "%-62s %10s %10s %10s %3s %9s %10s %10s %3s %9s%n", "view", "drawn",
					"in DOM", "api", "req", "bytes", "html", "scripts", "ast", "sent"));
		this.figures.forEach((line) -> text.append(line).append('\n'));
		Files.createDirectories(TARGET);
		Files.writeString(TARGET.resolve("console-browser-scale.txt"), text);
	}

	// ---- the application at scale

	private void startWorkers() throws Exception {
		int threads = 4;
		try (ExecutorService starters = Executors.newFixedThreadPool(threads)) {
			List<Future<Integer>> parts = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int from = t;
				parts.add(starters.submit(() -> {
					int started = 0;
					for (int i = from; i < WORKERS; i += threads) {
						this.template.startOrFind(ScaleWorker.class, key(i));
						started++;
					}
					return started;
				}));
			}
			int started = 0;
			for (Future<Integer> part : parts) {
				started += part.get();
			}
			assertThat(started).isEqualTo(WORKERS);
		}
	}

	private static String key(int i) {
		return String.format(Locale.ROOT, "scale-%06d", i);
	}

	/** How many workers' keys start with {@code prefix}. */
	private static int matching(String prefix) {
		int count = 0;
		for (int i = 0; i < WORKERS; i++) {
			if (key(i).startsWith(prefix)) {
				count++;
			}
		}
		return count;
	}

	/** The children the supervision view counts under its supervisors (shown, and "… and N more"). */
	private long childrenUnderSupervisors() {
		long more = 0;
		for (List<String> line : rows("#supervision li.more", "")) {
			more += number(line.get(1).replaceFirst("^.*and ([0-9,]+) more.*$", "$1"));
		}
		return rows("#supervision li.child").size() + more;
	}

	// ---- the browser

	private void signIn() {
		open("/process-admin/login");
		type(By.id("username"), "admin");
		type(By.id("password"), "admin");
		until(ExpectedConditions.elementToBeClickable(By.id("sign-in"))).click();
		until(ExpectedConditions.textToBePresentInElementLocated(By.id("user-name"), "admin"));
	}

	private void open(String path) {
		browser().get("http://localhost:" + this.port + path);
	}

	private void type(By input, String text) {
		WebElement field = until(ExpectedConditions.visibilityOfElementLocated(input));
		field.clear();
		field.sendKeys(text);
	}

	private static Map<String, Object> clause(String css, String text) {
		return Map.of("css", css, "text", text);
	}

	private static Map<String, Object> count(String css, int count) {
		return Map.of("css", css, "count", count);
	}

	private static Map<String, Object> atLeast(String css, int min) {
		return Map.of("css", css, "min", min);
	}

	private static long number(String text) {
		return Long.parseLong(text.trim().replace(",", ""));
	}

	/** A regular expression (the browser's) matching exactly {@code text}. */
	private static String literal(String text) {
		return text.replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\$0");
	}

	private static String bare(String pid) {
		return pid.replaceAll("[<>]", "");
	}

	/** The text of the first element {@code css} finds, read in one step (the page re-renders as it refreshes). */
	private String text(String css) {
		return until((d) -> (String) browser().executeScript(
				"const found = document.querySelector(arguments[0]); return found && found.textContent.trim();", css));
	}

	/**
	 * For each element {@code css} finds: its {@code data-pid}, then the text of each of its
	 * {@code cells} (an empty one: the element's own text).
	 */
	@SuppressWarnings("unchecked")
	private List<List<String>> rows(String css, String... cells) {
		return (List<List<String>>) browser().executeScript("""
				return [...document.querySelectorAll(arguments[0])].map((row) => [row.dataset.pid,
					...arguments[1].map((cell) => (cell ? row.querySelector(cell) : row).textContent.trim())]);
				""", css, List.of(cells));
	}

	private <T> T until(Function<? super WebDriver, T> condition) {
		return until(condition, null);
	}

	private <T> T until(Function<? super WebDriver, T> condition, @Nullable View view) {
		WebDriverWait wait = new WebDriverWait(browser(), WAIT);
		wait.ignoring(StaleElementReferenceException.class);
		wait.ignoring(NoSuchElementException.class);
		try {
			return wait.until(condition);
		}
		catch (TimeoutException ex) {
			try {
				screenshot("scale-failed-" + System.currentTimeMillis());
			}
			catch (IOException | RuntimeException failed) {
				ex.addSuppressed(failed);
			}
			throw new AssertionError("waited in vain on " + browser().getCurrentUrl()
					+ ((view != null) ? " for " + view.name() + " to show " + view.condition() : "")
					+ "; the page shows: " + browser().executeScript("return document.body.innerText"), ex);
		}
	}

	private void screenshot(String name) throws IOException {
		chromium().screenshot(TARGET.resolve("screenshots"), name);
	}

	private ChromeDriver browser() {
		return chromium().driver();
	}

	private Chromium chromium() {
		Chromium current = this.chromium;
		if (current == null) {
			throw new IllegalStateException("Chromium did not start");
		}
		return current;
	}

	@TestConfiguration(proxyBeanMethods = false)
	@Import(ScaleWorker.class)
	static class ScaleWorkers {

	}

	/** A keyed worker that only holds its key: the console is what is measured here. */
	@RegisteredProcess(registry = ScaleWorker.REGISTRY, restart = Restart.PERMANENT)
	static class ScaleWorker extends GenServer<String> {

		static final String REGISTRY = "scale-sessions";

		@Override
		protected Init<String> init(@Nullable Object key) {
			return ok(String.valueOf(key));
		}

	}

}
