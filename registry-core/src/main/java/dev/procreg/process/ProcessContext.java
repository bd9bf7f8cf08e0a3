package dev.procreg.process;

/**
 * What any process can do to itself: monitor, link, trap exits, bound its mailbox. A
 * {@link GenServer} reaches its own through {@link GenServer#context()}; it receives through its
 * callbacks, so its context has no {@code receive}. A spawned {@link ProcessBody} gets a
 * {@link ReceivingContext}, which adds the receive methods.
 *
 * <pre>{@code
 * class Watcher extends GenServer<Set<Pid>> {
 *     protected Init<Set<Pid>> init(Object worker) {
 *         context().trapExits(true);
 *         context().link((Pid) worker);       // its exit arrives in handleInfo as an Exit
 *         return ok(new HashSet<>());
 *     }
 * }
 * }</pre>
 */
public interface ProcessContext {

	/** @return this process's pid, Erlang's {@code self()} */
	Pid self();

	/** @return the runtime this process belongs to */
	ProcessRuntime runtime();

	/**
	 * Sends a message; see {@link ProcessRuntime#send(Name, Object)}.
	 * @param name the receiver
	 * @param message the message, not null
	 */
	default void send(Name name, Object message) {
		runtime().send(name, message);
	}

	/**
	 * Monitors a process: exactly one {@link Down} arrives when it exits, at once (reason
	 * {@link ExitReason#NOPROC}) when it is not alive now.
	 * @param name the process, resolved now
	 * @return the monitor's reference
	 */
	MonitorRef monitor(Name name);

	/**
	 * Removes a monitor. A {@link Down} already in the mailbox stays there.
	 * @param ref the monitor
	 * @return whether the monitor was active
	 */
	default boolean demonitor(MonitorRef ref) {
		return demonitor(ref, false);
	}

	/**
	 * Removes a monitor, optionally flushing a {@link Down} already in the mailbox.
	 * @param ref the monitor
	 * @param flush whether to drop a {@code Down} of this monitor that is already queued
	 * @return whether the monitor was active
	 */
	boolean demonitor(MonitorRef ref, boolean flush);

	/**
	 * Links this process with another: when either exits abnormally, the other receives an exit
	 * signal. Linking to a process that is not alive sends this one an exit signal with
	 * {@link ExitReason#NOPROC}.
	 * @param name the other process
	 */
	void link(Name name);

	/**
	 * Removes a link.
	 * @param name the other process
	 */
	void unlink(Name name);

	/**
	 * Turns exit signals into {@link Exit} messages (Erlang's {@code trap_exit}). {@code kill}
	 * cannot be trapped.
	 * @param trap whether to trap
	 */
	void trapExits(boolean trap);

	/**
	 * Bounds this process's mailbox, a process flag like Erlang's {@code max_heap_size}: while
	 * {@code maxMessages} messages wait, a further {@code send} or {@code cast} to this process
	 * is dropped (drop newest) and counted in {@link ProcessInfo#droppedMessages()}; the sender
	 * is never blocked and never fails, as an Erlang send never does. Exit signals, monitors'
	 * {@link Down} messages and calls are never dropped. Unbounded by default.
	 *
	 * <pre>{@code
	 * runtime.spawn(ctx -> {
	 *     ctx.limitMailbox(10_000);   // shed load rather than grow without bound
	 *     for (;;) handle(ctx.receive());
	 * });
	 * }</pre>
	 * @param maxMessages the bound, or 0 for none
	 * @throws IllegalArgumentException when negative
	 */
	void limitMailbox(int maxMessages);

}
