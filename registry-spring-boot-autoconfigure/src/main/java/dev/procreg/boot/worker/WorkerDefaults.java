package dev.procreg.boot.worker;

import java.time.Duration;

/**
 * Defaults for every worker type, which {@link RegisteredProcess} attributes override.
 *
 * @param partitions dynamic supervisors per worker type; 0 for one per available processor
 * @param maxRestarts restarts a partition allows within {@code maxSeconds}
 * @param maxSeconds the restart intensity window in seconds
 * @param shutdownTimeout how long a worker may take to run {@code terminate} when stopped
 * @param callTimeout how long a call waits for its reply when no timeout is given
 */
public record WorkerDefaults(int partitions, int maxRestarts, int maxSeconds, Duration shutdownTimeout,
		Duration callTimeout) {

	/** @return one partition per processor, 3 restarts in 5 seconds, 5 second shutdown and call timeouts */
	public static WorkerDefaults defaults() {
		return new WorkerDefaults(0, 3, 5, Duration.ofSeconds(5), Duration.ofSeconds(5));
	}

}
