package dev.procreg.supervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.process.CallTimeoutException;
import dev.procreg.process.ExitReason;
import dev.procreg.process.Name;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;

/**
 * An application's top-level supervisors, OTP's application start and stop: started in order,
 * stopped in reverse order within one shared time budget, and watched, so that one that exits on
 * its own while the application runs is reported as having given up (its restart intensity was
 * exceeded and it stopped its children).
 *
 * <pre>{@code
 * TopLevelSupervisors app = new TopLevelSupervisors(runtime, List.of(
 *         TopLevelSupervisors.Definition.of("payments", Strategy.REST_FOR_ONE, paymentChildren, Supervisor.Options.defaults()),
 *         TopLevelSupervisors.Definition.dynamic("uploads", DynamicSupervisor.Options.defaults())));
 * app.start();                          // in order; a failure stops those started and throws
 * ...
 * app.stop(Duration.ofSeconds(30));     // newest first; what is left when the budget is spent is killed
 * }</pre>
 *
 * <p>Stopping gives each supervisor {@code shutdown}: it stops its children in reverse order and
 * they run {@code terminate}. The budget is shared: a slow first supervisor leaves less time to
 * the next; a supervisor still running when the time left is spent is killed. Methods are
 * thread-safe; {@code start} and {@code stop} exclude each other.
 */
public final class TopLevelSupervisors {

	private static final Logger logger = LoggerFactory.getLogger(TopLevelSupervisors.class);

	/** How long a killed supervisor may take to be gone before stop moves on. */
	private static final Duration AFTER_KILL = Duration.ofSeconds(1);

	private final ProcessRuntime runtime;

	private final List<Definition> definitions;

	private final Object lock = new Object();

	private final List<Tracked> started = new ArrayList<>();

	private volatile boolean running;

	private volatile boolean stopping;

	/**
	 * @param runtime the runtime the supervisors run in
	 * @param definitions the supervisors, in start order
	 * @throws IllegalArgumentException when two definitions have one name
	 */
	public TopLevelSupervisors(ProcessRuntime runtime, List<Definition> definitions) {
		this.runtime = Objects.requireNonNull(runtime, "runtime must not be null");
		this.definitions = List.copyOf(definitions);
		Set<String> names = new HashSet<>();
		for (Definition definition : this.definitions) {
			if (!names.add(definition.name())) {
				throw new IllegalArgumentException("Two top-level supervisors are named '" + definition.name() + "'");
			}
		}
	}

	/**
	 * Starts every supervisor in order; does nothing when they run.
	 * @param failureBudget how long stopping those started may take when one fails to start
	 * @throws IllegalStateException when one did not start, naming it and why; those started
	 * before it are stopped again
	 */
	public void start(Duration failureBudget) {
		synchronized (this.lock) {
			if (this.running) {
				return;
			}
			this.stopping = false;
			this.started.clear();
			for (Definition definition : this.definitions) {
				StartResult result = definition.start().apply(this.runtime);
				if (!(result instanceof StartResult.Started(Pid pid))) {
					stopStarted(failureBudget);
					throw new IllegalStateException(
							"Supervisor '" + definition.name() + "' did not start: " + describe(result));
				}
				Tracked tracked = new Tracked(definition.name(), pid, Instant.now(),
						SupervisorIndex.of(this.runtime).get(pid));
				this.started.add(tracked);
				this.runtime.onExit(pid, (exited, reason) -> tracked.exited(reason));
				logger.debug("Started supervisor '{}' as {}", definition.name(), pid);
			}
			this.running = true;
		}
	}

	private static String describe(StartResult result) {
		return switch (result) {
			case StartResult.Failed(ExitReason reason) -> reason.toString();
			case StartResult.AlreadyStarted(Pid pid) -> "the name is taken by " + pid;
			default -> result.toString();
		};
	}

	/**
	 * Stops the supervisors, newest first, sharing {@code budget} among them; does nothing when
	 * they do not run.
	 * @param budget how long stopping all of them may take
	 */
	public void stop(Duration budget) {
		Objects.requireNonNull(budget, "budget must not be null");
		synchronized (this.lock) {
			if (!this.running) {
				return;
			}
			stopStarted(budget);
			this.running = false;
		}
	}

	private void stopStarted(Duration budget) {
		this.stopping = true;
		long deadline = System.nanoTime() + budget.toNanos();
		for (int i = this.started.size() - 1; i >= 0; i--) {
			Tracked tracked = this.started.get(i);
			if (!this.runtime.isAlive(tracked.pid)) {
				continue;
			}
			Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
			try {
				this.runtime.stop(tracked.pid, ExitReason.SHUTDOWN, left);
				logger.debug("Stopped supervisor '{}' ({})", tracked.name, tracked.pid);
			}
			catch (NoProcessException ex) {
				// exited meanwhile
			}
			catch (CallTimeoutException ex) {
				logger.warn("Supervisor '{}' ({}) did not stop within the shutdown budget; killing it", tracked.name,
						tracked.pid);
				this.runtime.exit(tracked.pid, ExitReason.KILL);
				this.runtime.awaitExit(tracked.pid, AFTER_KILL);
			}
		}
	}

