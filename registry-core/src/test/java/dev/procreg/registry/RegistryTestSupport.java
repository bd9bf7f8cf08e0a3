package dev.procreg.registry;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.procreg.process.ExitReason;
import dev.procreg.process.LocalProcess;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.testing.Await;
import dev.procreg.testing.IdleServer;

import static org.assertj.core.api.Assertions.assertThat;

/** Helpers for the registry tests: owner tokens for the package-private cores, and agents that register on request. */
final class RegistryTestSupport {

	private RegistryTestSupport() {
	}

	/** A live process of the runtime with no behaviour: an owner token for the package-private cores. */
	static LocalProcess idleOwner(ProcessRuntime runtime) {
		return runtime.process(IdleServer.start(runtime)).orElseThrow();
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
			return Await.result(result);
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
