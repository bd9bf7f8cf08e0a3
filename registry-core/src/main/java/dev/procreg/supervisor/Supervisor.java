package dev.procreg.supervisor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.GenServer;
import dev.procreg.process.Name;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.RegistrableName;
import dev.procreg.process.StartResult;

/**
 * Elixir's {@code Supervisor}: a process that starts children in order, restarts them by a
 * {@link Strategy} when they exit, and stops them in reverse order. When more than
 * {@code maxRestarts} restarts happen within {@code maxSeconds}, it stops its children and exits
 * with reason {@code shutdown}, which its own supervisor sees.
 *
 * <pre>{@code
 * StartResult started = Supervisor.start(runtime, Strategy.ONE_FOR_ONE, List.of(
 *         ChildSpec.worker("limiter", RateLimiter::new, 100, Name.of("rate-limiter")),
 *         ChildSpec.worker("mailer", Mailer::new, null).withRestart(Restart.TRANSIENT),
 *         Supervisor.childSpec("payments", Strategy.REST_FOR_ONE, paymentChildren, Supervisor.Options.defaults())),
 *     Supervisor.Options.defaults().withName(Name.of("app")));
 * Pid app = started.orThrow();
 * Supervisor.whichChildren(runtime, app).forEach(System.out::println);
 * }</pre>
 *
 * <p>A supervisor is a {@link GenServer} that traps exits. Its children's start functions run in
 * its process, so {@code GenServer.startLink} links each child to it. A child started under a
 * name registers it again when restarted; between the death and the restart, the name resolves
 * to nothing (a call fails with {@code NoProcessException} and may be retried), never to the dead
 * pid. A supervisor started with {@link #start} (not linked) is stopped by
 * {@link ProcessRuntime#close()} before all other processes, in reverse start order.
 */
public final class Supervisor {

	private Supervisor() {
	}

	/**
	 * Starts a supervisor, not linked to the caller; its children start, in order, before this
	 * returns.
	 * @param runtime the runtime
	 * @param strategy the restart strategy
	 * @param children the children, in start order
	 * @param options intensity and an optional name
	 * @return {@code Started(pid)}; {@code Failed} with a {@link ChildStartFailure} when a child
	 * did not start (those started are stopped again); {@code AlreadyStarted} when the name is
	 * taken
	 * @throws IllegalArgumentException for a null or duplicate child id, a null spec or strategy
	 */
	public static StartResult start(ProcessRuntime runtime, Strategy strategy, List<ChildSpec> children,
			Options options) {
		return start(runtime, strategy, children, options, false);
	}

	/**
	 * Like {@link #start}, linked to the calling process, which becomes its parent: the way to
	 * nest a supervisor under another (see {@link #childSpec}).
	 * @param runtime the runtime
	 * @param strategy the restart strategy
	 * @param children the children, in start order
	 * @param options intensity and an optional name
	 * @return the outcome
	 * @throws IllegalStateException when not called from a process
	 */
	public static StartResult startLink(ProcessRuntime runtime, Strategy strategy, List<ChildSpec> children,
			Options options) {
		return start(runtime, strategy, children, options, true);
	}

	/**
	 * A spec that starts a nested supervisor with {@link #startLink}.
	 * <pre>{@code
	 * ChildSpec payments = Supervisor.childSpec("payments", Strategy.ONE_FOR_ALL, List.of(gateway, ledger),
	 *         Supervisor.Options.defaults());
	 * }</pre>
	 * @param id the child id
	 * @param strategy the nested supervisor's strategy
	 * @param children its children
	 * @param options its options
	 * @return a permanent supervisor spec with shutdown infinity
	 */
	public static ChildSpec childSpec(Object id, Strategy strategy, List<ChildSpec> children, Options options) {
		List<ChildSpec> checked = check(strategy, children, options);
		return ChildSpec.supervisor(id, (runtime) -> startLink(runtime, strategy, checked, options));
	}

