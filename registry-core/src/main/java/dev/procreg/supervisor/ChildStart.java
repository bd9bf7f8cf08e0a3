package dev.procreg.supervisor;

import java.util.List;

import dev.procreg.process.ExitReason;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;

/**
 * How a supervisor starts a child, Elixir's {@code start: {M, :start_link, args}}. It runs inside
 * the supervisor's process, so a {@code GenServer.startLink} in it links the child to the
 * supervisor; it must start a process linked to the calling process and return the outcome.
 *
 * <pre>{@code
 * ChildStart start = runtime -> GenServer.startLink(runtime, new Cache(), Duration.ofMinutes(5));
 * }</pre>
 */
@FunctionalInterface
public interface ChildStart {

	/**
	 * Starts the child, linked to the calling process (the supervisor).
	 * @param runtime the runtime
	 * @return the outcome
	 */
	StartResult start(ProcessRuntime runtime);

	/**
	 * Starts the child with a {@link DynamicSupervisor}'s extra arguments. The default ignores
	 * them; the starts made by {@link ChildSpec#worker} hand them to {@code init}.
	 * @param runtime the runtime
	 * @param extraArguments the supervisor's extra arguments, often empty
	 * @return the outcome
	 */
	default StartResult start(ProcessRuntime runtime, List<Object> extraArguments) {
		return start(runtime);
	}

	/**
	 * Whether the child's exit with this reason ends it for good, whatever its restart type: a
	 * keyed worker that stops itself when idle (passivation) exits with {@code shutdown} and must
	 * not come back until its key is used again. The default: never, the restart type decides.
	 * @param reason why the child exited on its own
	 * @return whether the supervisor drops the child instead of restarting it
	 */
	default boolean exitIsFinal(ExitReason reason) {
		return false;
	}

}
