package dev.procreg.boot.supervision;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.process.CallTimeoutException;
import dev.procreg.process.ExitHook;
import dev.procreg.process.ExitReason;
import dev.procreg.process.LocalProcess;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the application's top-level supervisors when the context starts and stops them in
 * reverse order when it stops: each gets {@code shutdown}, stops its children in reverse order
 * and runs their {@code terminate}, all within {@code spring.lifecycle.timeout-per-shutdown-phase};
 * whatever is still running when that budget is spent is killed.
 *
 * <p>The {@linkplain #PHASE phase} lies below the web server's: supervisors start before the
 * server takes requests and stop after it has stopped taking them (and, with graceful shutdown,
 * after the requests in flight completed), so no request meets a stopped worker.
 *
 * <p>A supervisor that exits on its own while the application runs has given up: its restart
 * intensity was exceeded. It is not started again; {@link #supervisors()} reports it, and the
 * {@code processRegistry} health contributor turns DOWN.
 */
public final class ProcessSupervisors implements SmartLifecycle {

	/**
	 * The lifecycle phase: below the web server's start/stop phase
	 * ({@code DEFAULT_PHASE - 2048}) and its graceful shutdown ({@code DEFAULT_PHASE - 1024}).
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

	private static final Logger logger = LoggerFactory.getLogger(ProcessSupervisors.class);

	private final ProcessRuntime runtime;

	private final List<SupervisorDefinition> definitions;

	private final Duration shutdownBudget;

	private final Object lock = new Object();

	private final List<Tracked> started = new ArrayList<>();

	private volatile boolean running;

	private volatile boolean stopping;

	/**
	 * @param runtime the runtime the supervisors run in
	 * @param definitions the supervisors, in start order
	 * @param shutdownBudget how long stopping all of them may take, usually
	 * {@code spring.lifecycle.timeout-per-shutdown-phase}
	 */
	public ProcessSupervisors(ProcessRuntime runtime, List<SupervisorDefinition> definitions,
			Duration shutdownBudget) {
		this.runtime = Objects.requireNonNull(runtime, "runtime must not be null");
		this.definitions = List.copyOf(definitions);
		this.shutdownBudget = Objects.requireNonNull(shutdownBudget, "shutdownBudget must not be null");
		List<String> names = new ArrayList<>();
		for (SupervisorDefinition definition : this.definitions) {
			if (names.contains(definition.name())) {
				throw new IllegalStateException("Two supervisor definitions are named '" + definition.name() + "'");
			}
			names.add(definition.name());
		}
	}

	@Override
	public void start() {
		synchronized (this.lock) {
			if (this.running) {
				return;
			}
			this.stopping = false;
			this.started.clear();
			for (SupervisorDefinition definition : this.definitions) {
				StartResult result = definition.start(this.runtime);
				if (!(result instanceof StartResult.Started(Pid pid))) {
					stopStarted(this.shutdownBudget);
					throw new IllegalStateException(
							"Supervisor '" + definition.name() + "' did not start: " + describe(result));
				}
				Tracked tracked = new Tracked(definition.name(), pid, Instant.now());
				this.started.add(tracked);
				LocalProcess process = this.runtime.process(pid).orElse(null);
				if (process == null || !process.attach(tracked)) {
					tracked.processExited(null, ExitReason.NOPROC);
				}
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

	@Override
	public void stop() {
		synchronized (this.lock) {
			if (!this.running) {
				return;
			}
			stopStarted(this.shutdownBudget);
			this.running = false;
		}
	}

	@Override
	public void stop(Runnable callback) {
		// the lifecycle processor waits for the callback at most timeout-per-shutdown-phase
		Thread.ofVirtual().name("procreg-supervisors-stop").start(() -> {
			try {
				stop();
			}
			finally {
				callback.run();
			}
		});
	}

	/** Stops the started supervisors newest first, sharing {@code budget} among them. */
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
				logger.warn("Supervisor '{}' ({}) did not stop within the shutdown phase timeout; killing it",
						tracked.name, tracked.pid);
				this.runtime.exit(tracked.pid, ExitReason.KILL);
				this.runtime.awaitExit(tracked.pid, Duration.ofSeconds(1));
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
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
	public List<SupervisorStatus> supervisors() {
		List<SupervisorStatus> statuses = new ArrayList<>();
		synchronized (this.lock) {
			for (SupervisorDefinition definition : this.definitions) {
				Tracked tracked = this.started.stream()
					.filter((candidate) -> candidate.name.equals(definition.name()))
					.findFirst()
					.orElse(null);
				statuses.add((tracked != null) ? tracked.status()
						: new SupervisorStatus(definition.name(), null, null, false, false, null, null));
			}
		}
		return statuses;
	}

	/** @return the names of the supervisors that gave up while the application ran */
	public List<String> gaveUp() {
		return supervisors().stream().filter(SupervisorStatus::gaveUp).map(SupervisorStatus::name).toList();
	}

	/** One started supervisor; learns of its exit through an exit hook. */
	private final class Tracked extends ExitHook {

		final String name;

		final Pid pid;

		final Instant startedAt;

		private volatile @Nullable ExitReason exitReason;

		private volatile @Nullable Instant exitedAt;

		private volatile boolean gaveUp;

		Tracked(String name, Pid pid, Instant startedAt) {
			this.name = name;
			this.pid = pid;
			this.startedAt = startedAt;
		}

		@Override
		protected void processExited(@Nullable LocalProcess process, ExitReason reason) {
			this.exitReason = reason;
			this.exitedAt = Instant.now();
			if (!ProcessSupervisors.this.stopping && !ProcessSupervisors.this.runtime.isClosed()) {
				this.gaveUp = true;
				logger.error("Supervisor '{}' ({}) gave up: {}", this.name, this.pid, reason);
			}
		}

		@Override
		protected @Nullable String registeredName() {
			return null;
		}

		SupervisorStatus status() {
			ExitReason reason = this.exitReason;
			return new SupervisorStatus(this.name, this.pid, this.startedAt, reason == null, this.gaveUp, reason,
					this.exitedAt);
		}

	}

}
