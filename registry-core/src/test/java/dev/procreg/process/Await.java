package dev.procreg.process;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Small waiting helpers for the process tests: bounded waits that fail instead of hanging. */
final class Await {

	static final Duration LONG = Duration.ofSeconds(10);

	private Await() {
	}

	static <T> T result(CompletableFuture<T> future) {
		return future.orTimeout(LONG.toMillis(), TimeUnit.MILLISECONDS).join();
	}

	static void latch(CountDownLatch latch) {
		try {
			assertThat(latch.await(LONG.toMillis(), TimeUnit.MILLISECONDS)).as("latch released in time").isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** Waits on a latch inside a process or handler, where an interrupt means the process was killed. */
	static void blockOn(CountDownLatch latch) throws InterruptedException {
		if (!latch.await(LONG.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("latch never released");
		}
	}

}
