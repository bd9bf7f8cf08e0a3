package dev.procreg.supervisor;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.GenServer;
import dev.procreg.process.Name;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.RegistrableName;
import dev.procreg.process.StartResult;

/**
 * Elixir's {@code DynamicSupervisor}: starts with no children and supervises the ones started on
 * demand, one for one, such as a session per user.
 *
 * <pre>{@code
 * Pid sessions = DynamicSupervisor.start(runtime, DynamicSupervisor.Options.defaults().withMaxChildren(10_000))
 *         .orThrow();
 * switch (DynamicSupervisor.startChild(runtime, sessions,
 *         ChildSpec.worker("session", Session::new, donorId, registry.via(donorId)).withRestart(Restart.TRANSIENT))) {
 *     case StartResult.Started(Pid pid) -> log.info("session {} started", pid);
 *     case StartResult.AlreadyStarted(Pid pid) -> log.info("session {} runs already", pid);
 *     case StartResult.MaxChildren(int limit) -> throw new TooBusyException(limit);
 *     case StartResult.Failed(var reason) -> throw new IllegalStateException(reason.toString());
 *     case StartResult.Ignored() -> { }
 * }
 * }</pre>
 *
 * <p>Starts go through the supervisor one at a time, so starting the same name from many
 * threads yields one {@code Started} and {@code AlreadyStarted} for the rest, with the same pid;
 * a loser never runs {@code init}. To spread many starts over several processes, use a
 * {@link PartitionSupervisor}. On shutdown every child gets its signal at once, and the
 * supervisor waits for each within its own shutdown.
 */
public final class DynamicSupervisor {

	private DynamicSupervisor() {
	}

	/**
	 * Starts a dynamic supervisor, not linked to the caller.
	 * @param runtime the runtime
	 * @param options intensity, limit, extra arguments, name
	 * @return the outcome
	 */
	public static StartResult start(ProcessRuntime runtime, Options options) {
		return start(runtime, options, false);
	}

	/**
	 * Like {@link #start}, linked to the calling process (a supervisor).
	 * @param runtime the runtime
	 * @param options intensity, limit, extra arguments, name
	 * @return the outcome
	 */
	public static StartResult startLink(ProcessRuntime runtime, Options options) {
		return start(runtime, options, true);
	}

	/**
	 * A spec that starts a dynamic supervisor under another supervisor.
	 * <pre>{@code
	 * Supervisor.start(runtime, Strategy.ONE_FOR_ONE,
	 *         List.of(DynamicSupervisor.childSpec("sessions", DynamicSupervisor.Options.defaults())), options);
	 * }</pre>
	 * @param id the child id
	 * @param options its options
	 * @return a permanent supervisor spec
	 */
	public static ChildSpec childSpec(Object id, Options options) {
		Objects.requireNonNull(options, "options must not be null");
		return ChildSpec.supervisor(id, (runtime) -> startLink(runtime, options));
	}

