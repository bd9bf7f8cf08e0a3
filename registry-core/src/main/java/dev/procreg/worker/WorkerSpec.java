package dev.procreg.worker;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.GenServer;
import dev.procreg.supervisor.Restart;

/**
 * How the workers of one {@link KeyedWorkers} type are made and kept.
 *
 * <pre>{@code
 * WorkerSpec<String> sessions = WorkerSpec.of("sessions", (String donorId) -> new DonorSession(payments))
 *     .withPartitions(8)
 *     .withIdleTimeout(Duration.ofMinutes(30))
 *     .withMaxInstances(10_000)
 *     .withMetadata(Map.of("tier", "standard"));
 * }</pre>
 *
 * @param <K> the key type
 * @param name the type's name: the unique registry the workers register in has this name, and
 * the type's supervisor is {@code procreg.workers.<name>}
 * @param factory a new server for a key; called for every start and restart, in the supervisor's
 * process, and the server's {@code init} receives the key
 * @param restart when a crashed or stopped worker is restarted; {@link Restart#TRANSIENT} (the
 * default) restarts after a crash only, so a passivated or stopped worker stays stopped until
 * its key is used again
 * @param idleTimeout passivation: a worker that receives no message of any kind for this long
 * stops with {@code shutdown}; {@code null} (the default) for never
 * @param maxInstances the most workers of this type that may run at once, counted over the whole
 * type (not per partition); 0 (the default) for no limit
 * @param partitions how many dynamic supervisors share the starts, at least 1 (default: one per
 * available processor); also the registry's partition count when the registry is created here
 * @param maxRestarts restarts a partition allows within {@code maxSeconds} (default 3)
 * @param maxSeconds the restart intensity window in seconds (default 5)
 * @param shutdownTimeout how long a worker may take to run {@code terminate} when it is stopped
 * (default 5 s)
 * @param callTimeout how long {@link KeyedWorkers#call(Object, Object)} waits for a reply
 * (default 5 s)
 * @param metadata what every worker registers with: its registry entry's value
 */
