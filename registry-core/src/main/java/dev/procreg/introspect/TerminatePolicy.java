package dev.procreg.introspect;

import java.time.Duration;
import java.util.Objects;

/**
 * How an operator's terminate ends a process, written once for every adapter: with
 * {@link #shutdownThenKill(Duration)} the process gets {@code shutdown} (a server runs
 * {@code terminate}) and is killed when it has not exited after the grace period; with
 * {@link #kill()} it is killed at once. Either way the call returns once the process is dead, or
 * after the grace period and one more second when a kill could not finish sooner.
 *
 * @param grace how long a shutdown may take before the kill; zero for an immediate kill
 */
public record TerminatePolicy(Duration grace) {

	/**
	 * @throws IllegalArgumentException for a negative grace period
	 */
	public TerminatePolicy {
		Objects.requireNonNull(grace, "grace must not be null");
		if (grace.isNegative()) {
			throw new IllegalArgumentException("grace must not be negative, was " + grace);
		}
	}

	/**
	 * @param grace how long the shutdown may take
	 * @return shutdown, then kill after {@code grace}
	 */
	public static TerminatePolicy shutdownThenKill(Duration grace) {
		return new TerminatePolicy(grace);
	}

	/** @return kill at once */
	public static TerminatePolicy kill() {
		return new TerminatePolicy(Duration.ZERO);
	}

	/** @return whether this policy kills without a shutdown first */
	public boolean killsAtOnce() {
		return this.grace.isZero();
	}

}
