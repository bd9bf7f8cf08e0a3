package dev.procreg.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's clicks of the issue, on the real application in a child JVM: "Terminate" on the
 * rate limiter through the admin API until its top-level supervisor gives up. The application
 * then does what OTP does with an application whose top supervisor exits: it stops, with exit
 * status 1, after saying so once in the log, so that whatever runs it starts a fresh one.
 */
class GiveUpExitTests {

	private final Path directory = TempDatabase.createDirectory();

	@AfterEach
	void deleteDatabase() {
		TempDatabase.delete(this.directory);
	}

	@Test
	void theApplicationExitsWithStatus1WhenItsTopSupervisorGivesUp() throws Exception {
		Path log = this.directory.resolve("demo.log");
		try (DemoProcess demo = DemoProcess.start(TempDatabase.url(this.directory), log, List.of())) {
			AdminClient admin = new AdminClient(demo.port(), "admin", "admin");
			for (int i = 0; i < 30 && demo.process().isAlive(); i++) {
				Optional<String> limiter;
				try {
					limiter = admin.child("rate-limiter");
					if (limiter.isPresent()) {
						admin.terminate(limiter.get(), "kill", "rate-limiter");
						await().atMost(Duration.ofSeconds(5))
							.until(() -> !demo.process().isAlive() || !admin.child("rate-limiter").equals(limiter));
					}
				}
				catch (IllegalStateException ex) {
					// the application is going away
				}
			}
			assertThat(demo.process().waitFor(60, TimeUnit.SECONDS)).as("the application stopped").isTrue();
			assertThat(demo.process().exitValue()).as(() -> tail(log)).isEqualTo(1);
		}
		String output = Files.readString(log);
		assertThat(ContainmentTests.count(output, "Top-level supervisor 'donation-app'")).as(output).isEqualTo(1);
		assertThat(output).contains("exit status 1");
	}

	private static String tail(Path log) {
		try {
			String text = Files.readString(log);
			return text.substring(Math.max(0, text.length() - 6000));
		}
		catch (java.io.IOException ex) {
			return ex.toString();
		}
	}

}
