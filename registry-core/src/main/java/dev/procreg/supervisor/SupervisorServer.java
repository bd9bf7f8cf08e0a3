package dev.procreg.supervisor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.process.Exit;
import dev.procreg.process.ExitReason;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.Name;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessInfo;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.process.internal.Owner;
import dev.procreg.process.internal.Runtimes;
import dev.procreg.registry.NameConflict;

/**
 * What every supervisor does: trap exits, start and stop children, count restarts against the
 * intensity, log exits once, answer introspection. The state is this instance, touched only by
 * the supervisor's own code (one message at a time).
 */
abstract class SupervisorServer extends GenServer<SupervisorServer> {

	static final Logger logger = LoggerFactory.getLogger(Supervisor.class);

	/** How long an infinite wait is. */
	static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

	/** Calls into a supervisor wait as long as its work takes, as in Elixir ({@code :infinity}). */
	static final Duration CALL_TIMEOUT = Duration.ofDays(365);

	/** The reply to {@link ChildOf} for a pid that is no child: a call's reply cannot be null. */
	private static final Object NO_CHILD = new Object();

	final int maxRestarts;

	final int maxSeconds;

	private final boolean topLevel;

	private final ArrayDeque<Long> restarts = new ArrayDeque<>();

	private SupervisorIndex.@Nullable Entry indexEntry;

	SupervisorServer(int maxRestarts, int maxSeconds, boolean topLevel) {
		this.maxRestarts = maxRestarts;
		this.maxSeconds = maxSeconds;
		this.topLevel = topLevel;
	}

	// ---- requests every supervisor answers

	/** Asks for a {@link SupervisorInfo} listing at most {@code limit} children. */
	record Describe(int limit) {
	}

	/** Asks how many children run now, as an {@code Integer}: O(1) for a dynamic supervisor. */
	record RunningChildren() {
	}

	/** Asks for the children's {@link ChildInfo}s. */
	record WhichChildren() {
	}

	/** Asks for one child's {@link ChildInfo}, or {@code null} when the pid is no child. */
	record ChildOf(Pid pid) {
	}

	/** Asks for a {@link ChildCount}. */
	record CountChildren() {
	}

	/** Starts a child. */
	record StartChild(ChildSpec spec) {
	}

	/** The reply to a request the supervisor refuses; the caller throws it. */
	record Refused(String message) {
	}

	/**
	 * Calls a supervisor.
	 * @return the reply
	 * @throws IllegalStateException when the supervisor refused the request
	 */
	static <R> R call(ProcessRuntime runtime, Name supervisor, Object request) {
		return call(runtime, supervisor, request, CALL_TIMEOUT);
	}

	/**
	 * Calls a supervisor, waiting at most {@code timeout}: what introspection uses, so a busy
	 * supervisor cannot hold a request thread or a metrics scrape.
	 * @return the reply
	 * @throws IllegalStateException when the supervisor refused the request
	 * @throws IllegalArgumentException when the process is not a supervisor
	 */
	static <R> R call(ProcessRuntime runtime, Name supervisor, Object request, Duration timeout) {
		Pid pid = supervisor.resolve(runtime);
		if (pid != null && runtime.isAlive(pid) && SupervisorIndex.of(runtime).get(pid) == null) {
			throw new IllegalArgumentException(supervisor + " (" + pid + ") is not a supervisor");
		}
		Object reply = runtime.call(supervisor, request, timeout);
		if (reply instanceof Refused(String message)) {
			throw new IllegalStateException(message);
		}
		if (reply == NO_CHILD) {
			return null;
		}
		@SuppressWarnings("unchecked")
		R result = (R) reply;
		return result;
	}

	// ---- callbacks

	@Override
	protected final Init<SupervisorServer> init(@Nullable Object arg) {
		context().trapExits(true);
		Pid parent = runtime().processInfo(self()).map(ProcessInfo::parent).orElse(null);
		this.indexEntry = SupervisorIndex.of(runtime()).track(runtime(), self(), parent, kind());
		if (this.topLevel) {
			Runtimes.stopInOrderOnClose(runtime(), self(), null);
		}
		ExitReason failure = startChildren();
		if (failure != null) {
			return Init.stop(failure);
		}
		return ok(this);
	}

	@Override
	protected final Result<SupervisorServer> handleCall(Object request, From from, SupervisorServer state) {
		Object reply = switch (request) {
			case Describe(int limit) -> describe(limit);
			case RunningChildren r -> runningChildren();
			case WhichChildren w -> children().stream().map(Child::info).toList();
			case CountChildren c -> count();
			case ChildOf(Pid pid) -> {
				Child child = childOf(pid);
				yield (child != null) ? child.info() : NO_CHILD;
			}
			default -> handleRequest(request);
		};
		return reply(reply, this);
	}