	private static StartResult start(ProcessRuntime runtime, Strategy strategy, List<ChildSpec> children,
			Options options, boolean link) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		List<ChildSpec> checked = check(strategy, children, options);
		StaticSupervisorServer server = new StaticSupervisorServer(strategy, checked, options, !link);
		RegistrableName name = options.name();
		if (link) {
			return (name != null) ? GenServer.startLink(runtime, server, null, name)
					: GenServer.startLink(runtime, server, null);
		}
		return (name != null) ? GenServer.start(runtime, server, null, name) : GenServer.start(runtime, server, null);
	}

	private static List<ChildSpec> check(Strategy strategy, List<ChildSpec> children, Options options) {
		if (strategy == null) {
			throw new IllegalArgumentException("supervisor strategy must not be null");
		}
		if (children == null) {
			throw new IllegalArgumentException("supervisor children must not be null; pass List.of() for none");
		}
		if (options == null) {
			throw new IllegalArgumentException("supervisor options must not be null; use Supervisor.Options.defaults()");
		}
		StaticSupervisorServer.checkIds(children);
		return List.copyOf(children);
	}

	/**
	 * The supervisor's children in start order, Elixir's {@code which_children}, with their
	 * restart history.
	 * @param runtime the runtime
	 * @param supervisor the supervisor
	 * @return the children
	 */
	public static List<ChildInfo> whichChildren(ProcessRuntime runtime, Name supervisor) {
		return SupervisorServer.call(runtime, supervisor, new SupervisorServer.WhichChildren());
	}

	/**
	 * @param runtime the runtime
	 * @param supervisor the supervisor
	 * @return its children counted, Elixir's {@code count_children}
	 */
	public static ChildCount countChildren(ProcessRuntime runtime, Name supervisor) {
		return SupervisorServer.call(runtime, supervisor, new SupervisorServer.CountChildren());
	}

	/**
	 * {@link #whichChildren(ProcessRuntime, Name)} with a bounded wait, for request threads and
	 * metrics scrapes.
	 * @param runtime the runtime
	 * @param supervisor the supervisor
	 * @param timeout how long the supervisor may take to answer
	 * @return the children
	 * @throws dev.procreg.process.CallTimeoutException when it does not answer in time
	 * @throws IllegalArgumentException when the process is not a supervisor
	 */
	public static List<ChildInfo> whichChildren(ProcessRuntime runtime, Name supervisor, Duration timeout) {
		return SupervisorServer.call(runtime, supervisor, new SupervisorServer.WhichChildren(), timeout);
	}

	/**
	 * {@link #countChildren(ProcessRuntime, Name)} with a bounded wait.
	 * @param runtime the runtime
	 * @param supervisor the supervisor
	 * @param timeout how long the supervisor may take to answer
	 * @return its children counted
	 * @throws dev.procreg.process.CallTimeoutException when it does not answer in time
	 * @throws IllegalArgumentException when the process is not a supervisor
	 */
	public static ChildCount countChildren(ProcessRuntime runtime, Name supervisor, Duration timeout) {
		return SupervisorServer.call(runtime, supervisor, new SupervisorServer.CountChildren(), timeout);
	}

	/**
	 * Adds a child and starts it, Elixir's {@code start_child}.
	 * <pre>{@code
	 * Supervisor.startChild(runtime, app, ChildSpec.worker("audit", AuditLog::new, null)).orThrow();
	 * }</pre>
	 * @param runtime the runtime
	 * @param supervisor the supervisor
	 * @param spec the child
	 * @return {@code Started}; {@code AlreadyStarted} when a running child has the id (or a live
	 * process holds the child's name); {@code Failed("already_present")} when a stopped child has
	 * the id; {@code Failed} when it did not start; {@code Ignored}
	 */
	public static StartResult startChild(ProcessRuntime runtime, Name supervisor, ChildSpec spec) {
		Objects.requireNonNull(spec, "child spec must not be null");
		return SupervisorServer.call(runtime, supervisor, new SupervisorServer.StartChild(spec));
	}

	/**
	 * Stops a child by its shutdown; its spec stays (a temporary child's goes), so that
	 * {@link #restartChild} can start it again.
	 * @param runtime the runtime
	 * @param supervisor the supervisor
	 * @param id the child's id
	 * @return whether the supervisor has such a child
	 */
	public static boolean terminateChild(ProcessRuntime runtime, Name supervisor, Object id) {
		return SupervisorServer.call(runtime, supervisor, new StaticSupervisorServer.TerminateChild(id));
	}

	/**
	 * Starts a stopped child again.
	 * @param runtime the runtime
	 * @param supervisor the supervisor
	 * @param id the child's id
	 * @return the outcome; {@code Failed("running")} when it runs, {@code Failed("not_found")}
	 * when there is no such child
	 */
	public static StartResult restartChild(ProcessRuntime runtime, Name supervisor, Object id) {
		return SupervisorServer.call(runtime, supervisor, new StaticSupervisorServer.RestartChild(id));
	}

	/**
	 * Removes a stopped child's spec.
	 * @param runtime the runtime
	 * @param supervisor the supervisor
	 * @param id the child's id
	 * @return whether there was such a child
	 * @throws IllegalStateException when the child runs; terminate it first
	 */
	public static boolean deleteChild(ProcessRuntime runtime, Name supervisor, Object id) {
		return SupervisorServer.call(runtime, supervisor, new StaticSupervisorServer.DeleteChild(id));
	}

	/**
	 * How a supervisor is set up.
	 *
	 * <pre>{@code
	 * Supervisor.Options.defaults().withMaxRestarts(10).withMaxSeconds(60).withName(Name.of("app"));
	 * }</pre>
	 *
	 * @param maxRestarts restarts allowed within {@code maxSeconds} (Elixir's default 3); 0 means
	 * the first restart needed shuts the supervisor down
	 * @param maxSeconds the intensity window in seconds (default 5)
	 * @param name a name to register the supervisor under, or {@code null}
	 */
	public record Options(int maxRestarts, int maxSeconds, @Nullable RegistrableName name) {

		/**
		 * @throws IllegalArgumentException for a negative {@code maxRestarts} or a
		 * {@code maxSeconds} below 1
		 */
		public Options {
			checkIntensity(maxRestarts, maxSeconds);
		}

		/** @return 3 restarts in 5 seconds, no name */
		public static Options defaults() {
			return new Options(3, 5, null);
		}

		/**
		 * @param restarts restarts allowed in the window
		 * @return these options with another {@code maxRestarts}
		 */
		public Options withMaxRestarts(int restarts) {
			return new Options(restarts, this.maxSeconds, this.name);
		}

		/**
		 * @param seconds the window
		 * @return these options with another {@code maxSeconds}
		 */
		public Options withMaxSeconds(int seconds) {
			return new Options(this.maxRestarts, seconds, this.name);
		}

		/**
		 * @param supervisorName the name
		 * @return these options with a name
		 */
		public Options withName(RegistrableName supervisorName) {
			return new Options(this.maxRestarts, this.maxSeconds,
					Objects.requireNonNull(supervisorName, "name must not be null"));
		}

	}

	static void checkIntensity(int maxRestarts, int maxSeconds) {
		if (maxRestarts < 0) {
			throw new IllegalArgumentException("maxRestarts must not be negative: " + maxRestarts);
		}
		if (maxSeconds < 1) {
			throw new IllegalArgumentException("maxSeconds must be at least 1: " + maxSeconds);
		}
	}

}
