package dev.procreg.demo.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.RegisteredName;
import dev.procreg.process.Name;

/**
 * The rate limiter: one process for the whole application, registered under the name
 * {@code rate-limiter} (the document's named-process pattern for singletons, no registry
 * needed). It allows each donor a number of submissions within any sliding minute.
 *
 * <pre>{@code
 * RateLimiter.Decision decision = runtime.call(RateLimiter.NAME, new RateLimiter.Acquire("donor-123"));
 * }</pre>
 */
public class RateLimiter extends GenServer<Map<String, ArrayDeque<Instant>>> {

	/** The name the rate limiter is registered under. */
	public static final RegisteredName NAME = Name.of("rate-limiter");

	private static final Duration WINDOW = Duration.ofMinutes(1);

	private static final int PURGE_ABOVE = 10_000;

	private final int perMinute;

	private final Clock clock;

	public RateLimiter(RateLimitProperties properties, Clock clock) {
		this.perMinute = properties.perMinute();
		this.clock = clock;
	}

	/**
	 * Asks the rate limiter for one submission of a donor.
	 * @param runtime the runtime
	 * @param donorId the donor
	 * @return the decision
	 */
	public static Decision acquire(ProcessRuntime runtime, String donorId) {
		return runtime.call(NAME, new Acquire(donorId));
	}

	@Override
	protected Init<Map<String, ArrayDeque<Instant>>> init(@Nullable Object arg) {
		return ok(new HashMap<>());
	}

	@Override
	protected Result<Map<String, ArrayDeque<Instant>>> handleCall(Object request, From from,
			Map<String, ArrayDeque<Instant>> recent) {
		Acquire acquire = (Acquire) request;
		Instant now = this.clock.instant();
		Instant windowStart = now.minus(WINDOW);
		if (recent.size() > PURGE_ABOVE) {
			recent.values().forEach((times) -> expire(times, windowStart));
			recent.values().removeIf(ArrayDeque::isEmpty);
		}
		ArrayDeque<Instant> times = recent.computeIfAbsent(acquire.donorId(), (donor) -> new ArrayDeque<>());
		expire(times, windowStart);
		if (times.size() >= this.perMinute) {
			Duration retryAfter = Duration.between(windowStart, times.peekFirst());
			return reply(new Decision(false, retryAfter.isNegative() ? Duration.ZERO : retryAfter), recent);
		}
		times.addLast(now);
		return reply(new Decision(true, Duration.ZERO), recent);
	}

	private static void expire(ArrayDeque<Instant> times, Instant windowStart) {
		while (!times.isEmpty() && !times.peekFirst().isAfter(windowStart)) {
			times.removeFirst();
		}
	}

	/**
	 * A request for one submission.
	 *
	 * @param donorId the donor who submits
	 */
	public record Acquire(String donorId) {
	}

	/**
	 * The rate limiter's answer.
	 *
	 * @param allowed whether the submission may go ahead
	 * @param retryAfter when not, how long until it may
	 */
	public record Decision(boolean allowed, Duration retryAfter) {
	}

}
