package dev.procreg.demo.flow;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Donation flows.
 *
 * @param idleTimeout How long a flow lives without a message before it ends
 * @param maxPerDonor The most flows one donor may run at once; one more is answered 429
 * @param max The most flows that may run at once, all donors together (the flows' supervisor's
 * {@code maxChildren}); one more is answered 503 with {@code Retry-After}
 */
@ConfigurationProperties("demo.flows")
public record FlowProperties(@DefaultValue("30m") Duration idleTimeout, @DefaultValue("5") int maxPerDonor,
		@DefaultValue("10000") int max) {

	public FlowProperties {
		if (idleTimeout.isNegative() || idleTimeout.isZero()) {
			throw new IllegalArgumentException("demo.flows.idle-timeout must be positive, not " + idleTimeout);
		}
		if (maxPerDonor < 1) {
			throw new IllegalArgumentException("demo.flows.max-per-donor must be at least 1, not " + maxPerDonor);
		}
		if (max < 1) {
			throw new IllegalArgumentException("demo.flows.max must be at least 1, not " + max);
		}
	}

}
