package dev.procreg.demo.session;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Donor sessions.
 *
 * @param idleTimeout How long a session lives without a request before it stops normally (it
 * is started again on the donor's next request)
 */
@ConfigurationProperties("demo.sessions")
public record SessionProperties(@DefaultValue("30m") Duration idleTimeout) {

	public SessionProperties {
		if (idleTimeout.isNegative() || idleTimeout.isZero()) {
			throw new IllegalArgumentException("demo.sessions.idle-timeout must be positive, not " + idleTimeout);
		}
	}

}
