package dev.procreg.demo.ratelimit;

import java.time.Clock;

import dev.procreg.supervisor.ChildSpec;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Puts the rate limiter under the application's supervisor, registered as {@code rate-limiter}.
 */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

	@Bean
	@Order(1)
	ChildSpec rateLimiterChild(RateLimitProperties properties, Clock clock) {
		return ChildSpec.worker("rate-limiter", () -> new RateLimiter(properties, clock), null, RateLimiter.NAME);
	}

}
