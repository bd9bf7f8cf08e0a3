package dev.procreg.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.CallTimeoutException;
import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessException;
import dev.procreg.process.ProcessExitException;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.process.internal.Runtimes;
import dev.procreg.registry.Keys;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.supervisor.ChildCount;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.ChildStart;
import dev.procreg.supervisor.DynamicSupervisor;
import dev.procreg.supervisor.PartitionSupervisor;
import dev.procreg.supervisor.Shutdown;
import dev.procreg.supervisor.SupervisionTree;
import dev.procreg.supervisor.Supervisor;
import dev.procreg.supervisor.TopLevelSupervisors;

/**
 * One process per key, in plain Java: Akka's and Orleans' keyed entities on OTP parts. A key's
 * worker is a {@link GenServer} started on first use under a {@link PartitionSupervisor} (the
 * key picks the partition) and registered under its key in a unique {@link ProcessRegistry};
 * it stops when idle and starts again on the next use.
 *
 * <pre>{@code
 * KeyedWorkers<String> sessions = KeyedWorkers.create(runtime,
 *         WorkerSpec.of("sessions", (String donorId) -> new DonorSession(payments))
 *             .withIdleTimeout(Duration.ofMinutes(30))
 *             .withMaxInstances(10_000));
 * sessions.start().orThrow();                  // or nest it: sessions.childSpec("sessions")
 *
 * Receipt receipt = sessions.call("donor-42", new Donate(100_000));
 * sessions.cast("donor-42", new Touch());
 * sessions.stop("donor-42");                   // not restarted; the next use starts a new one
 * }</pre>
 *
 * <h2>One worker per key</h2>
 * A worker starts under its registry's via name, so of two concurrent starts for one key the
 * registry admits one and the other never runs {@code init} ({@code AlreadyStarted}). The losing
 * start reports {@code Ignored} to its supervisor, so a supervisor restarting a crashed worker
 * whose key a new worker has taken meanwhile drops the old child instead of counting failed
 * restarts until it gives up.
 *
 * <h2>Passivation</h2>
 * With an idle timeout, each worker runs with the GenServer's own
 * {@linkplain GenServer.Options#idleShutdown() idle shutdown}: any message (a call, a cast, a
 * plain message sent to the pid, a monitor's {@code Down}) keeps it, and a request in flight
 * keeps it too. A passivated worker is not restarted, whatever its restart type (its child start
 * reports the exit as {@linkplain ChildStart#exitIsFinal final}), so with an idle timeout an exit
 * with {@code shutdown} always ends a worker until its key is used again. A request that meets a
 * worker in the instant it stops, or a key that resolves to nothing, is sent again to a new
 * worker.
 *
 * <h2>Retries</h2>
 * This class is the one place that retries: a call, cast or send is tried at most
 * {@value #ATTEMPTS} times in all, each attempt finding or starting the worker once. A request a
 * worker crashed on is not sent again: the call throws the crash. Callers above (a Spring
 * template, an application) should not retry again.
 *
 * <h2>Limits</h2>
 * {@code maxInstances} counts the workers of the whole type, restarts included, whatever the
 * partitions: a start beyond it fails with {@link WorkerStartException}, and a worker's slot is
 * free again as soon as its exit completes.
 *
 * @param <K> the key type
 */
public final class KeyedWorkers<K> {

	/** How many times in all a request is tried, finding or starting the worker each time. */
	public static final int ATTEMPTS = 5;

	private final ProcessRuntime runtime;

	private final WorkerSpec<K> spec;

	private final ProcessRegistry<Object, Object> registry;

	private final PartitionSupervisor supervisor;

	/**
	 * One permit per running worker when {@code maxInstances} is set: taken by every start
	 * (restarts too) before {@code init}, given back when the worker exits.
	 */
	private final @Nullable Semaphore instances;

	private KeyedWorkers(ProcessRuntime runtime, WorkerSpec<K> spec, ProcessRegistry<Object, Object> registry) {
		this.runtime = runtime;
		this.spec = spec;
		this.registry = registry;
		this.supervisor = PartitionSupervisor.create(runtime, spec.partitions(),
				DynamicSupervisor.Options.defaults()
					.withMaxRestarts(spec.maxRestarts())
					.withMaxSeconds(spec.maxSeconds())
					.withName(dev.procreg.process.Name.of(spec.supervisorName())));
		this.instances = (spec.maxInstances() > 0) ? new Semaphore(spec.maxInstances()) : null;
	}