	@Override
	protected final Result<SupervisorServer> handleInfo(Object message, SupervisorServer state) {
		if (message instanceof Exit(Pid from, ExitReason reason) && from != null) {
			Child child = childOf(from);
			if (child == null) {
				// a child this supervisor stopped or replaced already, or an unrelated signal
				return noReply(this);
			}
			awaitThreadLeft(child, from, bound(child.spec.shutdown()));
			if (!childExited(from, child, reason)) {
				return stop(ExitReason.SHUTDOWN, this);
			}
			return noReply(this);
		}
		logger.debug("Supervisor {} ignored {}", self(), message);
		return noReply(this);
	}

	@Override
	protected final void terminate(ExitReason reason, SupervisorServer state) {
		stopChildren();
	}

	// ---- for the subclasses

	/** Starts the initial children; returns why that failed, or {@code null}. */
	abstract @Nullable ExitReason startChildren();

	/** Handles a request particular to this kind of supervisor; the result is the reply. */
	abstract Object handleRequest(Object request);

	abstract @Nullable Child childOf(Pid pid);

	/** A child exited; returns false when the supervisor must stop (intensity reached). */
	abstract boolean childExited(Pid pid, Child child, ExitReason reason);

	/** Stops every child, in reverse start order. */
	abstract void stopChildren();

	/** Its children, as it holds them: read them on the supervisor's own thread only. */
	abstract Collection<Child> children();

	abstract SupervisorInfo describe(int limit);

	abstract int runningChildren();

	abstract SupervisorInfo.Kind kind();

	/** Counts a restart of the child: in the child's record and in the runtime's supervisor index. */
	final void restarted(Child child) {
		child.restartCount++;
		SupervisorIndex.Entry entry = this.indexEntry;
		if (entry != null) {
			entry.restarted();
		}
		SupervisorIndex index = SupervisorIndex.of(runtime());
		if (index.observed()) {
			List<ChildInfo.ChildExit> exits = child.info().recentExits();
			index.publish(new SupervisionEvent.Restarted(self(), child.spec.id(),
					exits.isEmpty() ? null : exits.getFirst().pid(), child.lastExitReason, child.restartCount));
		}
	}

	final ChildCount count() {
		int specs = 0;
		int active = 0;
		int supervisors = 0;
		int workers = 0;
		for (Child child : children()) {
			specs++;
			if (child.pid != null) {
				active++;
			}
			if (child.spec.type() == ChildType.SUPERVISOR) {
				supervisors++;
			}
			else {
				workers++;
			}
		}
		return new ChildCount(specs, active, supervisors, workers);
	}

	final int restartsInWindow() {
		prune(System.nanoTime());
		return this.restarts.size();
	}

	/**
	 * Counts a restart against the intensity.
	 * @return whether it is allowed; when not, the supervisor must shut down
	 */
	final boolean addRestart(Child child) {
		long now = System.nanoTime();
		this.restarts.addLast(now);
		prune(now);
		if (this.restarts.size() > this.maxRestarts) {
			logger.error("Supervisor {} reached its maximum restart intensity ({} restarts in {} s); shutting down",
					self(), this.maxRestarts, this.maxSeconds);
			SupervisorIndex index = SupervisorIndex.of(runtime());
			if (index.observed()) {
				index.publish(new SupervisionEvent.GaveUp(self(), this.maxRestarts, this.maxSeconds, child.spec.id(),
						child.lastExitReason));
			}
			return false;
		}
		return true;
	}

	private void prune(long now) {
		long window = TimeUnit.SECONDS.toNanos(this.maxSeconds);
		while (!this.restarts.isEmpty() && now - this.restarts.peekFirst() >= window) {
			this.restarts.removeFirst();
		}
	}

	/**
	 * Starts a child's process from inside this supervisor, so that it links to it.
	 * @return the outcome; on {@code Started} the child records the pid
	 */
	final StartResult startProcess(Child child, List<Object> extraArguments) {
		StartResult result;
		try {
			result = child.spec.start().start(runtime(), extraArguments);
			if (result == null) {
				throw new IllegalStateException("the start function of child '" + child.spec.id() + "' returned null");
			}
		}
		catch (RuntimeException ex) {
			result = new StartResult.Failed(ExitReason.crash(ex));
		}
		if (result instanceof StartResult.Started(Pid pid)) {
			child.pid = pid;
			Child.Context context = new Child.Context(child.spec.id(), self(), child.restartCount);
			child.context = context;
			Owner process = Owner.of(runtime(), pid);
			if (process != null) {
				process.attach(context);
			}
		}
		return result;
	}

