package dev.procreg.boot.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.procreg.boot.supervision.SupervisorDefinition;
import dev.procreg.process.ExitHook;
import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.LocalProcess;
import dev.procreg.process.Name;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.RegisteredName;
import dev.procreg.process.StartResult;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.ChildStart;
import dev.procreg.supervisor.DynamicSupervisor;
import dev.procreg.supervisor.Restart;
import dev.procreg.supervisor.Shutdown;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.Supervisor;

/**
 * One {@link RegisteredProcess} worker type at run time: its registry, its partitioned
 * supervisor, and the start-or-find that keeps one worker per key.
 *
 * <h2>One worker per key</h2>
 * A worker starts under its registry's via name, so of two concurrent starts for one key the
 * registry admits one and the other never runs {@code init}: it ends as {@code AlreadyStarted},
 * which the child's start function reports to its supervisor as {@code Ignored} (so that a
 * supervisor restarting a crashed worker whose key a new worker has taken meanwhile drops the
 * old child instead of counting failed restarts until it gives up).
 *
 * <h2>Supervision</h2>
 * The type's top-level supervisor, named {@link #supervisorName()}, runs one dynamic supervisor
 * per partition, named {@code <supervisorName>.<i>}; a key's worker always starts in partition
 * {@code hash(key) mod partitions}, so starts of different keys are not serialized.
 */
public final class WorkerType {

	private final Class<?> type;

	private final String beanName;

	private final ProcessRegistry<Object, Object> registry;

	private final Supplier<GenServer<?>> factory;

	private final Restart restart;

	private final @Nullable Duration idleTimeout;

	private final int maxInstances;

	private final int partitions;

	/**
	 * One permit per running worker when {@code maxInstances} is set: taken by every start
	 * (restarts too) before {@code init}, given back by the worker's exit hook. One count for the
	 * whole type, so a limit is never reached early because keys hash unevenly over partitions.
	 */
	private final @Nullable Semaphore instances;

	private final Map<String, String> metadata;

	private final WorkerDefaults defaults;

	private final AtomicLong restarts = new AtomicLong();

	private final ConcurrentHashMap<Object, Activity> activity = new ConcurrentHashMap<>();

	WorkerType(Class<?> type, String beanName, ProcessRegistry<Object, Object> registry,
			Supplier<GenServer<?>> factory, Restart restart, @Nullable Duration idleTimeout, int maxInstances,
			int partitions, Map<String, String> metadata, WorkerDefaults defaults) {
		this.type = type;
		this.beanName = beanName;
		this.registry = registry;
		this.factory = factory;
		this.restart = restart;
		this.idleTimeout = idleTimeout;
		this.maxInstances = maxInstances;
		this.partitions = partitions;
		this.instances = (maxInstances > 0) ? new Semaphore(maxInstances) : null;
		this.metadata = Map.copyOf(metadata);
		this.defaults = defaults;
	}

	/** @return the worker class */
	public Class<?> type() {
		return this.type;
	}

	/** @return the prototype bean's name */
	public String beanName() {
		return this.beanName;
	}

	/** @return the name of the registry the workers register in, which names the type too */
	public String name() {
		return this.registry.name();
	}

	/** @return the registry the workers register in, keyed by worker key */
	public ProcessRegistry<Object, Object> registry() {
		return this.registry;
	}

	/** @return when a worker is restarted */
	public Restart restart() {
		return this.restart;
	}

	/** @return how long a worker may go unused before it is stopped */
	public Optional<Duration> idleTimeout() {
		return Optional.ofNullable(this.idleTimeout);
	}

	/** @return the most workers that may run at once, 0 for no limit */
	public int maxInstances() {
		return this.maxInstances;
	}

	/** @return the number of partition supervisors */
	public int partitions() {
		return this.partitions;
	}

	/** @return how many workers run now, counted by their partition supervisors */
	public int activeWorkers() {
		int active = 0;
		for (int i = 0; i < this.partitions; i++) {
			try {
				active += DynamicSupervisor.countChildren(this.registry.runtime(), partitionName(i)).active();
			}
			catch (NoProcessException ex) {
				// not running
			}
		}
		return active;
	}

	/** @return the metadata each worker registers with */
	public Map<String, String> metadata() {
		return this.metadata;
	}

	/** @return the name of the type's top-level supervisor in the runtime */
	public String supervisorName() {
		return "procreg.workers." + name();
	}

	/** @return how many times workers of this type were restarted after they exited */
	public long restarts() {
		return this.restarts.get();
	}

	/**
	 * @param key a worker key
	 * @return the name of the partition supervisor that starts the key's worker
	 */
	public RegisteredName partitionName(Object key) {
		return partitionName(Math.floorMod(key.hashCode(), this.partitions));
	}

