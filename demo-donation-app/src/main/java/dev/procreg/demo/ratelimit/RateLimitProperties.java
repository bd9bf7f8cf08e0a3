package dev.procreg.demo.ratelimit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many donations a donor may submit.
 *
 * @param perMinute The most new donations one donor may submit within any minute; replays of an
 * idempotency key do not count
 */
@ConfigurationProperties("demo.rate-limit")
public record RateLimitProperties(@DefaultValue("10") int perMinute) {

	public RateLimitProperties {
		if (perMinute < 1) {
			throw new IllegalArgumentException("demo.rate-limit.per-minute must be at least 1, not " + perMinute);
		}
	}

}
