package dev.procreg.process;

/**
 * Hears every exit of a runtime's processes, for operators' event feeds:
 * {@link ProcessRuntime#observeExits(ExitObserver)}. A runtime without observers pays one
 * volatile read per exit.
 *
 * <pre>{@code
 * Observation feed = runtime.observeExits((exit) -> journal.add(exit));
 * feed.close();
 * }</pre>
 */
@FunctionalInterface
public interface ExitObserver {

	/**
	 * Called once per exit, on the thread that ended the process, after the process is gone from
	 * every registry, group and name and before its monitors and waiting callers are told (so
	 * whoever hears of an exit finds it observed). Must be short and must not block: it delays
	 * those and the exit of the processes linked to this one.
	 * @param exit the exit
	 */
	void exited(ProcessExit exit);

}
