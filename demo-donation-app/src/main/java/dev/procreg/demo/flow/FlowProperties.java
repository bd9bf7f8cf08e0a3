package dev.procreg.demo.flow;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Donation flows.
 *
 * @param idleTimeout How long a flow lives without a message before it ends
 * @param maxPerDonor The most flows one donor may run at once
 */
@ConfigurationProperties("demo.flows")
public record FlowProperties(@DefaultValue("30m") Duration idleTimeout, @DefaultValue("5") int maxPerDonor) {

	public FlowProperties {
		if (idleTimeout.isNegative() || idleTimeout.isZero()) {
			throw new IllegalArgumentException("demo.flows.idle-timeout must be positive, not " + idleTimeout);
		}
		if (maxPerDonor < 1) {
			throw new IllegalArgumentException("demo.flows.max-per-donor must be at least 1, not " + maxPerDonor);
		}
	}

}
