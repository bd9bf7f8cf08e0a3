package dev.procreg.demo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.procreg.boot.worker.ProcessTemplate;
import dev.procreg.boot.worker.RegisteredProcess;
import dev.procreg.demo.session.DonorSessions;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.supervisor.Restart;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The process admin page in a real browser: headless Chromium driven by Selenium. The admin logs in
 * through the form, watches a donor session started through the API appear with its metadata,
 * terminates it from the page and sees it go; a permanent worker terminated the same way comes
 * back with a new pid and a restart count of 1.
 *
 * <p>Chromium and its driver are found through {@code -Dprocreg.test.chrome=<path>} or the
 * {@code CHROME_BIN} variable, and {@code -Dwebdriver.chrome.driver=<path>} or the
 * {@code CHROMEDRIVER} variable; otherwise on the {@code PATH} ({@code chromium},
 * {@code chromium-browser}, {@code google-chrome}; {@code chromedriver}). {@code .ci/run} installs
 * Debian's {@code chromium} and {@code chromium-driver} when they are missing. Without them the
 * test fails: it never skips. Its last screenshot is {@code target/admin-page.png}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "logging.level.dev.procreg=WARN", "process-registry.admin.refresh-interval=500ms" })
@ContextConfiguration(initializers = TempDatabase.class)
@Import(AdminPageBrowserTests.PermanentWorkers.class)
class AdminPageBrowserTests {

	private static final Path SCREENSHOT = Path
		.of(System.getProperty("procreg.test.build-directory", "target"), "admin-page.png");

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static @Nullable WebDriver driver;

	private static @Nullable Path userDataDir;

	@LocalServerPort
	int port;

	@Autowired
	ProcessTemplate template;

	@Autowired
	DonorSessions sessions;

	@BeforeAll
	static void startChromium() throws IOException {
		Path chromium = executable("Chromium", "procreg.test.chrome", "CHROME_BIN",
				List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"));
		Path chromedriver = executable("chromedriver", "webdriver.chrome.driver", "CHROMEDRIVER",
				List.of("chromedriver"));
		userDataDir = Files.createTempDirectory("admin-chromium-");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--window-size=1400,1100", "--user-data-dir=" + userDataDir.toAbsolutePath());
		// the driver named explicitly, so that Selenium Manager never looks for (or downloads) one
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(chromedriver.toFile())
			.usingAnyFreePort()
			.build();
		driver = new ChromeDriver(service, options);
	}

	/**
	 * Finds an executable: named by a system property, else by an environment variable, else the
	 * first of {@code names} on the {@code PATH}.
	 */
	private static Path executable(String what, String property, String variable, List<String> names) {
		String named = System.getProperty(property);
		if (named == null || named.isBlank()) {
			named = System.getenv(variable);
		}
		if (named != null && !named.isBlank()) {
			Path path = Path.of(named);
			if (!Files.isExecutable(path)) {
				throw new IllegalStateException(what + " at " + path + " (from " + property + " or " + variable
						+ ") is not an executable file");
			}
			return path;
		}
		String searchPath = System.getenv("PATH");
		for (String dir : (searchPath != null) ? searchPath.split(File.pathSeparator) : new String[0]) {
			for (String name : names) {
				Path candidate = Path.of(dir, name);
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		throw new IllegalStateException(what + " not found: the admin page is tested in a real browser. Put one of "
				+ names + " on the PATH, or name it with -D" + property + "=<path> or " + variable
				+ "=<path> (on Debian: apt-get install -y chromium chromium-driver, as .ci/run does)");
	}

	@AfterAll
	static void stopChromium() {
		if (driver != null) {
			driver.quit();
			driver = null;
		}
		if (userDataDir != null) {
			TempDatabase.delete(userDataDir);
		}
	}

	@Test
	void theAdminWatchesSessionsAndTerminatesThemFromThePage() throws IOException {
		WebDriver browser = browser();
		WebDriverWait wait = new WebDriverWait(browser, WAIT);
		wait.ignoring(StaleElementReferenceException.class); // the page re-renders on every refresh

		// the page asks for a login first; the form brings the admin back to it
		browser.get(url("/process-admin"));
		wait.until(ExpectedConditions.urlContains("/login"));
		browser.findElement(By.id("username")).sendKeys("admin");
		browser.findElement(By.id("password")).sendKeys("admin");
		browser.findElement(By.cssSelector("button[type=submit]")).click();
		wait.until(ExpectedConditions.urlContains("/process-admin/"));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "signed in as admin"));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "actions allowed"));

