package dev.procreg.process;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;

/**
 * A registered {@link ExitListener}, returned by {@link ProcessRuntime#onExit(Pid, ExitListener)}:
 * cancel it when the exit no longer matters, so the process does not keep the listener alive.
 *
 * <pre>{@code
 * ExitSubscription watch = runtime.onExit(pid, (p, reason) -> log.info("{} exited: {}", p, reason));
 * ...
 * watch.cancel();
 * }</pre>
 */
public final class ExitSubscription {

	private final Pid pid;

	private final Hook hook;

	/** The process the hook was attached to, or {@code null} when the listener ran at once. */
	private final @Nullable LocalProcess process;

	private ExitSubscription(Pid pid, Hook hook, @Nullable LocalProcess process) {
		this.pid = pid;
		this.hook = hook;
		this.process = process;
	}

	/**
	 * Subscribes to a process's exit; the listener is called at once when the process is dead
	 * already or unknown to the runtime.
	 */
	static ExitSubscription attach(ProcessRuntime runtime, Pid pid, ExitListener listener) {
		Hook hook = new Hook(pid, listener);
		LocalProcess process = runtime.local(pid);
		if (process == null) {
			listener.exited(pid, ExitReason.NOPROC);
			return new ExitSubscription(pid, hook, null);
		}
		// dead already: the listener hears of the exit at once
		return new ExitSubscription(pid, hook, process.attachOrRun(hook) ? process : null);
	}

	/** @return the process listened to */
	public Pid pid() {
		return this.pid;
	}

	/**
	 * Stops listening.
	 * @return {@code true} when the listener will not be called; {@code false} when it was called
	 * already (or is being called now)
	 */
	public boolean cancel() {
		return this.process != null && this.process.detach(this.hook);
	}

	/** The exit hook behind the subscription: a telling hook, run after the cleaning ones. */
	private static final class Hook extends ExitHook {

		private final Pid pid;

		private final ExitListener listener;

		Hook(Pid pid, ExitListener listener) {
			this.pid = pid;
			this.listener = listener;
		}

		@Override
		public boolean notifies() {
			return true;
		}

		@Override
		protected void processExited(Owner process, ExitReason reason) {
			this.listener.exited(this.pid, reason);
		}

	}

}
