package dev.procreg.demo.session;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Donor sessions.
 *
 * @param idleTimeout How long a session lives without a request before it stops normally (it
 * is started again on the donor's next request)
 * @param max The most sessions that may run at once; a request that would start one more is
 * answered 503 with {@code Retry-After} (a bound on memory: a session costs a process and a
 * registry entry). Concurrent first requests of different donors may overshoot it by their number.
 */
@ConfigurationProperties("demo.sessions")
public record SessionProperties(@DefaultValue("30m") Duration idleTimeout, @DefaultValue("10000") int max) {

	public SessionProperties {
		if (idleTimeout.isNegative() || idleTimeout.isZero()) {
			throw new IllegalArgumentException("demo.sessions.idle-timeout must be positive, not " + idleTimeout);
		}
		if (max < 1) {
			throw new IllegalArgumentException("demo.sessions.max must be at least 1, not " + max);
		}
	}

}
