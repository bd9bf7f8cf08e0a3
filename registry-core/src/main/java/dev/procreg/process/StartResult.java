package dev.procreg.process;

/**
 * The outcome of starting a server, Elixir's {@code {:ok, pid}}, {@code {:error,
 * {:already_started, pid}}}, {@code {:error, reason}} and {@code :ignore}.
 *
 * <pre>{@code
 * switch (GenServer.start(runtime, new Session(), null, sessions.via("donor-123"))) {
 *     case StartResult.Started(Pid pid) -> log.info("session {} started", pid);
 *     case StartResult.AlreadyStarted(Pid pid) -> log.info("session {} already runs", pid);
 *     case StartResult.Failed(ExitReason reason) -> throw new IllegalStateException(reason.toString());
 *     case StartResult.Ignored() -> { }
 *     case StartResult.MaxChildren(int limit) -> throw new IllegalStateException("at most " + limit);
 * }
 * }</pre>
 */
public sealed interface StartResult {

	/**
	 * The pid of the process that now runs under the name: the started one, or the one that
	 * already held the name.
	 * @return the pid
	 * @throws IllegalStateException when the start failed or was ignored
	 */
	Pid orThrow();

	/**
	 * The server started and its {@code init} returned {@code ok}.
	 *
	 * @param pid the new process
	 */
	record Started(Pid pid) implements StartResult {

		@Override
		public Pid orThrow() {
			return this.pid;
		}

	}

	/**
	 * The name was held by a live process; the new server never ran {@code init}.
	 *
	 * @param pid the process that holds the name
	 */
	record AlreadyStarted(Pid pid) implements StartResult {

		@Override
		public Pid orThrow() {
			return this.pid;
		}

	}

	/**
	 * {@code init} threw or asked to stop; the process exited with this reason.
	 *
	 * @param reason why
	 */
	record Failed(ExitReason reason) implements StartResult {

		@Override
		public Pid orThrow() {
			throw new IllegalStateException("start failed: " + this.reason,
					(this.reason instanceof ExitReason.Crash crash) ? crash.error() : null);
		}

	}

	/**
	 * A {@code DynamicSupervisor} already runs its maximum number of children, Elixir's
	 * {@code {:error, :max_children}}; nothing was started.
	 *
	 * @param limit the supervisor's {@code maxChildren}
	 */
	record MaxChildren(int limit) implements StartResult {

		@Override
		public Pid orThrow() {
			throw new IllegalStateException("start refused: the supervisor already runs its maximum of " + this.limit
					+ " children");
		}

	}

	/** {@code init} returned {@code ignore}: no process runs, and none is an error. */
	record Ignored() implements StartResult {

		@Override
		public Pid orThrow() {
			throw new IllegalStateException("start was ignored by init");
		}

	}

}