	private static StartResult start(ProcessRuntime runtime, Options options, boolean link) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		if (options == null) {
			throw new IllegalArgumentException("options must not be null; use DynamicSupervisor.Options.defaults()");
		}
		DynamicSupervisorServer server = new DynamicSupervisorServer(options, !link);
		RegistrableName name = options.name();
		if (link) {
			return (name != null) ? GenServer.startLink(runtime, server, null, name)
					: GenServer.startLink(runtime, server, null);
		}
		return (name != null) ? GenServer.start(runtime, server, null, name) : GenServer.start(runtime, server, null);
	}

	/**
	 * Starts a child under the supervisor; its start function receives the supervisor's extra
	 * arguments.
	 * @param runtime the runtime
	 * @param supervisor the dynamic supervisor
	 * @param spec the child
	 * @return {@code Started(pid)}, {@code AlreadyStarted(pid)} when the child's name is taken,
	 * {@code Failed(reason)}, {@code Ignored}, or {@code MaxChildren} when it runs its maximum
	 */
	public static StartResult startChild(ProcessRuntime runtime, Name supervisor, ChildSpec spec) {
		Objects.requireNonNull(spec, "child spec must not be null");
		return SupervisorServer.call(runtime, supervisor, new SupervisorServer.StartChild(spec));
	}

	/**
	 * Stops a child by its shutdown; it is not restarted.
	 * @param runtime the runtime
	 * @param supervisor the dynamic supervisor
	 * @param child the child's pid
	 * @return whether it was a child of this supervisor
	 */
	public static boolean terminateChild(ProcessRuntime runtime, Name supervisor, Pid child) {
		Objects.requireNonNull(child, "child pid must not be null");
		return SupervisorServer.call(runtime, supervisor, new DynamicSupervisorServer.TerminatePid(child));
	}

	/**
	 * @param runtime the runtime
	 * @param supervisor the dynamic supervisor
	 * @return its running children, in start order
	 */
	public static List<ChildInfo> whichChildren(ProcessRuntime runtime, Name supervisor) {
		return SupervisorServer.call(runtime, supervisor, new SupervisorServer.WhichChildren());
	}

	/**
	 * @param runtime the runtime
	 * @param supervisor the dynamic supervisor
	 * @return its children counted
	 */
	public static ChildCount countChildren(ProcessRuntime runtime, Name supervisor) {
		return SupervisorServer.call(runtime, supervisor, new SupervisorServer.CountChildren());
	}

	/**
	 * How a dynamic supervisor is set up.
	 *
	 * <pre>{@code
	 * DynamicSupervisor.Options.defaults().withMaxChildren(1000).withExtraArguments(List.of(tenant));
	 * }</pre>
	 *
	 * @param maxRestarts restarts allowed within {@code maxSeconds} (default 3)
	 * @param maxSeconds the window in seconds (default 5)
	 * @param maxChildren how many children may run at once ({@link Integer#MAX_VALUE}: no limit,
	 * the default)
	 * @param extraArguments handed to every child's start function before its own argument
	 * (Elixir's {@code :extra_arguments}); empty by default
	 * @param name a name to register the supervisor under, or {@code null}
	 */
	public record Options(int maxRestarts, int maxSeconds, int maxChildren, List<Object> extraArguments,
			@Nullable RegistrableName name) {

		/**
		 * @throws IllegalArgumentException for a negative {@code maxRestarts}, a {@code maxSeconds}
		 * below 1, or a negative {@code maxChildren}
		 */
		public Options {
			Supervisor.checkIntensity(maxRestarts, maxSeconds);
			if (maxChildren < 0) {
				throw new IllegalArgumentException("maxChildren must not be negative: " + maxChildren);
			}
			if (extraArguments == null) {
				throw new IllegalArgumentException("extraArguments must not be null; use List.of()");
			}
			extraArguments = List.copyOf(extraArguments);
		}

		/** @return 3 restarts in 5 seconds, no limit, no extra arguments, no name */
		public static Options defaults() {
			return new Options(3, 5, Integer.MAX_VALUE, List.of(), null);
		}

		/**
		 * @param restarts restarts allowed in the window
		 * @return these options with another {@code maxRestarts}
		 */
		public Options withMaxRestarts(int restarts) {
			return new Options(restarts, this.maxSeconds, this.maxChildren, this.extraArguments, this.name);
		}

		/**
		 * @param seconds the window
		 * @return these options with another {@code maxSeconds}
		 */
		public Options withMaxSeconds(int seconds) {
			return new Options(this.maxRestarts, seconds, this.maxChildren, this.extraArguments, this.name);
		}

		/**
		 * @param limit how many children may run at once
		 * @return these options with a limit
		 */
		public Options withMaxChildren(int limit) {
			return new Options(this.maxRestarts, this.maxSeconds, limit, this.extraArguments, this.name);
		}

		/**
		 * @param arguments the extra arguments
		 * @return these options with extra arguments
		 */
		public Options withExtraArguments(List<Object> arguments) {
			return new Options(this.maxRestarts, this.maxSeconds, this.maxChildren, arguments, this.name);
		}

		/**
		 * @param supervisorName the name
		 * @return these options with a name
		 */
		public Options withName(@Nullable RegistrableName supervisorName) {
			return new Options(this.maxRestarts, this.maxSeconds, this.maxChildren, this.extraArguments,
					supervisorName);
		}

	}

}
