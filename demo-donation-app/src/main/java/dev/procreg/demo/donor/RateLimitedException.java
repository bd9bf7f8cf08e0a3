package dev.procreg.demo.donor;

import java.time.Duration;

/**
 * The donor submitted too many donations within the last minute.
 */
public class RateLimitedException extends RuntimeException {

	private final Duration retryAfter;

	public RateLimitedException(String donorId, Duration retryAfter) {
		super("donor " + donorId + " submitted too many donations; retry after " + retryAfter.toSeconds() + " s");
		this.retryAfter = retryAfter;
	}

	/** @return how long until the donor may submit again */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