	/**
	 * Prepares a worker type; its workers register in the runtime's unique registry named after
	 * the type, created with the type's partition count when there is none.
	 * @param <K> the key type
	 * @param runtime the runtime
	 * @param spec the type
	 * @return the worker type, its supervisor not started
	 * @throws IllegalArgumentException when a registry of that name has duplicate keys
	 */
	public static <K> KeyedWorkers<K> create(ProcessRuntime runtime, WorkerSpec<K> spec) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		Objects.requireNonNull(spec, "spec must not be null");
		ProcessRegistry<?, ?> registry = ProcessRegistry.named(runtime, spec.name()).orElse(null);
		if (registry == null) {
			registry = ProcessRegistry.start(runtime,
					RegistryOptions.unique(spec.name()).withPartitions(spec.partitions()));
		}
		return create(runtime, spec, registry);
	}

	/**
	 * Prepares a worker type whose workers register in a given registry.
	 * @param <K> the key type
	 * @param runtime the runtime
	 * @param spec the type
	 * @param registry a unique registry of the runtime
	 * @return the worker type, its supervisor not started
	 * @throws IllegalArgumentException when the registry has duplicate keys or another runtime
	 */
	@SuppressWarnings("unchecked")
	public static <K> KeyedWorkers<K> create(ProcessRuntime runtime, WorkerSpec<K> spec,
			ProcessRegistry<?, ?> registry) {
		Objects.requireNonNull(registry, "registry must not be null");
		if (registry.keys() != Keys.UNIQUE) {
			throw new IllegalArgumentException("worker type '" + spec.name() + "' needs a unique registry, but '"
					+ registry.name() + "' has duplicate keys");
		}
		if (registry.runtime() != runtime) {
			throw new IllegalArgumentException("registry '" + registry.name() + "' belongs to another runtime");
		}
		KeyedWorkers<K> workers = new KeyedWorkers<>(runtime, spec, (ProcessRegistry<Object, Object>) registry);
		if (!Runtimes.addComponent(runtime, KeyedWorkers.class, spec.name(), workers)) {
			throw new IllegalArgumentException("runtime " + runtime.node() + " has a worker type named '" + spec.name()
					+ "' already");
		}
		return workers;
	}

	/**
	 * @param runtime a runtime
	 * @return its worker types, in the order they were created
	 */
	public static List<KeyedWorkers<?>> all(ProcessRuntime runtime) {
		List<KeyedWorkers<?>> all = new ArrayList<>();
		for (KeyedWorkers<?> workers : Runtimes.components(runtime, KeyedWorkers.class)) {
			all.add(workers);
		}
		return all;
	}

	// ---- lifecycle

	/**
	 * Starts the type's supervisor, not linked to the caller; closing the runtime stops it in
	 * reverse start order with the other top-level supervisors.
	 * @return the outcome; the pid is the supervisor above the partitions
	 */
	public StartResult start() {
		return this.supervisor.start();
	}

	/**
	 * @param id the child id
	 * @return a spec that starts the type's supervisor under another supervisor
	 */
	public ChildSpec childSpec(Object id) {
		return this.supervisor.childSpec(id);
	}

	/** @return the type's supervisor as one of an application's top-level supervisors */
	public TopLevelSupervisors.Definition definition() {
		return new TopLevelSupervisors.Definition(this.spec.supervisorName(), (rt) -> start());
	}

	// ---- use

	/**
	 * Calls the key's worker with the spec's call timeout, starting it when none runs.
	 * @param <R> the reply type, as the caller expects it
	 * @param key the key
	 * @param request the request
	 * @return the reply
	 * @throws WorkerStartException when the worker could not be started
	 * @throws ProcessExitException when the worker exited before replying
	 * @throws CallTimeoutException when no reply came in time
	 */
	public <R> R call(K key, Object request) {
		return call(key, request, this.spec.callTimeout());
	}

	/**
	 * Calls the key's worker, starting it when none runs.
	 * @param <R> the reply type, as the caller expects it
	 * @param key the key
	 * @param request the request
	 * @param timeout how long to wait for the reply
	 * @return the reply
	 * @throws WorkerStartException when the worker could not be started
	 * @throws ProcessExitException when the worker exited before replying
	 * @throws CallTimeoutException when no reply came in time
	 */
	public <R> R call(K key, Object request, Duration timeout) {
		Objects.requireNonNull(request, "request must not be null");
		Objects.requireNonNull(timeout, "timeout must not be null");
		return withWorker(key, (pid) -> this.runtime.call(pid, request, timeout));
	}

	/**
	 * Casts a request to the key's worker, starting it when none runs.
	 * @param key the key
	 * @param request the request
	 */
	public void cast(K key, Object request) {
		Objects.requireNonNull(request, "request must not be null");
		withWorker(key, (pid) -> {
			this.runtime.cast(pid, request);
			return null;
		});
	}

	/**
	 * Sends a message to the key's worker (its {@code handleInfo} receives it), starting it when
	 * none runs.
	 * @param key the key
	 * @param message the message
	 */
	public void send(K key, Object message) {
		Objects.requireNonNull(message, "message must not be null");
		withWorker(key, (pid) -> {
			this.runtime.send(pid, message);
			return null;
		});
	}

	/**
	 * The key's worker, started when none runs. Concurrent first calls for one key start exactly
	 * one worker, and every caller gets its pid.
	 * @param key the key
	 * @return the worker's pid
	 * @throws WorkerStartException when the worker could not be started
	 */
	public Pid startOrFind(K key) {
		return start(key).orThrow();
	}

	/**
	 * Like {@link #startOrFind}, telling whether this call started the worker: exactly one of
	 * concurrent first calls for a key gets {@link StartResult.Started}, the others
	 * {@link StartResult.AlreadyStarted} with the same pid.
	 * @param key the key
	 * @return {@code Started} or {@code AlreadyStarted}, with the worker's pid
	 * @throws WorkerStartException when the worker could not be started
	 */
	public StartResult start(K key) {
		requireKey(key);
		for (int attempt = 1;; attempt++) {
			try {
				StartResult result = startOnce(key);
				if (result != null) {
					return result;
				}
			}
			catch (NoProcessException ex) {
				// its partition restarts: try again
				if (attempt == ATTEMPTS) {
					throw notRunning(key, ex);
				}
				continue;
			}
			if (attempt == ATTEMPTS) {
				throw new WorkerStartException(describe(key) + " kept exiting while it was being started");
			}
		}
	}

	/**
	 * Stops the key's worker through its supervisor, so it is not restarted; the next use of the
	 * key starts a new one.
	 * @param key the key
	 * @return whether a worker ran and was stopped
	 */
	public boolean stop(K key) {
		requireKey(key);
		Optional<Pid> pid = this.registry.whereis(key);
		if (pid.isEmpty()) {
			return false;
		}
		try {
			return this.supervisor.terminateChild(pid.get());
		}
		catch (NoProcessException ex) {
			return false;
		}
	}

	/**
	 * @param key the key
	 * @return the key's live worker; none is started
	 */
	public Optional<Pid> whereis(K key) {
		requireKey(key);
		return this.registry.whereis(key);
	}

	// ---- information

	/** @return the type */
	public WorkerSpec<K> spec() {
		return this.spec;
	}

	/** @return the type's name, which is its registry's name */
	public String name() {
		return this.spec.name();
	}

	/** @return the registry the workers register in, keyed by worker key */
	public ProcessRegistry<?, ?> registry() {
		return this.registry;
	}

	/** @return the runtime the workers run in */
	public ProcessRuntime runtime() {
		return this.runtime;
	}

	/** @return the type's top-level supervisor while it runs */
	public Optional<Pid> supervisorPid() {
		return this.supervisor.pid().filter(this.runtime::isAlive);
	}

	/**
	 * How many workers run now, as their partition supervisors count them.
	 * @param timeout how long each partition may take to answer
	 * @return the count; partitions that do not answer in time count 0
	 */
	public int activeWorkers(Duration timeout) {
		int active = 0;
		for (Pid partition : this.supervisor.partitions()) {
			try {
				ChildCount count = Supervisor.countChildren(this.runtime, partition, timeout);
				active += count.active();
			}
			catch (ProcessException | IllegalArgumentException ex) {
				// restarting, or busy past the timeout
			}
		}
		return active;
	}

	/**
	 * @return how many times the type's supervisors restarted a worker (or a partition) since
	 * the type's supervisor started, as the supervisors count them; 0 when it does not run
	 */
	public long restarts() {
		return this.supervisor.pid().stream().mapToLong((pid) -> SupervisionTree.restarts(this.runtime, pid).orElse(0))
			.sum();
	}

	// ---- internals

	private <T> T withWorker(K key, Function<Pid, T> action) {
		requireKey(key);
		for (int attempt = 1;; attempt++) {
			Pid pid;
			try {
				StartResult result = startOnce(key);
				if (result == null) {
					if (attempt == ATTEMPTS) {
						throw new WorkerStartException(describe(key) + " kept exiting while it was being started");
					}
					continue;
				}
				pid = result.orThrow();
			}
			catch (NoProcessException ex) {
				if (attempt == ATTEMPTS) {
					throw notRunning(key, ex);
				}
				continue;
			}
			try {
				return action.apply(pid);
			}
			catch (NoProcessException ex) {
				if (attempt == ATTEMPTS) {
					throw ex;
				}
			}
			catch (ProcessExitException ex) {
				// shut down (passivated, stopped) before it handled the request: send it again
				if (attempt == ATTEMPTS || !ExitReason.SHUTDOWN.equals(ex.reason())) {
					throw ex;
				}
			}
		}
	}

	/**
	 * Finds or starts the key's worker once.
	 * @return the outcome, or {@code null} when the worker that won a start race died meanwhile
	 * @throws NoProcessException when the key's partition supervisor is restarting
	 */
	private @Nullable StartResult startOnce(K key) {
		Optional<Pid> found = this.registry.whereis(key);
		if (found.isPresent()) {
			return new StartResult.AlreadyStarted(found.get());
		}
		if (this.supervisor.pid().filter(this.runtime::isAlive).isEmpty()) {
			throw notRunning(key, null);
		}
		WorkerStart start = new WorkerStart(key);
		ChildSpec child = ChildSpec.of(key, start)
			.withRestart(this.spec.restart())
			.withShutdown(Shutdown.timeout(this.spec.shutdownTimeout()));
		StartResult result = this.supervisor.startChild(key, child);
		return switch (result) {
			case StartResult.Started started -> started;
			case StartResult.AlreadyStarted already -> already;
			case StartResult.Ignored ignored -> {
				Pid owner = start.owner;
				if (owner == null) {
					throw new WorkerStartException(describe(key) + " was not started: its init returned ignore");
				}
				yield this.runtime.isAlive(owner) ? new StartResult.AlreadyStarted(owner) : null;
			}
			case StartResult.MaxChildren(int limit) -> throw new WorkerStartException("Cannot start " + describe(key)
					+ ": " + limit + " workers of this type run already, its maximum (maxInstances)");
			case StartResult.Failed(ExitReason reason) -> throw new WorkerStartException(
					describe(key) + " failed to start: " + reason,
					(reason instanceof ExitReason.Crash(Throwable error)) ? error : null);
		};
	}

	private WorkerStartException notRunning(Object key, @Nullable Throwable cause) {
		String message = "Cannot start " + describe(key) + ": its supervisor " + this.spec.supervisorName()
				+ " is not running (not started yet, or stopping)";
		return (cause != null) ? new WorkerStartException(message, cause) : new WorkerStartException(message);
	}

	private String describe(Object key) {
		return "worker '" + this.spec.name() + "' for key '" + key + "'";
	}

	private static void requireKey(@Nullable Object key) {
		if (key == null) {
			throw new IllegalArgumentException("a worker key must not be null");
		}
	}

	@Override
	public String toString() {
		return "KeyedWorkers[" + this.spec.name() + "]";
	}

	/** Starts one key's worker; turns a lost start race into {@code Ignored}. */
	private final class WorkerStart implements ChildStart {

		private final Object key;

		volatile @Nullable Pid owner;

		WorkerStart(Object key) {
			this.key = key;
		}

		@Override
		@SuppressWarnings("unchecked")
		public StartResult start(ProcessRuntime runtime) {
			Semaphore slots = KeyedWorkers.this.instances;
			if (slots != null && !slots.tryAcquire()) {
				return new StartResult.MaxChildren(KeyedWorkers.this.spec.maxInstances());
			}
			StartResult result;
			try {
				GenServer<?> server = KeyedWorkers.this.spec.factory().apply((K) this.key);
				if (server == null) {
					throw new IllegalStateException("the factory of worker type '" + KeyedWorkers.this.spec.name()
							+ "' returned null for key '" + this.key + "'");
				}
				GenServer.Options options = GenServer.Options.defaults()
					.withName(KeyedWorkers.this.registry.via(this.key, KeyedWorkers.this.spec.metadata()))
					.withIdleShutdown(KeyedWorkers.this.spec.idleTimeout());
				result = GenServer.startLink(runtime, server, this.key, options);
			}
			catch (RuntimeException ex) {
				release(slots);
				throw ex;
			}
			if (result instanceof StartResult.Started(Pid pid)) {
				if (slots != null) {
					runtime.onExit(pid, (exited, reason) -> slots.release());
				}
				return result;
			}
			release(slots);
			if (result instanceof StartResult.AlreadyStarted(Pid holder)) {
				this.owner = holder;
				return new StartResult.Ignored();
			}
			return result;
		}

		@Override
		public boolean exitIsFinal(ExitReason reason) {
			// passivation: the worker stopped itself when idle; the next use of its key starts it
			return KeyedWorkers.this.spec.idleTimeout() != null && ExitReason.SHUTDOWN.equals(reason);
		}

		private void release(@Nullable Semaphore slots) {
			if (slots != null) {
				slots.release();
			}
		}

	}

}
