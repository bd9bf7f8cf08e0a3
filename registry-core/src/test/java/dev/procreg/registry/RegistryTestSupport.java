package dev.procreg.registry;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Owner;
import dev.procreg.testing.Await;
import dev.procreg.testing.IdleServer;

import static org.assertj.core.api.Assertions.assertThat;

/** Helpers for the registry tests: owner tokens for the package-private cores, and agents that register on request. */
final class RegistryTestSupport {

	private RegistryTestSupport() {
	}

	/** A live process of the runtime with no behaviour: an owner token for the package-private cores. */
	/** The owner token behind a pid of the runtime, as the registry's concurrency core takes it. */
	static Owner owner(ProcessRuntime runtime, Pid pid) {
		Owner owner = Owner.of(runtime, pid);
		if (owner == null) {
			throw new IllegalArgumentException(pid + " is not a process of runtime " + runtime.node());
		}
		return owner;
	}

	static Owner idleOwner(ProcessRuntime runtime) {
		return owner(runtime, IdleServer.start(runtime));
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

		Owner process() {
			return owner(this.runtime, this.pid);
		}

	}

}
