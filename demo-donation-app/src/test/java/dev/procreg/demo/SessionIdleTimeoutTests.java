package dev.procreg.demo;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.procreg.demo.session.DonorSessions;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session without requests for the configured idle timeout stops normally and is not
 * restarted; the next request starts a new one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "demo.sessions.idle-timeout=300ms", "logging.level.dev.procreg=WARN" })
@ContextConfiguration(initializers = TempDatabase.class)
class SessionIdleTimeoutTests {

	@Autowired
	DonorSessions sessions;

	@Autowired
	ProcessRuntime runtime;

	@Test
	void anIdleSessionStopsAndTheNextRequestStartsANewOne() {
		DonorSessions.SessionStart start = this.sessions.startOrFind("idle-donor");
		assertThat(start.started()).isTrue();
		Pid first = start.pid();

		await().atMost(Duration.ofSeconds(10)).until(() -> !this.runtime.isAlive(first));
		assertThat(this.sessions.whereis("idle-donor")).as("stopped normally, not restarted").isEmpty();

		DonorSessions.SessionStart again = this.sessions.startOrFind("idle-donor");
		assertThat(again.started()).isTrue();
		assertThat(again.pid()).isNotEqualTo(first);
	}

}
