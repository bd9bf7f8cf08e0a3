package dev.procreg.boot.supervision;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.procreg.process.Pid;
import dev.procreg.supervisor.TopLevelSupervisors;

import org.springframework.context.SmartLifecycle;

/**
 * The application context's lifecycle over core's {@link TopLevelSupervisors}: the supervisors
 * start when the context starts and stop in reverse order when it stops, all within
 * {@code spring.lifecycle.timeout-per-shutdown-phase}; whatever still runs when that budget is
 * spent is killed. The ordering, the budget and the give-up watch live in core; this class only
 * maps them onto {@link SmartLifecycle}.
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

	private final TopLevelSupervisors supervisors;

	private final Duration shutdownBudget;

	/**
	 * @param supervisors the top-level supervisors, in start order
	 * @param shutdownBudget how long stopping all of them may take, usually
	 * {@code spring.lifecycle.timeout-per-shutdown-phase}
	 */
	public ProcessSupervisors(TopLevelSupervisors supervisors, Duration shutdownBudget) {
		this.supervisors = Objects.requireNonNull(supervisors, "supervisors must not be null");
		this.shutdownBudget = Objects.requireNonNull(shutdownBudget, "shutdownBudget must not be null");
	}

	@Override
	public void start() {
		this.supervisors.start(this.shutdownBudget);
	}

	@Override
	public void stop() {
		this.supervisors.stop(this.shutdownBudget);
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

	@Override
	public boolean isRunning() {
		return this.supervisors.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** @return core's top-level supervisors behind this lifecycle */
	public TopLevelSupervisors topLevel() {
		return this.supervisors;
	}

	/**
	 * @param name a supervisor's name
	 * @return its pid while it runs
	 */
	public Optional<Pid> whereis(String name) {
		return this.supervisors.whereis(name);
	}

	/** @return every defined supervisor, in start order, with what is known of it */
	public List<TopLevelSupervisors.Status> supervisors() {
		return this.supervisors.statuses();
	}

	/** @return the names of the supervisors that gave up while the application ran */
	public List<String> gaveUp() {
		return this.supervisors.gaveUp();
	}

}
