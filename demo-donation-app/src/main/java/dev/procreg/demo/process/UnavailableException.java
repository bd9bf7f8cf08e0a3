package dev.procreg.demo.process;

import java.time.Duration;

/**
 * A process the request needs is not there (gone, restarting, or its supervisor gave up), or a
 * bound on processes is reached: the donor is asked to come back later (503 with
 * {@code Retry-After}). Nothing was recorded unless the message says so.
 */
public class UnavailableException extends RuntimeException {

	private final String dependency;

	private final Duration retryAfter;

	/**
	 * @param dependency what is missing, such as {@code rate-limiter}
	 * @param message what happened, for the donor
	 * @param retryAfter when to try again
	 */
	public UnavailableException(String dependency, String message, Duration retryAfter) {
		super(message);
		this.dependency = dependency;
		this.retryAfter = retryAfter;
	}

	/** @return what is missing */
	public String dependency() {
		return this.dependency;
	}

	/** @return when to try again */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
