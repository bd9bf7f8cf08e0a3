package dev.procreg.demo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium for the console's browser tests, driven by Selenium, with a profile of its
 * own that goes when it is closed.
 *
 * <p>Chromium and its driver are found through {@code -Dprocreg.test.chrome=<path>} or the
 * {@code CHROME_BIN} variable, and {@code -Dwebdriver.chrome.driver=<path>} or the
 * {@code CHROMEDRIVER} variable; otherwise on the {@code PATH} ({@code chromium},
 * {@code chromium-browser}, {@code google-chrome}; {@code chromedriver}). {@code .ci/run} installs
 * Debian's {@code chromium} and {@code chromium-driver} when they are missing. Without them a
 * browser test fails: it never skips.
 */
final class Chromium implements AutoCloseable {

	private final ChromeDriver driver;

	private final Path userDataDir;

	private Chromium(ChromeDriver driver, Path userDataDir) {
		this.driver = driver;
		this.userDataDir = userDataDir;
	}

	/** Starts headless Chromium with a 1400×1000 window, the browser's console log kept. */
	static Chromium start() throws IOException {
		Path chromium = executable("Chromium", "procreg.test.chrome", "CHROME_BIN",
				List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"));
		Path chromedriver = executable("chromedriver", "webdriver.chrome.driver", "CHROMEDRIVER",
				List.of("chromedriver"));
		Path userDataDir = Files.createTempDirectory("admin-chromium-");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--window-size=1400,1000", "--hide-scrollbars",
				"--user-data-dir=" + userDataDir.toAbsolutePath());
		LoggingPreferences logs = new LoggingPreferences();
		logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
		options.setCapability("goog:loggingPrefs", logs);
		// the driver named explicitly, so that Selenium Manager never looks for (or downloads) one
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(chromedriver.toFile())
			.usingAnyFreePort()
			.build();
		try {
			return new Chromium(new ChromeDriver(service, options), userDataDir);
		}
		catch (RuntimeException ex) {
			TempDatabase.delete(userDataDir);
			throw ex;
		}
	}

	ChromeDriver driver() {
		return this.driver;
	}

	/** Saves what the browser shows as {@code <name>.png} in {@code directory}, made if missing. */
	void screenshot(Path directory, String name) throws IOException {
		Files.createDirectories(directory);
		File shot = this.driver.getScreenshotAs(OutputType.FILE);
		Files.copy(shot.toPath(), directory.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			TempDatabase.delete(this.userDataDir);
		}
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

}