public record WorkerSpec<K>(String name, Function<? super K, ? extends GenServer<?>> factory, Restart restart,
		@Nullable Duration idleTimeout, int maxInstances, int partitions, int maxRestarts, int maxSeconds,
		Duration shutdownTimeout, Duration callTimeout, Map<String, String> metadata) {

	/**
	 * @throws IllegalArgumentException for a blank name, a null factory, restart or duration, a
	 * non-positive idle timeout, a negative limit, fewer than one partition, a negative
	 * {@code maxRestarts} or a {@code maxSeconds} below 1
	 */
	public WorkerSpec {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("a worker type's name must not be null or blank");
		}
		require(factory, name, "factory");
		require(restart, name, "restart");
		require(shutdownTimeout, name, "shutdownTimeout");
		require(callTimeout, name, "callTimeout");
		require(metadata, name, "metadata");
		if (idleTimeout != null && (idleTimeout.isZero() || idleTimeout.isNegative())) {
			throw new IllegalArgumentException("worker type '" + name + "': idleTimeout must be positive, was "
					+ idleTimeout);
		}
		if (maxInstances < 0) {
			throw new IllegalArgumentException("worker type '" + name + "': maxInstances must not be negative, was "
					+ maxInstances);
		}
		if (partitions < 1) {
			throw new IllegalArgumentException("worker type '" + name + "': partitions must be at least 1, was "
					+ partitions);
		}
		if (maxRestarts < 0 || maxSeconds < 1) {
			throw new IllegalArgumentException("worker type '" + name + "': maxRestarts must not be negative and"
					+ " maxSeconds must be at least 1, were " + maxRestarts + " and " + maxSeconds);
		}
		metadata = Map.copyOf(metadata);
	}

	private static void require(@Nullable Object value, String name, String what) {
		if (value == null) {
			throw new IllegalArgumentException("worker type '" + name + "': " + what + " must not be null");
		}
	}

	/**
	 * A worker type with the defaults: transient restart, no idle timeout, no limit, one
	 * partition per available processor, 3 restarts in 5 seconds, 5 second shutdown and call
	 * timeouts, no metadata.
	 * @param <K> the key type
	 * @param name the type's name
	 * @param factory a new server for a key
	 * @return the spec
	 */
	public static <K> WorkerSpec<K> of(String name, Function<? super K, ? extends GenServer<?>> factory) {
		return new WorkerSpec<>(name, factory, Restart.TRANSIENT, null, 0, Runtime.getRuntime().availableProcessors(),
				3, 5, Duration.ofSeconds(5), Duration.ofSeconds(5), Map.of());
	}

	/**
	 * @param value when a worker is restarted
	 * @return this spec with another restart type
	 */
	public WorkerSpec<K> withRestart(Restart value) {
		return new WorkerSpec<>(this.name, this.factory, value, this.idleTimeout, this.maxInstances, this.partitions,
				this.maxRestarts, this.maxSeconds, this.shutdownTimeout, this.callTimeout, this.metadata);
	}

	/**
	 * @param value how long a worker may go without a message; {@code null} for never
	 * @return this spec with another idle timeout
	 */
	public WorkerSpec<K> withIdleTimeout(@Nullable Duration value) {
		return new WorkerSpec<>(this.name, this.factory, this.restart, value, this.maxInstances, this.partitions,
				this.maxRestarts, this.maxSeconds, this.shutdownTimeout, this.callTimeout, this.metadata);
	}

	/**
	 * @param value the most workers at once over the whole type; 0 for no limit
	 * @return this spec with another limit
	 */
	public WorkerSpec<K> withMaxInstances(int value) {
		return new WorkerSpec<>(this.name, this.factory, this.restart, this.idleTimeout, value, this.partitions,
				this.maxRestarts, this.maxSeconds, this.shutdownTimeout, this.callTimeout, this.metadata);
	}

	/**
	 * @param value how many partition supervisors
	 * @return this spec with another partition count
	 */
	public WorkerSpec<K> withPartitions(int value) {
		return new WorkerSpec<>(this.name, this.factory, this.restart, this.idleTimeout, this.maxInstances, value,
				this.maxRestarts, this.maxSeconds, this.shutdownTimeout, this.callTimeout, this.metadata);
	}

	/**
	 * @param restarts restarts a partition allows within {@code seconds}
	 * @param seconds the window
	 * @return this spec with another restart intensity
	 */
	public WorkerSpec<K> withIntensity(int restarts, int seconds) {
		return new WorkerSpec<>(this.name, this.factory, this.restart, this.idleTimeout, this.maxInstances,
				this.partitions, restarts, seconds, this.shutdownTimeout, this.callTimeout, this.metadata);
	}

	/**
	 * @param value how long a worker may take to run {@code terminate}
	 * @return this spec with another shutdown timeout
	 */
	public WorkerSpec<K> withShutdownTimeout(Duration value) {
		return new WorkerSpec<>(this.name, this.factory, this.restart, this.idleTimeout, this.maxInstances,
				this.partitions, this.maxRestarts, this.maxSeconds, value, this.callTimeout, this.metadata);
	}

	/**
	 * @param value how long a call waits for its reply by default
	 * @return this spec with another call timeout
	 */
	public WorkerSpec<K> withCallTimeout(Duration value) {
		return new WorkerSpec<>(this.name, this.factory, this.restart, this.idleTimeout, this.maxInstances,
				this.partitions, this.maxRestarts, this.maxSeconds, this.shutdownTimeout, value, this.metadata);
	}

	/**
	 * @param value what every worker registers with
	 * @return this spec with other metadata
	 */
	public WorkerSpec<K> withMetadata(Map<String, String> value) {
		return new WorkerSpec<>(this.name, this.factory, this.restart, this.idleTimeout, this.maxInstances,
				this.partitions, this.maxRestarts, this.maxSeconds, this.shutdownTimeout, this.callTimeout,
				Objects.requireNonNull(value, "metadata must not be null"));
	}

	/** @return the name of the type's top-level supervisor */
	public String supervisorName() {
		return "procreg.workers." + this.name;
	}

}
