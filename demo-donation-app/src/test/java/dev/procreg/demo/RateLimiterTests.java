package dev.procreg.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.procreg.demo.ratelimit.RateLimitProperties;
import dev.procreg.demo.ratelimit.RateLimiter;
import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limiter as a named process, on a clock the test moves.
 */
class RateLimiterTests {

	private final ProcessRuntime runtime = ProcessRuntime.start();

	private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T10:00:00Z"));

	@AfterEach
	void close() {
		this.runtime.close();
	}

	@Test
	void allowsTheLimitPerDonorWithinASlidingMinute() {
		GenServer.start(this.runtime, new RateLimiter(new RateLimitProperties(2), this.clock), null, RateLimiter.NAME)
			.orThrow();

		assertThat(RateLimiter.acquire(this.runtime, "a").allowed()).isTrue();
		this.clock.advance(Duration.ofSeconds(20));
		assertThat(RateLimiter.acquire(this.runtime, "a").allowed()).isTrue();
		RateLimiter.Decision third = RateLimiter.acquire(this.runtime, "a");
		assertThat(third.allowed()).isFalse();
		assertThat(third.retryAfter()).isEqualTo(Duration.ofSeconds(40));
		assertThat(RateLimiter.acquire(this.runtime, "b").allowed()).as("per donor").isTrue();

		this.clock.advance(Duration.ofSeconds(40));
		assertThat(RateLimiter.acquire(this.runtime, "a").allowed()).as("the first one left the window").isTrue();
		assertThat(RateLimiter.acquire(this.runtime, "a").allowed()).isFalse();
	}

	@Test
	void isFoundByNameAgainAfterARestart() {
		Pid first = GenServer
			.start(this.runtime, new RateLimiter(new RateLimitProperties(1), this.clock), null, RateLimiter.NAME)
			.orThrow();
		assertThat(this.runtime.whereis("rate-limiter")).contains(first);
		this.runtime.exit(first, ExitReason.KILL);
		assertThat(this.runtime.whereis("rate-limiter")).isEmpty();
		Pid second = GenServer
			.start(this.runtime, new RateLimiter(new RateLimitProperties(1), this.clock), null, RateLimiter.NAME)
			.orThrow();
		assertThat(second).isNotEqualTo(first);
		assertThat(RateLimiter.acquire(this.runtime, "a").allowed()).isTrue();
	}

	static final class MovableClock extends Clock {

		private volatile Instant now;

		MovableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
