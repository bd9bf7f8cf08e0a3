package dev.procreg.boot.worker;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Passivation and use of one key exclude each other: a worker is passivated only while no
 * request is in flight, and a use that meets a passivation waits until the worker is gone.
 */
class WorkerActivityTests {

	@Test
	void aKeyInUseIsNotSealed() {
		WorkerType.Activity activity = new WorkerType.Activity();
		assertThat(activity.begin()).isTrue();
		assertThat(activity.seal(Long.MAX_VALUE, 0)).as("a request is in flight").isFalse();
		activity.done();
		assertThat(activity.seal(System.nanoTime(), 0)).isTrue();
	}

	@Test
	void aUseThatMeetsAPassivationWaitsUntilTheWorkerIsGone() throws Exception {
		WorkerType.Activity activity = new WorkerType.Activity();
		assertThat(activity.seal(System.nanoTime(), 0)).isTrue();
		assertThat(activity.begin()).as("sealed: no use may begin").isFalse();
		CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
			activity.awaitPassivated();
			return true;
		});
		assertThat(waited).isNotDone();
		activity.passivated();
		assertThat(waited.get()).isTrue();
	}

}
