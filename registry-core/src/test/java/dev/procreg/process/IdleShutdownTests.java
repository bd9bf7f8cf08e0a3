package dev.procreg.process;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** Tests for a GenServer's idle shutdown ({@link GenServer.Options#idleShutdown()}). */
@ExtendWith(RuntimeExtension.class)
class IdleShutdownTests {

	private final ProcessRuntime runtime;

	private final List<String> events = new CopyOnWriteArrayList<>();

	IdleShutdownTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	private Pid start(Duration idle) {
		return GenServer.start(this.runtime, new Quiet(this.events), null,
				GenServer.Options.defaults().withName(Name.of("quiet")).withIdleShutdown(idle)).orThrow();
	}

	@Test
	void anIdleServerRunsTerminateWithShutdownAndExits() {
		// no look at the name before the shutdown: on a loaded machine 50 ms may already be over
		Pid pid = start(Duration.ofMillis(50));
		await().atMost(Await.LONG).until(() -> !this.runtime.isAlive(pid));
		assertThat(this.events).containsExactly("terminate:shutdown");
		assertThat(this.runtime.whereis("quiet")).isEmpty();
	}

	@Test
	void everyKindOfMessageKeepsTheServer() {
		Pid pid = start(Duration.ofSeconds(2));
		// a call, a cast and a plain send, each well inside the idle shutdown of the one before
		for (int i = 0; i < 3; i++) {
			this.runtime.call(pid, "ping");
			this.runtime.cast(pid, "note");
			this.runtime.send(pid, "info");
		}
		assertThat(this.runtime.isAlive(pid)).isTrue();
		await().atMost(Await.LONG).until(() -> !this.runtime.isAlive(pid));
		assertThat(this.events).endsWith("terminate:shutdown");
	}

	@Test
	void aCallbackTimeoutTakesThePlaceOfTheIdleShutdownUntilTheNextMessage() {
		Pid pid = start(Duration.ofSeconds(30));
		this.runtime.call(pid, "short-timeout");
		await().atMost(Await.LONG).until(() -> this.events.contains("info:TIMEOUT"));
		assertThat(this.runtime.isAlive(pid)).isTrue();
	}

	@Test
	void aNonPositiveIdleShutdownIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> GenServer.Options.defaults().withIdleShutdown(Duration.ZERO))
			.withMessageContaining("idleShutdown must be positive");
	}

	static final class Quiet extends GenServer<String> {

		private final List<String> events;

		Quiet(List<String> events) {
			this.events = events;
		}

		@Override
		protected Init<String> init(Object arg) {
			return ok("");
		}

		@Override
		protected Result<String> handleCall(Object request, From from, String state) {
			return "short-timeout".equals(request) ? reply("ok", state, Duration.ofMillis(20)) : reply("pong", state);
		}

		@Override
		protected Result<String> handleCast(Object request, String state) {
			return noReply(state);
		}

		@Override
		protected Result<String> handleInfo(Object message, String state) {
			this.events.add("info:" + message);
			return noReply(state);
		}

		@Override
		protected void terminate(ExitReason reason, String state) {
			this.events.add("terminate:" + reason);
		}

	}

}
