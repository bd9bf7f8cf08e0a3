package dev.procreg.registry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.LocalProcess;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

import static org.assertj.core.api.Assertions.assertThat;

/** Helpers for the registry tests: processes that run test code on request, bounded waits. */
final class RegistryTestSupport {

	static final Duration LONG = Duration.ofSeconds(20);

	private RegistryTestSupport() {
	}

	static ProcessRuntime runtime() {
		return ProcessRuntime.start(ProcessRuntime.Options.defaults().withShutdownTimeout(Duration.ofSeconds(2)));
	}

	static <T> T join(CompletableFuture<T> future) {
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

	static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(LONG.toMillis(), TimeUnit.MILLISECONDS)).as("latch released in time").isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** Runs {@code action} once in a new short-lived process and returns its result (the process then exits). */
	static <T> T inProcess(ProcessRuntime runtime, Supplier<T> action) {
		CompletableFuture<T> result = new CompletableFuture<>();
		runtime.spawn((ctx) -> {
			try {
				result.complete(action.get());
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		});
		return join(result);
	}

	/** A live process of the runtime with no behaviour: an owner token for the package-private cores. */
	static LocalProcess idleOwner(ProcessRuntime runtime) {
		Pid pid = GenServer.start(runtime, new Idle(), null).orThrow();
		return runtime.process(pid).orElseThrow();
	}

	/** A GenServer that does nothing; registrations are made for it through the cores. */
	static final class Idle extends GenServer<Object> {

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			return ok("idle");
		}

	}

	/**
	 * A process that stays alive and runs actions sent to it, so tests can register from it and
	 * look at the results from the test thread.
	 */
	static final class Agent {

		final ProcessRuntime runtime;

		final Pid pid;

		private record Task<T>(Supplier<T> action, CompletableFuture<T> result) {

			void run() {
				try {
					this.result.complete(this.action.get());
				}
				catch (Throwable ex) {
					this.result.completeExceptionally(ex);
				}
			}

		}

		Agent(ProcessRuntime runtime) {
			this.runtime = runtime;
			this.pid = runtime.spawn((ctx) -> {
				for (;;) {
					if (ctx.receive() instanceof Task<?> task) {
						task.run();
					}
				}
			});
		}

		<T> T call(Supplier<T> action) {
			CompletableFuture<T> result = new CompletableFuture<>();
			this.runtime.send(this.pid, new Task<>(action, result));
			return join(result);
		}

		void run(Runnable action) {
			call(() -> {
				action.run();
				return null;
			});
		}

		void kill() {
			this.runtime.exit(this.pid, ExitReason.KILL);
		}

		LocalProcess process() {
			return this.runtime.process(this.pid).orElseThrow();
		}

	}

}
