package dev.procreg.supervisor;

import java.time.Duration;
import java.util.Objects;

/**
 * How a supervisor stops a child, Elixir's {@code :shutdown}: {@link #brutalKill()}, a
 * {@link #timeout(Duration)} after which the child is killed, or {@link #infinity()}.
 *
 * <pre>{@code
 * ChildSpec.worker("flusher", Flusher::new, null).withShutdown(Shutdown.timeout(Duration.ofSeconds(30)));
 * }</pre>
 */
public sealed interface Shutdown {

	/** Elixir's default for workers: 5 seconds. */
	Duration DEFAULT_WORKER_TIMEOUT = Duration.ofSeconds(5);

	/** @return kill the child at once; it does not run {@code terminate} */
	static Shutdown brutalKill() {
		return BrutalKill.INSTANCE;
	}

	/**
	 * @param timeout how long the child may take to run {@code terminate}; then it is killed
	 * @return send {@code shutdown} and wait at most {@code timeout}
	 */
	static Shutdown timeout(Duration timeout) {
		return new Timeout(timeout);
	}

	/** @return send {@code shutdown} and wait as long as it takes; the default for supervisors */
	static Shutdown infinity() {
		return Infinity.INSTANCE;
	}

	/** Kill at once. */
	enum BrutalKill implements Shutdown {

		/** The only instance. */
		INSTANCE

	}

	/**
	 * Send {@code shutdown}, kill after the timeout.
	 *
	 * @param duration the timeout, not negative
	 */
	record Timeout(Duration duration) implements Shutdown {

		public Timeout {
			Objects.requireNonNull(duration, "shutdown timeout must not be null");
			if (duration.isNegative()) {
				throw new IllegalArgumentException("shutdown timeout must not be negative: " + duration);
			}
		}

	}

	/** Send {@code shutdown} and wait until the child exits. */
	enum Infinity implements Shutdown {

		/** The only instance. */
		INSTANCE

	}

}
