package dev.procreg.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.procreg.boot.worker.ProcessTemplate;
import dev.procreg.boot.worker.RegisteredProcess;
import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.supervisor.Restart;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console in a real browser: headless Chromium driven by Selenium, against the whole
 * demo application. The admin signs in on the console's own login page (a deep link survives it),
 * visits every view (each with its screenshot under {@code target/screenshots/}), follows deep
 * links through reload, back and forward, terminates a registered process after typing its name
 * (a refusal stays on screen, the audit lists both), watches a kill arrive in the live feed,
 * and uses the console at phone width without sideways scrolling.
 *
 * <p>Every wait is for a condition in the page; every lookup is made afresh on each try, since
 * the page re-renders on every refresh (no stale element is ever clicked or read).
 *
 * <p>{@link Chromium} says how Chromium and its driver are found; without them the test fails:
 * it never skips.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "logging.level.dev.procreg=WARN", "process-registry.admin.refresh-interval=500ms" })
@ContextConfiguration(initializers = TempDatabase.class)
@Import(AdminPageBrowserTests.PermanentWorkers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminPageBrowserTests {

	private static final Path SCREENSHOTS = Path.of(System.getProperty("procreg.test.build-directory", "target"),
			"screenshots");

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final List<String> VIEWS = List.of("overview", "registries", "processes", "supervision", "groups",
			"events", "metrics", "audit");

	private @Nullable Chromium chromium;

	@LocalServerPort
	int port;

	@Autowired
	ProcessTemplate template;

	@Autowired
	ProcessRuntime runtime;

	@BeforeAll
	void startChromium() throws IOException {
		this.chromium = Chromium.start();
		Files.createDirectories(SCREENSHOTS);
	}

	@AfterAll
	void stopChromium() {
		if (this.chromium != null) {
			this.chromium.close();
			this.chromium = null;
		}
	}

	@Test
	@Order(1)
	void theConsolesOwnLoginPageBringsTheAdminToTheDeepLinkAsked() throws IOException {
		// a deep link asks for a login first, on the console's own page
		open("/process-admin/processes?sort=mailbox&dir=desc");
		until(ExpectedConditions.urlContains("/process-admin/login"));
		until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#login-form input[name=_csrf]")));
		assertThat(browser().getTitle()).contains("procreg console");
		screenshot("login");

		// a wrong password is said on the page, which stays
		type(By.id("username"), "admin");
		type(By.id("password"), "wrong");
		click(By.id("sign-in"));
		until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-message"), "Wrong user name or password"));
		assertThat(browser().getCurrentUrl()).contains("/process-admin/login");

		// the right one lands on the view asked for, sorted as asked
		type(By.id("password"), "admin");
		click(By.id("sign-in"));
		until(ExpectedConditions.urlContains("/process-admin/processes?sort=mailbox&dir=desc"));
		until(ExpectedConditions.textToBePresentInElementLocated(By.id("user-name"), "admin"));
		until(ExpectedConditions.attributeContains(By.cssSelector("#tabs a[data-view=processes]"), "class", "active"));
		until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#processes-table th.sorted [data-sort=mailbox]")));
		assertNoScriptErrors();
	}

	@Test
	@Order(2)
	void everyViewRendersWhatTheServerHas() throws IOException {
		String donor = "browser-" + UUID.randomUUID().toString().substring(0, 8);
		Api.Response started = new Api(this.port).post("/api/donors/" + donor + "/session");
		assertThat(started.status()).as(started.toString()).isEqualTo(201);
		String sessionPid = started.text("pid");

		open("/process-admin/");
		for (String view : VIEWS) {
			click(By.cssSelector("#tabs a[data-view=" + view + "]"));
			until(ExpectedConditions.urlMatches("/process-admin/" + view + "$"));
			until(ExpectedConditions.attributeContains(By.cssSelector("#tabs a[data-view=" + view + "]"), "class",
					"active"));
			switch (view) {
				case "overview" -> {
					until((d) -> text(By.cssSelector("[data-figure=processes] .figure-value")).matches("[0-9,]+"));
					until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".chart-box[data-ready=true] canvas"), 5));
					until(ExpectedConditions.presenceOfElementLocated(
							By.cssSelector("#overview-supervisors tr[data-supervisor]")));
				}
				case "registries" -> {
					until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".card[data-registry=sessions]")));
					click(By.cssSelector(".card[data-registry=sessions] a"));
					until(ExpectedConditions.urlContains("registry=sessions"));
					until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#keys tr[data-key='" + donor + "']")));
					until((d) -> text(By.cssSelector("#keys tr[data-key='" + donor + "'] .metadata"))
						.contains("kind=donor-session"));
				}
				case "processes" -> until(ExpectedConditions
					.presenceOfElementLocated(By.cssSelector("#processes tr[data-pid] a.pid")));
				case "supervision" -> {
					until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#supervision details[data-name]")));
					until((d) -> text(By.cssSelector("#supervision .budget")).matches(".*\\d+ of \\d+ in \\d+ s.*"));
				}
				case "groups" -> until(ExpectedConditions
					.presenceOfElementLocated(By.cssSelector("#groups tr[data-group=payment-workers] a.pid")));
				case "events" -> until(ExpectedConditions.presenceOfElementLocated(
						By.cssSelector("#events tr[data-type=registered][data-pid='" + sessionPid + "']")));
				case "metrics" -> {
					until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#meters tr[data-meter='procreg.processes']")));
					until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#health-view [data-component]")));
				}
				case "audit" -> until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#audit tr")));
				default -> throw new IllegalStateException(view);
			}
			screenshot(view);
		}

		// a process's drawer, opened from the processes view by its pid, found by the search
		open("/process-admin/processes");
		type(By.id("process-search"), donor);
		until(ExpectedConditions.urlContains("q=" + donor));
		By row = By.cssSelector("#processes tr[data-pid='" + sessionPid + "']");
		until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#processes tr[data-pid]"), 1));
		click(By.cssSelector("#processes tr[data-pid='" + sessionPid + "'] a.pid"));
		until(ExpectedConditions.textToBePresentInElementLocated(By.id("drawer-pid"), sessionPid));
		until((d) -> text(By.cssSelector("#drawer-details dd.keys")).contains(donor));
		assertThat(text(row)).contains(donor);
		screenshot("process-drawer");
		assertNoScriptErrors();
	}

	@Test
	@Order(3)
	void deepLinksSurviveReloadBackAndForward() throws IOException {
		String key = "deep-" + UUID.randomUUID().toString().substring(0, 8);
		Pid worker = this.template.startOrFind(PermanentWorker.class, key);
		String link = "/process-admin/registries?registry=" + PermanentWorker.REGISTRY + "&prefix=" + key;
		open(link);
		By row = By.cssSelector("#keys tr[data-key='" + key + "']");
		until(ExpectedConditions.presenceOfElementLocated(row));
		until(ExpectedConditions.attributeToBe(By.id("key-search"), "value", key));

		browser().navigate().refresh();
		until(ExpectedConditions.presenceOfElementLocated(row));
		until(ExpectedConditions.attributeToBe(By.id("key-search"), "value", key));
		until(ExpectedConditions.attributeContains(By.cssSelector(".card.selected"), "data-registry",
				PermanentWorker.REGISTRY));

		// the drawer is part of the address: open it, go back and it closes, forward and it opens
		click(By.cssSelector("#keys tr[data-key='" + key + "'] a.pid"));
		until(ExpectedConditions.urlContains("pid=" + worker.toString().replaceAll("[<>]", "")));
		until(ExpectedConditions.textToBePresentInElementLocated(By.id("drawer-pid"), worker.toString()));
		click(By.cssSelector("#tabs a[data-view=supervision]"));
		until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#supervision details")));
		until(ExpectedConditions.invisibilityOfElementLocated(By.id("drawer")));

		browser().navigate().back();
		until(ExpectedConditions.urlContains("/process-admin/registries?"));
		until(ExpectedConditions.presenceOfElementLocated(row));
		until(ExpectedConditions.textToBePresentInElementLocated(By.id("drawer-pid"), worker.toString()));
		until(ExpectedConditions.visibilityOfElementLocated(By.id("drawer")));
		browser().navigate().back();
		until(ExpectedConditions.invisibilityOfElementLocated(By.id("drawer")));
		until(ExpectedConditions.attributeToBe(By.id("key-search"), "value", key));
		browser().navigate().forward();
		until(ExpectedConditions.visibilityOfElementLocated(By.id("drawer")));
		browser().navigate().forward();
		until(ExpectedConditions.urlMatches("/process-admin/supervision$"));
		until(ExpectedConditions.attributeContains(By.cssSelector("#tabs a[data-view=supervision]"), "class", "active"));
		until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#supervision details")));

		// a link to a process in another tab opens its drawer over the processes view
		open("/process-admin/processes?pid=" + worker.toString().replaceAll("[<>]", ""));
		until(ExpectedConditions.textToBePresentInElementLocated(By.id("drawer-pid"), worker.toString()));
		until((d) -> text(By.cssSelector("#drawer-details dd.keys")).contains(key));
		assertNoScriptErrors();
	}

	@Test
	@Order(4)
	void terminatingARegisteredProcessNeedsItsNameTypedAndIsAudited() throws IOException {
		String name = "browser-singleton-" + UUID.randomUUID().toString().substring(0, 6);
		Pid singleton = spawnRegistered(name);
		open("/process-admin/processes?q=" + name);
		By button = By.cssSelector("#processes tr[data-pid='" + singleton + "'] button.terminate");
		click(button);
		until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-input")));
		assertThat(text(By.cssSelector("#confirm .confirm-expected"))).isEqualTo(name);
		assertThat(browser().findElement(By.id("confirm-go")).isEnabled()).as("not before the name is typed").isFalse();
		type(By.id("confirm-input"), name.substring(0, 5));
		assertThat(browser().findElement(By.id("confirm-go")).isEnabled()).as("not with half the name").isFalse();
		screenshot("confirm");
		type(By.id("confirm-input"), name);
		until(ExpectedConditions.elementToBeClickable(By.id("confirm-go")));
		click(By.id("confirm-go"));
		By accepted = By.cssSelector("#outcomes .outcome[data-kind=ok]");
		until(ExpectedConditions.textToBePresentInElementLocated(accepted, "Terminated " + singleton));
		until((d) -> !this.runtime.isAlive(singleton));

		// a process gone while its confirmation was open: the 404 stays on screen until dismissed
		String other = "browser-gone-" + UUID.randomUUID().toString().substring(0, 6);
		Pid gone = spawnRegistered(other);
		open("/process-admin/processes?q=" + other);
		click(By.cssSelector("#processes tr[data-pid='" + gone + "'] button.terminate"));
		until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-input")));
		this.runtime.exit(gone, ExitReason.KILL);
		until((d) -> !this.runtime.isAlive(gone));
		type(By.id("confirm-input"), other);
		click(By.id("confirm-go"));
		By refused = By.cssSelector("#outcomes .outcome[data-kind=error]");
		until(ExpectedConditions.textToBePresentInElementLocated(refused, "404"));
		int refreshes = refreshes();
		until((d) -> refreshes() > refreshes + 2);
		assertThat(text(refused)).as("still there after refreshes").contains("404");
		screenshot("outcomes");
		click(By.cssSelector("#outcomes .outcome[data-kind=error] button.dismiss"));
		until(ExpectedConditions.numberOfElementsToBe(refused, 0));
		assertThat(browser().findElements(accepted)).as("only the one dismissed went").hasSize(1);

		// the audit lists both, with the user
		click(By.cssSelector("#tabs a[data-view=audit]"));
		By auditRow = By.cssSelector("#audit tr[data-target='" + singleton + "']");
		until(ExpectedConditions.presenceOfElementLocated(auditRow));
		until((d) -> text(auditRow).contains("admin") && text(auditRow).contains("accepted"));
		until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#audit tr[data-target='" + gone + "']")));
		screenshot("audit");
		assertNoScriptErrors();
	}

	@Test
	@Order(5)
	void theLiveFeedShowsAKill() throws IOException {
		open("/process-admin/events?type=exit");
		until(ExpectedConditions.attributeContains(By.id("feed"), "class", "open"));
		String name = "browser-victim-" + UUID.randomUUID().toString().substring(0, 6);
		Pid victim = spawnRegistered(name);
		this.runtime.exit(victim, ExitReason.KILL);
		By row = By.cssSelector("#events tr[data-type=exit][data-pid='" + victim + "']");
		until(ExpectedConditions.presenceOfElementLocated(row));
		until((d) -> text(row).contains("killed"));
		assertThat(browser().findElements(By.cssSelector("#events tr:not([data-type=exit])")))
			.as("filtered to exits").isEmpty();
		screenshot("events-kill");
		assertNoScriptErrors();
	}

	@Test
	@Order(6)
	void keysAndNamesAreShownAsTextNeverAsMarkup() {
		String key = "<img src=x onerror=\"window.__xss=1\">" + UUID.randomUUID().toString().substring(0, 4);
		this.template.startOrFind(PermanentWorker.class, key);
		open("/process-admin/registries?registry=" + PermanentWorker.REGISTRY);
		type(By.id("key-search"), "<img");
		until((d) -> text(By.id("keys")).contains(key));
		assertThat(browser().findElements(By.cssSelector("#keys img"))).isEmpty();
		assertThat(((JavascriptExecutor) browser()).executeScript("return window.__xss === undefined")).isEqualTo(true);
	}

	@Test
	@Order(7)
	void atPhoneWidthNoViewScrollsSideways() throws IOException {
		ChromeDriver chrome = browser();
		chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", 375, "height", 812, "deviceScaleFactor", 1, "mobile", true));
		try {
			for (String view : VIEWS) {
				open("/process-admin/" + view);
				until(ExpectedConditions.attributeContains(By.cssSelector("#tabs a[data-view=" + view + "]"), "class",
						"active"));
				int refreshes = refreshes();
				until((d) -> refreshes() > refreshes);
				assertThat(tooWide()).as(view + ": what sticks out at 375 px").isEmpty();
				screenshot("phone-" + view);
			}
			Pid pid = this.runtime.processes().getFirst();
			open("/process-admin/processes?pid=" + pid.toString().replaceAll("[<>]", ""));
			until(ExpectedConditions.textToBePresentInElementLocated(By.id("drawer-pid"), pid.toString()));
			assertThat(tooWide()).as("the drawer: what sticks out at 375 px").isEmpty();
			screenshot("phone-drawer");
		}
		finally {
			chrome.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
		}
	}

	@Test
	@Order(8)
	void theFaviconsAnswer() {
		open("/process-admin/");
		String icon = browser().findElement(By.cssSelector("link[rel=icon]")).getDomProperty("href");
		assertThat(icon).matches(".*/process-admin/assets/[0-9a-f]{12}/favicon.svg");
		Object status = ((JavascriptExecutor) browser()).executeAsyncScript(
				"const done = arguments[arguments.length - 1];"
						+ "Promise.all([fetch(arguments[0]), fetch('/favicon.svg')]).then((r) => done(r.map((x) => x.status)));",
				icon);
		assertThat(status).isEqualTo(List.of(200L, 200L));
	}

	// ---- helpers: every lookup is made afresh on each try; every wait is for a condition

	private Pid spawnRegistered(String name) {
		Pid pid = this.runtime.spawn((ctx) -> {
			while (true) {
				ctx.receive();
			}
		});
		this.runtime.register(name, pid);
		return pid;
	}

	private void open(String path) {
		browser().get("http://localhost:" + this.port + path);
	}

	private <T> T until(Function<? super WebDriver, T> condition) {
		WebDriverWait wait = new WebDriverWait(browser(), WAIT);
		wait.ignoring(StaleElementReferenceException.class);
		wait.ignoring(NoSuchElementException.class);
		try {
			return wait.until(condition);
		}
		catch (TimeoutException ex) {
			try {
				long now = System.currentTimeMillis();
				screenshot("failed-" + now);
				StringBuilder threads = new StringBuilder();
				for (java.lang.management.ThreadInfo info : java.lang.management.ManagementFactory.getThreadMXBean()
					.dumpAllThreads(true, true, 64)) {
					threads.append(info);
					for (StackTraceElement frame : info.getStackTrace()) {
						threads.append("\t").append(frame).append('\n');
					}
				}
				Files.writeString(SCREENSHOTS.resolve("failed-" + now + "-threads.txt"), threads);
				java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
					.dumpThreads(SCREENSHOTS.resolve("failed-" + now + "-all-threads.txt").toAbsolutePath().toString(),
							com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
			}
			catch (IOException | RuntimeException failed) {
				ex.addSuppressed(failed);
			}
			throw new AssertionError("waited in vain on " + browser().getCurrentUrl() + " after " + refreshes()
					+ " refreshes; the browser's console: "
					+ browserLog(java.util.logging.Level.INFO) + "; the page shows: "
					+ browser().executeScript("return document.body.innerText"), ex);
		}
	}

	/** The text of an element, read afresh: empty when it is not there. */
	private String text(By element) {
		for (int attempt = 0;; attempt++) {
			try {
				List<WebElement> found = browser().findElements(element);
				return found.isEmpty() ? "" : found.getFirst().getText().trim();
			}
			catch (StaleElementReferenceException ex) {
				if (attempt == 10) {
					throw ex;
				}
			}
		}
	}

	/** Clicks an element looked up afresh on each try, until a click lands. */
	private void click(By element) {
		until((d) -> {
			try {
				d.findElement(element).click();
				return true;
			}
			catch (StaleElementReferenceException | NoSuchElementException | ElementClickInterceptedException ex) {
				return false;
			}
		});
	}

	/** Types into an input (replacing its text), looked up afresh on each try. */
	private void type(By input, String text) {
		until((d) -> {
			try {
				WebElement field = d.findElement(input);
				field.clear();
				field.sendKeys(text);
				return true;
			}
			catch (StaleElementReferenceException | NoSuchElementException ex) {
				return false;
			}
		});
	}

	/**
	 * What makes the page wider than 375 px (a mobile viewport widens to fit it): the page's width
	 * when it is too wide, and the elements reaching beyond 375 px.
	 */
	@SuppressWarnings("unchecked")
	private List<String> tooWide() {
		return (List<String>) browser().executeScript("""
				const found = [];
				const width = document.documentElement.scrollWidth;
				if (width > 375 || window.innerWidth !== 375) {
					found.push('page ' + width + ' px wide, viewport ' + window.innerWidth);
				}
				for (const node of document.querySelectorAll('body *')) {
					const box = node.getBoundingClientRect();
					if (box.right > 376 && box.width > 0 && !node.closest('[hidden]')) {
						found.push(node.tagName.toLowerCase() + (node.id ? '#' + node.id : '')
							+ (node.className && typeof node.className === 'string' ? '.' + node.className.split(' ').join('.') : '')
							+ ' right=' + Math.round(box.right));
					}
				}
				return found.slice(0, 15);
				""");
	}

	/** How many refreshes the page has made: waiting for it to grow waits for fresh data. */
	private int refreshes() {
		Object count = browser().executeScript("return Number(document.body.dataset.refreshes || 0)");
		return ((Number) count).intValue();
	}

	/** Fails on an error the page's scripts raised (failed requests are the page's to show). */
	private void assertNoScriptErrors() {
		List<String> errors = browserLog(java.util.logging.Level.SEVERE).stream()
			.filter((message) -> !message.contains("Failed to load resource"))
			.toList();
		assertThat(errors).as("errors in the browser's console").isEmpty();
	}

	private List<String> browserLog(java.util.logging.Level level) {
		return browser().manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((entry) -> entry.getLevel().intValue() >= level.intValue())
			.map(LogEntry::getMessage)
			.toList();
	}

	private void screenshot(String name) throws IOException {
		chromium().screenshot(SCREENSHOTS, name);
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

	/** A permanent worker type of the test's own: the demo's donor sessions are transient. */
	@TestConfiguration(proxyBeanMethods = false)
	@Import(PermanentWorker.class)
	static class PermanentWorkers {

	}

	@RegisteredProcess(registry = PermanentWorker.REGISTRY, restart = Restart.PERMANENT,
			metadata = "kind=permanent-test-worker")
	static class PermanentWorker extends GenServer<String> {

		static final String REGISTRY = "permanent-test-workers";

		@Override
		protected Init<String> init(@Nullable Object key) {
			return ok(String.valueOf(key));
		}

	}

}