	/** @return whether the supervisors were started and not stopped since */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * @param name a supervisor's name
	 * @return its pid while it runs
	 */
	public Optional<Pid> whereis(String name) {
		synchronized (this.lock) {
			for (Tracked tracked : this.started) {
				if (tracked.name.equals(name) && this.runtime.isAlive(tracked.pid)) {
					return Optional.of(tracked.pid);
				}
			}
		}
		return Optional.empty();
	}

	/** @return every defined supervisor, in start order, with what is known of it */
	public List<Status> statuses() {
		List<Status> statuses = new ArrayList<>(this.definitions.size());
		synchronized (this.lock) {
			for (Definition definition : this.definitions) {
				Tracked tracked = null;
				for (Tracked candidate : this.started) {
					if (candidate.name.equals(definition.name())) {
						tracked = candidate;
					}
				}
				statuses.add((tracked != null) ? tracked.status()
						: new Status(definition.name(), null, null, false, false, null, null, 0));
			}
		}
		return statuses;
	}

	/** @return the names of the supervisors that gave up while the application ran */
	public List<String> gaveUp() {
		return statuses().stream().filter(Status::gaveUp).map(Status::name).toList();
	}

	/** One started supervisor; hears of its exit through the runtime's exit listener. */
	private final class Tracked {

		final String name;

		final Pid pid;

		final Instant startedAt;

		private volatile @Nullable ExitReason exitReason;

		private volatile @Nullable Instant exitedAt;

		private volatile boolean gaveUp;

		/** Its entry in the supervisor index, kept to read its restarts after it exited. */
		private final SupervisorIndex.@Nullable Entry index;

		Tracked(String name, Pid pid, Instant startedAt, SupervisorIndex.@Nullable Entry index) {
			this.name = name;
			this.pid = pid;
			this.startedAt = startedAt;
			this.index = index;
		}

		void exited(ExitReason reason) {
			this.exitReason = reason;
			this.exitedAt = Instant.now();
			if (!TopLevelSupervisors.this.stopping && !TopLevelSupervisors.this.runtime.isClosed()) {
				this.gaveUp = true;
				logger.error("Supervisor '{}' ({}) gave up: {}", this.name, this.pid, reason);
			}
		}

		Status status() {
			ExitReason reason = this.exitReason;
			return new Status(this.name, this.pid, this.startedAt, reason == null, this.gaveUp, reason,
					this.exitedAt, (this.index != null) ? this.index.subtreeRestarts.get() : 0);
		}

	}

	/**
	 * What is known of one top-level supervisor.
	 *
	 * @param name its name
	 * @param pid its process, or {@code null} before it started
	 * @param startedAt when it started, or {@code null}
	 * @param running whether it runs now
	 * @param gaveUp whether it exited on its own while the application ran: its restart intensity
	 * was exceeded and it stopped its children
	 * @param exitReason why it exited, or {@code null} while it runs
	 * @param exitedAt when it exited, or {@code null}
	 * @param restarts restarts it and every supervisor below it made since it started, kept after
	 * it exited: the count the supervisors keep, read without a message
	 */
	public record Status(String name, @Nullable Pid pid, @Nullable Instant startedAt, boolean running, boolean gaveUp,
			@Nullable ExitReason exitReason, @Nullable Instant exitedAt, long restarts) {
	}

	/**
	 * One top-level supervisor: a name and how to start it.
	 *
	 * @param name its name, unique among the top-level supervisors
	 * @param start starts it, not linked to the caller; the pid it returns is the one watched
	 */
	public record Definition(String name, Function<ProcessRuntime, StartResult> start) {

		/**
		 * @throws IllegalArgumentException for a blank name or a null start function
		 */
		public Definition {
			if (name == null || name.isBlank()) {
				throw new IllegalArgumentException("a supervisor name must not be null or blank");
			}
			if (start == null) {
				throw new IllegalArgumentException("supervisor '" + name + "' needs a start function");
			}
		}

		/**
		 * A supervisor registered in the runtime under its name.
		 * @param name its name
		 * @param strategy its restart strategy
		 * @param children its children, in start order
		 * @param options its intensity; the name in it is replaced by {@code name}
		 * @return the definition
		 */
		public static Definition of(String name, Strategy strategy, List<ChildSpec> children,
				Supervisor.Options options) {
			Objects.requireNonNull(strategy, "strategy must not be null");
			Objects.requireNonNull(options, "options must not be null");
			List<ChildSpec> specs = List.copyOf(children);
			return new Definition(name,
					(runtime) -> Supervisor.start(runtime, strategy, specs, options.withName(Name.of(name))));
		}

		/**
		 * A dynamic supervisor registered in the runtime under its name.
		 * @param name its name
		 * @param options its intensity and limits; the name in it is replaced by {@code name}
		 * @return the definition
		 */
		public static Definition dynamic(String name, DynamicSupervisor.Options options) {
			Objects.requireNonNull(options, "options must not be null");
			return new Definition(name, (runtime) -> DynamicSupervisor.start(runtime, options.withName(Name.of(name))));
		}

	}

}
