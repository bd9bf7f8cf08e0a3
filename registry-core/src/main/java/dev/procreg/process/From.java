package dev.procreg.process;

import org.jspecify.annotations.Nullable;

/**
 * The caller of a {@link GenServer#handleCall}, Elixir's {@code from}: reply through it later to
 * defer a reply ({@link #reply(Object)}, from any thread), or let {@code handleCall} return
 * {@code reply(...)}.
 *
 * <pre>{@code
 * protected Result<State> handleCall(Object request, From from, State state) {
 *     pending.add(from);            // answer when the work is done
 *     return noReply(state);
 * }
 * // later, from any thread:
 * from.reply(result);
 * }</pre>
 *
 * <p>A call's reply never goes through the caller's mailbox: the first of reply, server exit and
 * timeout settles the call, and whatever comes later is dropped. So a late reply cannot reach a
 * caller that timed out.
 */
public sealed interface From permits Call {

	/** @return the calling process, or {@code null} when the call came from a plain thread */
	@Nullable Pid caller();

	/**
	 * Replies to the caller. Only the first reply counts.
	 * @param value the reply, may be null
	 * @return whether the caller got it (false when it already had a reply, timed out, or the
	 * server exited)
	 */
	boolean reply(@Nullable Object value);

}
