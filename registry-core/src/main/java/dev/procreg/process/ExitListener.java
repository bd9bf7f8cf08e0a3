package dev.procreg.process;

/**
 * Hears of one process's exit, through {@link ProcessRuntime#onExit(Pid, ExitListener)}.
 *
 * <pre>{@code
 * ExitSubscription watch = runtime.onExit(worker, (pid, reason) -> slots.release());
 * }</pre>
 */
@FunctionalInterface
public interface ExitListener {

	/**
	 * Called once when the process exits, on the thread that ended it, after the process is gone
	 * from every registry, group and name. Must be short and must not block: hand longer work to
	 * another process or thread.
	 * @param pid the process
	 * @param reason why it exited; {@code noproc} when it was never a process of the runtime
	 */
	void exited(Pid pid, ExitReason reason);

}