	/**
	 * @param partition a partition index
	 * @return the name of that partition's dynamic supervisor
	 */
	public RegisteredName partitionName(int partition) {
		return Name.of(supervisorName() + "." + partition);
	}

	/** @return the type's top-level supervisor: one dynamic supervisor per partition */
	SupervisorDefinition supervisorDefinition() {
		List<ChildSpec> children = new ArrayList<>(this.partitions);
		for (int i = 0; i < this.partitions; i++) {
			DynamicSupervisor.Options options = DynamicSupervisor.Options.defaults()
				.withMaxRestarts(this.defaults.maxRestarts())
				.withMaxSeconds(this.defaults.maxSeconds())
				.withName(partitionName(i));
			children.add(DynamicSupervisor.childSpec("partition-" + i, options));
		}
		return SupervisorDefinition.of(supervisorName(), Strategy.ONE_FOR_ONE, children,
				Supervisor.Options.defaults()
					.withMaxRestarts(this.defaults.maxRestarts())
					.withMaxSeconds(this.defaults.maxSeconds()));
	}

	/**
	 * @param key a worker key
	 * @return the key's live worker
	 */
	public Optional<Pid> whereis(Object key) {
		return this.registry.whereis(key);
	}

	/**
	 * The key's worker, started when none runs; concurrent calls for one key start exactly one.
	 * @param runtime the runtime
	 * @param key the key
	 * @return {@code Started} with the worker this call started, or {@code AlreadyStarted} with
	 * the one that ran or that a concurrent call started
	 * @throws WorkerStartException when it could not be started
	 */
	StartResult start(ProcessRuntime runtime, Object key) {
		for (int attempt = 0; attempt < 5; attempt++) {
			Optional<Pid> found = this.registry.whereis(key);
			if (found.isPresent()) {
				return new StartResult.AlreadyStarted(found.get());
			}
			WorkerStart start = new WorkerStart(key);
			ChildSpec spec = ChildSpec.of(key, start)
				.withRestart(this.restart)
				.withShutdown(Shutdown.timeout(this.defaults.shutdownTimeout()));
			StartResult result;
			try {
				result = DynamicSupervisor.startChild(runtime, partitionName(key), spec);
			}
			catch (NoProcessException ex) {
				throw new WorkerStartException("Cannot start worker " + this.type.getSimpleName() + " for key '" + key
						+ "': its supervisor " + partitionName(key)
						+ " is not running (the application context has not started, or is stopping)", ex);
			}
			switch (result) {
				case StartResult.Started started -> {
					return started;
				}
				case StartResult.AlreadyStarted already -> {
					return already;
				}
				case StartResult.Ignored ignored -> {
					Pid owner = start.owner;
					if (owner == null) {
						throw new WorkerStartException("Worker " + this.type.getSimpleName() + " for key '" + key
								+ "' was not started: its init returned ignore");
					}
					if (runtime.isAlive(owner)) {
						return new StartResult.AlreadyStarted(owner);
					}
					// the owner died meanwhile: try again
				}
				case StartResult.MaxChildren(int limit) -> throw new WorkerStartException("Cannot start worker "
						+ this.type.getSimpleName() + " for key '" + key + "': " + limit
						+ " workers of this type run already, its maximum (maxInstances)");
				case StartResult.Failed(ExitReason reason) -> throw new WorkerStartException(
						"Worker " + this.type.getSimpleName() + " for key '" + key + "' failed to start: " + reason,
						(reason instanceof ExitReason.Crash(Throwable error)) ? error : null);
			}
		}
		throw new WorkerStartException("Worker " + this.type.getSimpleName() + " for key '" + key
				+ "' kept exiting while it was being started");
	}

	/**
	 * Stops the key's worker through its supervisor, so that it is not restarted; the next use
	 * of the key starts a new one.
	 * @param key the key
	 * @return whether a worker ran and was stopped
	 */
	public boolean stop(Object key) {
		ProcessRuntime runtime = this.registry.runtime();
		Optional<Pid> pid = this.registry.whereis(key);
		this.activity.remove(key);
		if (pid.isEmpty()) {
			return false;
		}
		try {
			return DynamicSupervisor.terminateChild(runtime, partitionName(key), pid.get());
		}
		catch (NoProcessException ex) {
			return false;
		}
	}

	/** Records a use of the key's worker; the result must be {@link Activity#done() done} after it. */
	Activity use(Object key) {
		for (;;) {
			Activity current = this.activity.computeIfAbsent(key, (k) -> new Activity());
			if (current.begin()) {
				return current;
			}
			// being passivated: wait until the old worker is gone, so this use cannot reach it
			current.awaitPassivated();
		}
	}

