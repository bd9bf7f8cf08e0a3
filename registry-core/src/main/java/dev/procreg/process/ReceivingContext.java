package dev.procreg.process;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The context of a spawned process: what any process can do to itself ({@link ProcessContext}),
 * plus receiving from its mailbox, which only a process that runs its own loop does. A
 * {@link ProcessBody} gets one; a {@link GenServer} does not, it receives through its callbacks.
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
public interface ReceivingContext extends ProcessContext {

	/**
	 * Waits for the next message.
	 * @return the oldest message in the mailbox
	 * @throws ProcessExitException if this process is killed while waiting
	 * @throws ProcessException if this process's thread is interrupted while waiting, other than
	 * by a kill; the interrupt stays set
	 */
	Object receive();

	/**
	 * Waits at most {@code timeout} for the next message, Erlang's {@code receive ... after}.
	 * @param timeout how long to wait; zero only looks
	 * @return the oldest message, or empty when none came in time
	 * @throws ProcessExitException if this process is killed while waiting
	 * @throws ProcessException if this process's thread is interrupted while waiting, other than
	 * by a kill; the interrupt stays set
	 */
	Optional<Object> receive(Duration timeout);

	/**
	 * Selective receive: the oldest message that matches, waiting at most {@code timeout}.
	 * Messages that do not match stay in the mailbox in their order. The deadline holds however
	 * many non-matching messages keep arriving: once past it, the receive looks at the messages
	 * waiting at that moment, as a zero timeout does, and then returns empty, so a match that had
	 * arrived in time is still taken.
	 * <pre>{@code
	 * Optional<Object> reply = ctx.receive((m) -> m instanceof Pong pong && pong.ref().equals(ref),
	 *         Duration.ofMillis(100));
	 * }</pre>
	 * @param matcher which messages to take
	 * @param timeout how long to wait; zero only looks
	 * @return the message, or empty when none matched in time
	 * @throws ProcessExitException if this process is killed while waiting
	 * @throws ProcessException if this process's thread is interrupted while waiting, other than
	 * by a kill; the interrupt stays set
	 */
	Optional<Object> receive(Predicate<Object> matcher, Duration timeout);

	/**
	 * Selective receive of the oldest message of a type.
	 * @param <T> the type
	 * @param type the type, for example a record class
	 * @param timeout how long to wait
	 * @return the message, or empty when none came in time
	 * @throws ProcessExitException if this process is killed while waiting
	 * @throws ProcessException if this process's thread is interrupted while waiting, other than
	 * by a kill; the interrupt stays set
	 */
	default <T> Optional<T> receive(Class<T> type, Duration timeout) {
		return receive(type::isInstance, timeout).map(type::cast);
	}

}
