package dev.procreg.process;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server process with state, Elixir's {@code GenServer}: callers talk to it with
 * {@link ProcessRuntime#call(Name, Object)} and {@link ProcessRuntime#cast(Name, Object)}, other
 * messages arrive in {@link #handleInfo}, and the server handles one message at a time.
 *
 * <pre>{@code
 * sealed interface CounterRequest permits Increment, Get {}
 * record Increment(int by) implements CounterRequest {}
 * record Get() implements CounterRequest {}
 *
 * class Counter extends GenServer<Integer> {
 *     protected Init<Integer> init(Object arg) {
 *         return ok(0);
 *     }
 *     protected Result<Integer> handleCall(Object request, From from, Integer count) {
 *         return switch ((CounterRequest) request) {
 *             case Increment(int by) -> reply(count + by, count + by);
 *             case Get() -> reply(count, count);
 *         };
 *     }
 * }
 *
 * Pid counter = GenServer.start(runtime, new Counter(), null).orThrow();
 * int now = runtime.call(counter, new Increment(2));   // 2
 * }</pre>
 *
 * <h2>How it runs</h2>
 * Every callback ({@code init}, {@code handleCall}, {@code handleCast}, {@code handleInfo},
 * {@code terminate}) runs on a virtual thread the server owns, one message at a time; never on a
 * caller's or starter's thread. A server holds no thread while idle: a message starts its
 * thread, which handles what has arrived and looks for the next message for a few
 * microseconds before it ends. {@code start}
 * parks its caller until {@code init} has run; a call parks its caller until the reply, the
 * server's exit or the call's deadline. So nothing of a caller's thread (thread-locals, MDC,
 * interrupt, held locks) reaches the server, and a kill interrupts only the server's own thread.
 *
 * <p>One instance serves one process: create a new instance for each start.
 *
 * @param <S> the type of the server's state
 */
public abstract class GenServer<S> {

	private static final Logger logger = LoggerFactory.getLogger(GenServer.class);

	private @Nullable ServerProcess process;

	/**
	 * Starts the server unlinked, without a name. {@code init} runs before this returns.
	 * @param runtime the runtime
	 * @param server a new server instance
	 * @param arg the argument for {@code init}
	 * @return the outcome
	 */
	public static StartResult start(ProcessRuntime runtime, GenServer<?> server, @Nullable Object arg) {
		return runtime.startServer(server, arg, null, false);
	}

	/**
	 * Starts the server unlinked under a name, atomically: when a live process holds the name the
	 * result is {@link StartResult.AlreadyStarted} and the new server never runs {@code init}.
	 * @param runtime the runtime
	 * @param server a new server instance
	 * @param arg the argument for {@code init}
	 * @param name a registered name ({@link Name#of(String)}) or a registry's via name
	 * @return the outcome
	 */
	public static StartResult start(ProcessRuntime runtime, GenServer<?> server, @Nullable Object arg,
			RegistrableName name) {
		Objects.requireNonNull(name, "name");
		return runtime.startServer(server, arg, name, false);
	}

	/**
	 * Like {@link #start(ProcessRuntime, GenServer, Object)}, linked to the calling process, which
	 * becomes the server's parent.
	 * @param runtime the runtime
	 * @param server a new server instance
	 * @param arg the argument for {@code init}
	 * @return the outcome
	 * @throws IllegalStateException when not called from a process
	 */
	public static StartResult startLink(ProcessRuntime runtime, GenServer<?> server, @Nullable Object arg) {
		return runtime.startServer(server, arg, null, true);
	}

	/**
	 * Like {@link #start(ProcessRuntime, GenServer, Object, RegistrableName)}, linked to the
	 * calling process, which becomes the server's parent.
	 * @param runtime the runtime
	 * @param server a new server instance
	 * @param arg the argument for {@code init}
	 * @param name a registered name or a registry's via name
	 * @return the outcome
	 * @throws IllegalStateException when not called from a process
	 */
	public static StartResult startLink(ProcessRuntime runtime, GenServer<?> server, @Nullable Object arg,
			RegistrableName name) {
		Objects.requireNonNull(name, "name");
		return runtime.startServer(server, arg, name, true);
	}

	/**
	 * Starts the server unlinked with options: a name, an idle shutdown.
	 * <pre>{@code
	 * GenServer.start(runtime, new Session(), donorId,
	 *         GenServer.Options.defaults().withName(sessions.via(donorId)).withIdleShutdown(Duration.ofMinutes(30)));
	 * }</pre>
	 * @param runtime the runtime
	 * @param server a new server instance
	 * @param arg the argument for {@code init}
	 * @param options the options
	 * @return the outcome
	 */
	public static StartResult start(ProcessRuntime runtime, GenServer<?> server, @Nullable Object arg,
			Options options) {
		Objects.requireNonNull(options, "options must not be null; use GenServer.Options.defaults()");
		return runtime.startServer(server, arg, options.name(), false, options.idleShutdown());
	}

	/**
	 * Like {@link #start(ProcessRuntime, GenServer, Object, Options)}, linked to the calling
	 * process, which becomes the server's parent.
	 * @param runtime the runtime
	 * @param server a new server instance
	 * @param arg the argument for {@code init}
	 * @param options the options
	 * @return the outcome
	 * @throws IllegalStateException when not called from a process
	 */
	public static StartResult startLink(ProcessRuntime runtime, GenServer<?> server, @Nullable Object arg,
			Options options) {
		Objects.requireNonNull(options, "options must not be null; use GenServer.Options.defaults()");
		return runtime.startServer(server, arg, options.name(), true, options.idleShutdown());
	}

	/**
	 * Initializes the server's state. Runs in the new process before {@code start} returns.
	 * @param arg the argument given to {@code start}
	 * @return {@link #ok(Object)}, {@link Init#stop(ExitReason)} or {@link #ignore()}
	 * @throws Exception anything; the start then fails with {@link StartResult.Failed}
	 */
	protected abstract Init<S> init(@Nullable Object arg) throws Exception;

	/**
	 * Handles a call. The default crashes the server, as Elixir's does.
	 * @param request the request
	 * @param from the caller, to reply later when this returns {@link #noReply(Object)}
	 * @param state the current state
	 * @return {@link #reply}, {@link #noReply} or {@link #stop}
	 * @throws Exception anything; the server then crashes and the caller fails with its reason
	 */
	protected Result<S> handleCall(Object request, From from, S state) throws Exception {
		throw new UnsupportedOperationException(getClass().getName() + " does not handle calls; it got " + request);
	}

	/**
	 * Handles a cast. The default crashes the server, as Elixir's does.
	 * @param request the request
	 * @param state the current state
	 * @return {@link #noReply} or {@link #stop}
	 * @throws Exception anything; the server then crashes
	 */
	protected Result<S> handleCast(Object request, S state) throws Exception {
		throw new UnsupportedOperationException(getClass().getName() + " does not handle casts; it got " + request);
	}

	/**
	 * Handles any other message: plain sends, {@link Down}, {@link Exit} when trapping exits,
	 * and {@link Timeout#TIMEOUT} after an idle timeout. The default logs and ignores it.
	 * @param message the message
	 * @param state the current state
	 * @return {@link #noReply} or {@link #stop}
	 * @throws Exception anything; the server then crashes
	 */
	protected Result<S> handleInfo(Object message, S state) throws Exception {
		logger.warn("{} {} received an unexpected message: {}", getClass().getSimpleName(), self(), message);
		return noReply(state);
	}

	/**
	 * Runs when the server stops: after a callback returned {@link #stop}, after a callback threw,
	 * and when it is shut down by its supervisor or runtime. Not run when it is killed or exits
	 * because of a linked process.
	 * @param reason why it stops
	 * @param state the last state
	 * @throws Exception anything; it is logged
	 */
	protected void terminate(ExitReason reason, S state) throws Exception {
	}

	/** @return this server's pid */
	protected final Pid self() {
		return boundProcess().pid;
	}

	/** @return the runtime this server runs in */
	protected final ProcessRuntime runtime() {
		return boundProcess().runtime();
	}

	/**
	 * This server's own process context, to monitor, link, trap exits and bound its mailbox. It
	 * has no {@code receive}: a server receives through its callbacks.
	 * @return the context
	 */
	protected final ProcessContext context() {
		return boundProcess();
	}

	final void bind(ServerProcess process) {
		if (this.process != null) {
			throw new IllegalStateException(getClass().getName() + " instance already serves " + this.process.pid
					+ "; start each server with a new instance");
		}
		this.process = process;
	}

	private ServerProcess boundProcess() {
		ServerProcess bound = this.process;
		if (bound == null) {
			throw new IllegalStateException(getClass().getName() + " is not started");
		}
		return bound;
	}

	// ---- results

	/**
	 * {@code init} succeeded.
	 * @param <S> the state type
	 * @param state the initial state
	 * @return the result
	 */
	protected static <S> Init<S> ok(S state) {
		return new Init.Ok<>(state, null);
	}

	/**
	 * {@code init} succeeded; {@link Timeout#TIMEOUT} arrives when no message comes in time.
	 * @param <S> the state type
	 * @param state the initial state
	 * @param timeout the idle timeout
	 * @return the result
	 */
	protected static <S> Init<S> ok(S state, Duration timeout) {
		return new Init.Ok<>(state, Objects.requireNonNull(timeout, "timeout"));
	}

	/**
	 * {@code init} decided not to start; {@code start} returns {@link StartResult.Ignored}.
	 * @param <S> the state type
	 * @return the result
	 */
	protected static <S> Init<S> ignore() {
		return new Init.Ignore<>();
	}

	/**
	 * Reply to the caller and continue with a state.
	 * @param <S> the state type
	 * @param reply the reply, may be null
	 * @param state the new state
	 * @return the result
	 */
	protected static <S> Result<S> reply(@Nullable Object reply, S state) {
		return new Result.Reply<>(reply, state, null);
	}

	/**
	 * Reply, continue, and receive {@link Timeout#TIMEOUT} if no message comes in time.
	 * @param <S> the state type
	 * @param reply the reply
	 * @param state the new state
	 * @param timeout the idle timeout
	 * @return the result
	 */
	protected static <S> Result<S> reply(@Nullable Object reply, S state, Duration timeout) {
		return new Result.Reply<>(reply, state, Objects.requireNonNull(timeout, "timeout"));
	}

	/**
	 * Continue with a state; from {@code handleCall}, the reply is deferred: send it later with
	 * {@link From#reply(Object)}.
	 * @param <S> the state type
	 * @param state the new state
	 * @return the result
	 */
	protected static <S> Result<S> noReply(S state) {
		return new Result.NoReply<>(state, null);
	}

	/**
	 * Continue and receive {@link Timeout#TIMEOUT} if no message comes in time.
	 * @param <S> the state type
	 * @param state the new state
	 * @param timeout the idle timeout
	 * @return the result
	 */
	protected static <S> Result<S> noReply(S state, Duration timeout) {
		return new Result.NoReply<>(state, Objects.requireNonNull(timeout, "timeout"));
	}

	/**
	 * Stop: {@code terminate} runs with the reason, then the process exits with it.
	 * @param <S> the state type
	 * @param reason why
	 * @param state the last state
	 * @return the result
	 */
	protected static <S> Result<S> stop(ExitReason reason, S state) {
		return new Result.Stop<>(Objects.requireNonNull(reason, "reason"), false, null, state);
	}

	/**
	 * From {@code handleCall}: reply, then stop.
	 * @param <S> the state type
	 * @param reason why
	 * @param reply the reply
	 * @param state the last state
	 * @return the result
	 */
	protected static <S> Result<S> stop(ExitReason reason, @Nullable Object reply, S state) {
		return new Result.Stop<>(Objects.requireNonNull(reason, "reason"), true, reply, state);
	}

	/**
	 * What {@code init} returns.
	 *
	 * @param <S> the state type
	 */
	public sealed interface Init<S> {

		/**
		 * {@code init} failed; {@code start} returns {@link StartResult.Failed} with the reason.
		 * @param <S> the state type
		 * @param reason why
		 * @return the result
		 */
		static <S> Init<S> stop(ExitReason reason) {
			return new Stop<>(Objects.requireNonNull(reason, "reason"));
		}

		/**
		 * Started.
		 *
		 * @param <S> the state type
		 * @param state the initial state
		 * @param timeout the idle timeout, or null
		 */
		record Ok<S>(S state, @Nullable Duration timeout) implements Init<S> {
		}

		/**
		 * Not started, with a reason.
		 *
		 * @param <S> the state type
		 * @param reason why
		 */
		record Stop<S>(ExitReason reason) implements Init<S> {
		}

		/**
		 * Not started, and that is fine.
		 *
		 * @param <S> the state type
		 */
		record Ignore<S>() implements Init<S> {
		}

	}

	/**
	 * What {@code handleCall}, {@code handleCast} and {@code handleInfo} return.
	 *
	 * @param <S> the state type
	 */
	public sealed interface Result<S> {

		/**
		 * Reply (from {@code handleCall} only) and continue.
		 *
		 * @param <S> the state type
		 * @param reply the reply
		 * @param state the new state
		 * @param timeout the idle timeout, or null
		 */
		record Reply<S>(@Nullable Object reply, S state, @Nullable Duration timeout) implements Result<S> {
		}

		/**
		 * Continue without replying now.
		 *
		 * @param <S> the state type
		 * @param state the new state
		 * @param timeout the idle timeout, or null
		 */
		record NoReply<S>(S state, @Nullable Duration timeout) implements Result<S> {
		}

		/**
		 * Stop after an optional reply.
		 *
		 * @param <S> the state type
		 * @param reason why
		 * @param replies whether to reply first
		 * @param reply the reply
		 * @param state the last state
		 */
		record Stop<S>(ExitReason reason, boolean replies, @Nullable Object reply, S state) implements Result<S> {
		}

	}

	/**
	 * How a server is started.
	 *
	 * <p>An <em>idle shutdown</em> stops the server when no message of any kind (call, cast,
	 * plain message, signal turned message) has reached it for that long: it runs
	 * {@code terminate} with {@link ExitReason#SHUTDOWN} and exits with it, so a transient or
	 * temporary child is not restarted. This is passivation: what the server holds goes when it
	 * is not used. A timeout returned by a callback ({@code reply(r, s, timeout)}) takes its place
	 * until the next message, as in OTP. A request that reaches the server while it stops fails
	 * with {@link ProcessExitException} and reason {@code shutdown}, never with a reply from a
	 * stopped server; send it again to start a new one.
	 *
	 * <pre>{@code
	 * GenServer.Options.defaults().withName(Name.of("cache")).withIdleShutdown(Duration.ofMinutes(5));
	 * }</pre>
	 *
	 * @param name a registered name or via name to start under, or {@code null}
	 * @param idleShutdown how long the server may go without a message before it stops, or
	 * {@code null} for never
	 */
	public record Options(@Nullable RegistrableName name, @Nullable Duration idleShutdown) {

		/**
		 * @throws IllegalArgumentException for an idle shutdown that is zero or negative
		 */
		public Options {
			if (idleShutdown != null && (idleShutdown.isZero() || idleShutdown.isNegative())) {
				throw new IllegalArgumentException("idleShutdown must be positive, was " + idleShutdown);
			}
		}

		/** @return no name, no idle shutdown */
		public static Options defaults() {
			return new Options(null, null);
		}

		/**
		 * @param serverName the name
		 * @return these options with a name
		 */
		public Options withName(RegistrableName serverName) {
			return new Options(Objects.requireNonNull(serverName, "name must not be null"), this.idleShutdown);
		}

		/**
		 * @param after how long the server may go without a message; {@code null} for never
		 * @return these options with an idle shutdown
		 */
		public Options withIdleShutdown(@Nullable Duration after) {
			return new Options(this.name, after);
		}

	}

	/** The message {@link #handleInfo} receives when an idle timeout passed without a message. */
	public enum Timeout {

		/** The idle timeout passed. */
		TIMEOUT

	}

}