	/** Stops the workers idle for longer than the idle timeout. */
	void passivateIdle(ProcessRuntime runtime) {
		Duration timeout = this.idleTimeout;
		if (timeout == null) {
			return;
		}
		long now = System.nanoTime();
		this.activity.forEach((key, use) -> {
			if (!use.idleFor(now, timeout.toNanos())) {
				return;
			}
			Optional<Pid> pid = this.registry.whereis(key);
			if (pid.isEmpty()) {
				// gone, or being restarted: forget it once it stayed away for another timeout
				if (use.idleFor(now, 2 * timeout.toNanos())) {
					this.activity.remove(key, use);
				}
				return;
			}
			if (runtime.processInfo(pid.get()).map((info) -> info.mailboxLength() > 0).orElse(false)) {
				return;
			}
			// from here no use can begin until the worker is gone, and none is in flight
			if (!use.seal(now, timeout.toNanos())) {
				return;
			}
			try {
				DynamicSupervisor.terminateChild(runtime, partitionName(key), pid.get());
			}
			catch (RuntimeException ex) {
				// the supervisor stops or restarts; the worker goes with it
			}
			finally {
				this.activity.remove(key, use);
				use.passivated();
			}
		});
	}

	/**
	 * A key's use through the template: requests in flight and when it was last used. Passivation
	 * seals it (in flight {@code -1}) only while nothing is in flight, and a use that finds it
	 * sealed waits until the worker is gone; so a request never reaches a worker being passivated.
	 */
	static final class Activity {

		private final AtomicInteger inFlight = new AtomicInteger();

		private final CountDownLatch gone = new CountDownLatch(1);

		private volatile long lastUsed = System.nanoTime();

		/** @return false when passivation sealed this activity */
		boolean begin() {
			for (;;) {
				int now = this.inFlight.get();
				if (now < 0) {
					return false;
				}
				if (this.inFlight.compareAndSet(now, now + 1)) {
					this.lastUsed = System.nanoTime();
					return true;
				}
			}
		}

		void done() {
			this.lastUsed = System.nanoTime();
			this.inFlight.decrementAndGet();
		}

		boolean idleFor(long now, long nanos) {
			return this.inFlight.get() == 0 && now - this.lastUsed >= nanos;
		}

		boolean seal(long now, long nanos) {
			return now - this.lastUsed >= nanos && this.inFlight.compareAndSet(0, -1);
		}

		void passivated() {
			this.gone.countDown();
		}

		void awaitPassivated() {
			try {
				this.gone.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new WorkerStartException("interrupted while a worker was being passivated", ex);
			}
		}

	}

	private static void release(@Nullable Semaphore instances) {
		if (instances != null) {
			instances.release();
		}
	}

	/** Gives a worker's permit back when it exits. */
	private static final class ReleaseOnExit extends ExitHook {

		private final Semaphore instances;

		ReleaseOnExit(Semaphore instances) {
			this.instances = instances;
		}

		@Override
		protected void processExited(LocalProcess process, ExitReason reason) {
			this.instances.release();
		}

	}

	/** Starts one key's worker; counts restarts and turns a lost start race into {@code Ignored}. */
	private final class WorkerStart implements ChildStart {

		private final Object key;

		private final AtomicInteger starts = new AtomicInteger();

		volatile @Nullable Pid owner;

		WorkerStart(Object key) {
			this.key = key;
		}

		@Override
		public StartResult start(ProcessRuntime runtime) {
			if (this.starts.getAndIncrement() > 0) {
				WorkerType.this.restarts.incrementAndGet();
			}
			Semaphore instances = WorkerType.this.instances;
			if (instances != null && !instances.tryAcquire()) {
				return new StartResult.MaxChildren(WorkerType.this.maxInstances);
			}
			GenServer<?> server = WorkerType.this.factory.get();
			StartResult result;
			try {
				result = GenServer.startLink(runtime, server, this.key,
						WorkerType.this.registry.via(this.key, WorkerType.this.metadata));
			}
			catch (RuntimeException ex) {
				release(instances);
				throw ex;
			}
			if (result instanceof StartResult.Started(Pid pid)) {
				if (instances != null) {
					LocalProcess process = runtime.process(pid).orElse(null);
					if (process == null || !process.attach(new ReleaseOnExit(instances))) {
						instances.release(); // already exited
					}
				}
				return result;
			}
			release(instances);
			if (result instanceof StartResult.AlreadyStarted(Pid holder)) {
				this.owner = holder;
				return new StartResult.Ignored();
			}
			return result;
		}

	}

}
