package dev.procreg.testing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded waits for tests: each fails after {@link #LONG} instead of hanging. {@code LONG} only
 * bounds a failing test (a passing one returns as soon as the condition holds), so it is generous
 * for a loaded CI machine; Awaitility waits use it too: {@code await().atMost(Await.LONG)}.
 */
public final class Await {

	/** The one bound on every wait of the test suite. */
	public static final Duration LONG = Duration.ofSeconds(20);

	private Await() {
	}

	/**
	 * Waits for a future's value; a failed future throws its cause as it is.
	 * @param future the future
	 * @return its value
	 */
	public static <T> T result(CompletableFuture<T> future) {
		try {
			return future.orTimeout(LONG.toMillis(), TimeUnit.MILLISECONDS).join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException runtimeException) {
				throw runtimeException;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	/**
	 * Waits on the test thread until a latch opens, and fails the test if it does not in time.
	 * @param latch the latch
	 */
	public static void latch(CountDownLatch latch) {
		try {
			assertThat(latch.await(LONG.toMillis(), TimeUnit.MILLISECONDS)).as("latch released in time").isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * Waits on a latch inside a process or a handler, where an interrupt means the process was
	 * killed and is passed on.
	 * @param latch the latch
	 * @throws InterruptedException when the waiting process is killed
	 */
	public static void blockOn(CountDownLatch latch) throws InterruptedException {
		if (!latch.await(LONG.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("latch never released");
		}
	}

}
