package dev.procreg.process;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a process can do to itself: receive, monitor, link, trap exits. A process body gets one;
 * a {@link GenServer} reaches its own through {@link GenServer#context()}, where the receive
 * methods are not available (a server receives through its callbacks).
 *
 * <pre>{@code
 * runtime.spawn(ctx -> {
 *     ctx.trapExits(true);
 *     ctx.link(worker);
 *     switch (ctx.receive()) {
 *         case Exit(Pid from, ExitReason reason) -> log.info("{} exited: {}", from, reason);
 *         default -> { }
 *     }
 * });
 * }</pre>
 */
public interface ProcessContext {

	/** @return this process's pid, Erlang's {@code self()} */
	Pid self();

	/** @return the runtime this process belongs to */
	ProcessRuntime runtime();

	/**
	 * Waits for the next message.
	 * @return the oldest message in the mailbox
	 * @throws ProcessExitException if this process is killed while waiting
	 */
	Object receive();

	/**
	 * Waits at most {@code timeout} for the next message, Erlang's {@code receive ... after}.
	 * @param timeout how long to wait; zero only looks
	 * @return the oldest message, or empty when none came in time
	 */
	Optional<Object> receive(Duration timeout);

	/**
	 * Selective receive: the oldest message that matches, waiting at most {@code timeout}.
	 * Messages that do not match stay in the mailbox in their order.
	 * @param matcher which messages to take
	 * @param timeout how long to wait; zero only looks
	 * @return the message, or empty when none matched in time
	 */
	Optional<Object> receive(Predicate<Object> matcher, Duration timeout);

	/**
	 * Selective receive of the oldest message of a type.
	 * @param <T> the type
	 * @param type the type, for example a record class
	 * @param timeout how long to wait
	 * @return the message, or empty when none came in time
	 */
	default <T> Optional<T> receive(Class<T> type, Duration timeout) {
		return receive(type::isInstance, timeout).map(type::cast);
	}

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