		// a donor session started through the API appears with its metadata
		String donor = "browser-" + UUID.randomUUID().toString().substring(0, 8);
		Api.Response started = new Api(this.port).post("/api/donors/" + donor + "/session");
		assertThat(started.status()).as(started.toString()).isEqualTo(201);
		String sessionPid = started.text("pid");
		show(wait, "sessions", donor);
		By sessionRow = row(donor);
		wait.until(ExpectedConditions.presenceOfElementLocated(sessionRow));
		wait.until((d) -> text(d, sessionRow, ".pid").equals(sessionPid));
		wait.until((d) -> text(d, sessionRow, ".metadata").contains("kind=donor-session"));

		// terminated from the page, the (transient) session is gone and stays gone
		terminate(wait, sessionRow);
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "terminated " + sessionPid));
		wait.until(ExpectedConditions.numberOfElementsToBe(sessionRow, 0));
		assertThat(this.sessions.whereis(donor)).isEmpty();

		// a permanent worker terminated from the page comes back with a new pid, restarted once
		String key = "permanent-" + UUID.randomUUID().toString().substring(0, 8);
		Pid first = this.template.startOrFind(PermanentWorker.class, key);
		show(wait, PermanentWorker.REGISTRY, key);
		By workerRow = row(key);
		wait.until((d) -> text(d, workerRow, ".pid").equals(first.toString()));
		wait.until((d) -> text(d, workerRow, ".metadata").contains("kind=permanent-test-worker"));
		assertThat(text(browser, workerRow, ".restarts")).isEqualTo("0");
		terminate(wait, workerRow);
		wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-pid='" + first + "']"), 0));
		wait.until((d) -> !List.of("", first.toString()).contains(text(d, workerRow, ".pid")));
		wait.until((d) -> text(d, workerRow, ".restarts").equals("1"));
		String second = text(browser, workerRow, ".pid");
		assertThat(this.template.whereis(PermanentWorker.class, key)).map(Pid::toString).contains(second);

		// its process view and the supervision tree tell the same
		click(wait, (d) -> d.findElement(workerRow).findElement(By.cssSelector("a.pid")));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("process-pid"), second));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#process dd.restarts"), "1"));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#process dd.names"), key));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(
				By.cssSelector("#supervision li[data-child-pid='" + second + "']"), "1 restarts"));

		screenshot(browser);
	}

	/** Shows a registry's keys that start with {@code prefix}, as a user does: select and type. */
	private static void show(WebDriverWait wait, String registry, String prefix) {
		wait.until(ExpectedConditions.presenceOfElementLocated(
				By.cssSelector("#registry-select option[value='" + registry + "']")));
		wait.until((d) -> {
			try {
				new Select(d.findElement(By.id("registry-select"))).selectByValue(registry);
				return true;
			}
			catch (StaleElementReferenceException ex) {
				return false; // re-rendered meanwhile
			}
		});
		wait.until((d) -> {
			try {
				WebElement search = d.findElement(By.id("key-search"));
				search.clear();
				search.sendKeys(prefix);
				return true;
			}
			catch (StaleElementReferenceException ex) {
				return false; // re-rendered meanwhile: type again into the new one
			}
		});
		wait.until(ExpectedConditions.attributeContains(By.cssSelector(".card.selected"), "data-registry", registry));
	}

	private static By row(String key) {
		return By.cssSelector("#keys tr[data-key='" + key + "']");
	}

	/** The text of a cell of a row, read afresh: the page re-renders every refresh. */
	private static String text(WebDriver browser, By row, String cell) {
		for (int attempt = 0;; attempt++) {
			try {
				List<WebElement> rows = browser.findElements(row);
				return rows.isEmpty() ? "" : rows.getFirst().findElement(By.cssSelector(cell)).getText().trim();
			}
			catch (StaleElementReferenceException ex) {
				if (attempt == 5) {
					throw ex;
				}
			}
		}
	}

	private static void terminate(WebDriverWait wait, By row) {
		click(wait, (d) -> d.findElement(row).findElement(By.cssSelector("button.terminate")));
		wait.until(ExpectedConditions.alertIsPresent()).accept();
	}

	/**
	 * Clicks an element looked up afresh on each try: the page re-renders on every refresh, so an
	 * element found a moment ago may be gone by the click; then it is found again and clicked.
	 */
	private static void click(WebDriverWait wait, Function<WebDriver, WebElement> element) {
		wait.until((d) -> {
			try {
				element.apply(d).click();
				return true;
			}
			catch (StaleElementReferenceException | NoSuchElementException ex) {
				return false;
			}
		});
	}

	private static void screenshot(WebDriver browser) throws IOException {
		File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
		Files.createDirectories(SCREENSHOT.getParent());
		Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

	private static WebDriver browser() {
		WebDriver current = driver;
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
