package dev.procreg.boot.worker;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import dev.procreg.process.CallTimeoutException;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessExitException;
import dev.procreg.process.StartResult;
import dev.procreg.worker.KeyedWorkers;
import dev.procreg.worker.WorkerStartException;

/**
 * Talks to {@link RegisteredProcess} workers by type and key, starting a key's worker on first
 * use: the Spring way to reach one process per session, donor or order. Each method looks the
 * type up and hands the work to core's {@link KeyedWorkers}.
 *
 * <pre>{@code
 * Receipt receipt = template.call(DonorSession.class, donorId, new Donate(100_000));
 * template.cast(DonorSession.class, donorId, new Touch());
 * template.stop(DonorSession.class, donorId);
 * }</pre>
 *
 * <p>Every method may be called from any thread. A call that meets a worker just passivated or
 * just stopped (it exited with {@code shutdown} before handling the request, or its key resolved
 * to nothing) is sent again, to a worker started anew, by {@link KeyedWorkers}, the one layer
 * that retries; after a crash and restart the next call reaches the new worker. A request a
 * worker crashed on is not sent again: the call throws the crash.
 */
public final class ProcessTemplate {

	private final WorkerTypes types;

	private final Duration callTimeout;

	/**
	 * @param types the application's worker types
	 * @param callTimeout the timeout of {@link #call(Class, Object, Object)}
	 */
	public ProcessTemplate(WorkerTypes types, Duration callTimeout) {
		this.types = Objects.requireNonNull(types, "types must not be null");
		this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout must not be null");
	}

	/**
	 * Calls the key's worker with the default timeout ({@code process-registry.workers.call-timeout}).
	 * @param <R> the reply type, as the caller expects it
	 * @param type the worker class
	 * @param key the key
	 * @param request the request
	 * @return the reply
	 * @throws WorkerStartException when the worker could not be started
	 * @throws ProcessExitException when the worker exited before replying
	 * @throws CallTimeoutException when no reply came in time
	 */
	public <R> R call(Class<? extends GenServer<?>> type, Object key, Object request) {
		return call(type, key, request, this.callTimeout);
	}

	/**
	 * Calls the key's worker.
	 * @param <R> the reply type, as the caller expects it
	 * @param type the worker class
	 * @param key the key
	 * @param request the request
	 * @param timeout how long to wait for the reply
	 * @return the reply
	 * @throws WorkerStartException when the worker could not be started
	 * @throws ProcessExitException when the worker exited before replying
	 * @throws CallTimeoutException when no reply came in time
	 */
	public <R> R call(Class<? extends GenServer<?>> type, Object key, Object request, Duration timeout) {
		return workers(type).call(key, request, timeout);
	}

	/**
	 * Casts a request to the key's worker, starting it when none runs.
	 * @param type the worker class
	 * @param key the key
	 * @param request the request
	 */
	public void cast(Class<? extends GenServer<?>> type, Object key, Object request) {
		workers(type).cast(key, request);
	}

	/**
	 * Sends a message to the key's worker (its {@code handleInfo} receives it), starting it when
	 * none runs.
	 * @param type the worker class
	 * @param key the key
	 * @param message the message
	 */
	public void send(Class<? extends GenServer<?>> type, Object key, Object message) {
		workers(type).send(key, message);
	}

	/**
	 * The key's worker, started when none runs. Race-free: concurrent first calls for one key
	 * start exactly one worker, and every caller gets its pid.
	 * @param type the worker class
	 * @param key the key
	 * @return the worker's pid
	 * @throws WorkerStartException when the worker could not be started
	 */
	public Pid startOrFind(Class<? extends GenServer<?>> type, Object key) {
		return workers(type).startOrFind(key);
	}

	/**
	 * Like {@link #startOrFind}, telling whether this call started the worker: exactly one of
	 * concurrent first calls for a key gets {@link StartResult.Started}, the others
	 * {@link StartResult.AlreadyStarted} with the same pid.
	 * @param type the worker class
	 * @param key the key
	 * @return {@code Started} or {@code AlreadyStarted}, with the worker's pid
	 * @throws WorkerStartException when the worker could not be started
	 */
	public StartResult start(Class<? extends GenServer<?>> type, Object key) {
		return workers(type).start(key);
	}

	/**
	 * Stops the key's worker through its supervisor, which does not restart it; the next use of
	 * the key starts a new one.
	 * @param type the worker class
	 * @param key the key
	 * @return whether a worker ran
	 */
	public boolean stop(Class<? extends GenServer<?>> type, Object key) {
		return workers(type).stop(key);
	}

	/**
	 * @param type the worker class
	 * @param key the key
	 * @return the key's live worker; none is started
	 */
	public Optional<Pid> whereis(Class<? extends GenServer<?>> type, Object key) {
		return workers(type).whereis(key);
	}

	private KeyedWorkers<Object> workers(Class<?> type) {
		return this.types.get(type).workers();
	}

}
