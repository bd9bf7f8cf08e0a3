package dev.procreg.supervisor;

import java.util.List;

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

}