	/**
	 * Why a start result is a failure to start, or {@code null} when it is not one. A child whose
	 * name another node's process holds (a cluster-scoped via name) is running there: that is no
	 * failure, and the child stays stopped here, as an ignored one does.
	 */
	final @Nullable ExitReason failure(StartResult result) {
		return switch (result) {
			case StartResult.Started s -> null;
			case StartResult.Ignored i -> null;
			case StartResult.Failed(ExitReason reason) -> reason;
			case StartResult.AlreadyStarted(Pid owner) when !owner.node().equals(runtime().node()) -> null;
			case StartResult.AlreadyStarted a -> ExitReason.of(a);
			case StartResult.MaxChildren m -> ExitReason.of(m);
		};
	}

	/**
	 * Whether a child's exit ends it for good whatever its restart type: it lost its
	 * cluster-scoped name to an older claim ({@link NameConflict}), and the winner runs elsewhere.
	 */
	static boolean exitIsFinal(Child child, ExitReason reason) {
		return child.spec.start().exitIsFinal(reason)
				|| reason instanceof ExitReason.Custom(NameConflict conflict);
	}

	final void logStartFailure(Child child, ExitReason reason) {
		logger.error("Supervisor {} failed to start child '{}': {}", self(), child.spec.id(), reason);
	}

	/** Logs an abnormal exit once: a crash the runtime reported with this child's context is not logged again. */
	final void logExit(Child child, ExitReason reason) {
		if (reason.isNormal()) {
			return;
		}
		Child.Context context = child.context;
		if (reason instanceof ExitReason.Crash && context != null && context.reported) {
			return;
		}
		logger.error("Child '{}' of supervisor {} exited abnormally: {}", child.spec.id(), self(), reason);
	}

	/** Stops one running child according to its shutdown, and waits until it exited. */
	final void shutdown(Child child) {
		Pid pid = child.pid;
		if (pid == null) {
			return;
		}
		sendShutdown(pid, child.spec.shutdown());
		child.exited(awaitShutdown(child, pid, System.nanoTime()));
	}

	final void sendShutdown(Pid pid, Shutdown shutdown) {
		runtime().exit(pid, (shutdown == Shutdown.brutalKill()) ? ExitReason.KILL : ExitReason.SHUTDOWN);
	}

	/**
	 * Waits for a child sent its shutdown at {@code since}; kills it when its timeout passes. Then
	 * waits until the child's thread has left its code, so that a restart never overlaps it.
	 */
	final ExitReason awaitShutdown(Child child, Pid pid, long since) {
		ProcessRuntime runtime = runtime();
		ExitReason reason = switch (child.spec.shutdown()) {
			case Shutdown.BrutalKill kill -> {
				runtime.awaitExit(pid, FOREVER);
				yield ExitReason.KILLED;
			}
			case Shutdown.Infinity infinity -> {
				runtime.awaitExit(pid, FOREVER);
				yield ExitReason.SHUTDOWN;
			}
			case Shutdown.Timeout(Duration timeout) -> {
				long left = timeout.toNanos() - (System.nanoTime() - since);
				if (runtime.awaitExit(pid, Duration.ofNanos(Math.max(0, left)))) {
					yield ExitReason.SHUTDOWN;
				}
				logger.warn("Child '{}' ({}) of supervisor {} did not shut down within {} ms; killing it",
						child.spec.id(), pid, self(), timeout.toMillis());
				runtime.exit(pid, ExitReason.KILL);
				runtime.awaitExit(pid, FOREVER);
				yield ExitReason.KILLED;
			}
		};
		awaitThreadLeft(child, pid, bound(child.spec.shutdown()));
		return reason;
	}

	/**
	 * How long a supervisor waits for an exited child's thread to leave the child's code: the
	 * child's shutdown timeout; for {@code brutalKill}, which has none, the default worker timeout.
	 */
	private static Duration bound(Shutdown shutdown) {
		return switch (shutdown) {
			case Shutdown.Timeout(Duration timeout) -> timeout;
			case Shutdown.Infinity infinity -> FOREVER;
			case Shutdown.BrutalKill kill -> Shutdown.DEFAULT_WORKER_TIMEOUT;
		};
	}

	/**
	 * Waits until an exited child's thread has left its code (a killed handler blocked in
	 * non-interruptible I/O or on a lock runs on until that returns): the child is dead for every
	 * observer at once, but its replacement starts only after this, so a supervised singleton never
	 * runs twice at once. Past the bound the restart goes ahead, with a warning naming the child.
	 */
	private void awaitThreadLeft(Child child, Pid pid, Duration bound) {
		if (!runtime().awaitThreadLeft(pid, bound)) {
			logger.warn("Child '{}' ({}) of supervisor {} exited but its thread was still in its code after {} ms;"
					+ " going on without waiting longer", child.spec.id(), pid, self(), bound.toMillis());
		}
	}

}
