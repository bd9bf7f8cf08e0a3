package dev.procreg.process;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Edges of running a server's code on another process's thread: a handler that outlasts the
 * caller's timeout while running inline, and a start whose starter is killed before init.
 */
class InlineCallAndStartEdgeTests {

	private final ProcessRuntime runtime = ProcessRuntime
		.start(ProcessRuntime.Options.defaults().withShutdownTimeout(Duration.ofMillis(300)));

	@AfterEach
	void close() {
		this.runtime.close();
	}

	/** Counts its calls; a "slow" call waits on a latch nobody opens, for longer than the caller's timeout. */
	static final class Slow extends GenServer<Integer> {

		private final CountDownLatch never = new CountDownLatch(1);

		@Override
		protected Init<Integer> init(@Nullable Object arg) {
			return ok(0);
		}

		@Override
		protected Result<Integer> handleCall(Object request, From from, Integer calls) throws Exception {
			if ("slow".equals(request)) {
				assertThat(this.never.await(300, TimeUnit.MILLISECONDS)).isFalse();
			}
			return reply(calls + 1, calls + 1);
		}

	}

	@Test
	void aHandlerRunningInlinePastTheTimeoutEndsTheCallWithATimeoutNotTheLateReply() {
		Pid pid = GenServer.start(this.runtime, new Slow(), null).orThrow();
		assertThatExceptionOfType(CallTimeoutException.class)
			.isThrownBy(() -> this.runtime.call(pid, "slow", Duration.ofMillis(20)));
		assertThat(this.runtime.<Integer>call(pid, "count")).as("the server did the timed-out work").isEqualTo(2);
	}

	@Test
	void aStartWhoseStarterIsAlreadyDeadLeavesNoServerBehind() throws Exception {
		CountDownLatch spinning = new CountDownLatch(1);
		CountDownLatch go = new CountDownLatch(1);
		CompletableFuture<Object> outcome = new CompletableFuture<>();
		Pid starter = this.runtime.spawn((ctx) -> {
			spinning.countDown();
			// code that runs on after a kill because it never blocks or checks the interrupt
			while (go.getCount() > 0) {
				Thread.onSpinWait();
			}
			try {
				outcome.complete(GenServer.start(this.runtime, new Slow(), null, Name.of("orphan")));
			}
			catch (Throwable ex) {
				outcome.complete(ex);
			}
		});
		spinning.await();
		this.runtime.exit(starter, ExitReason.KILL);
		go.countDown();
		assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(ProcessExitException.class);
		assertThat(this.runtime.whereis("orphan")).as("the name is free again").isEmpty();
		await().untilAsserted(() -> assertThat(this.runtime.processes()).isEmpty());
	}

}
