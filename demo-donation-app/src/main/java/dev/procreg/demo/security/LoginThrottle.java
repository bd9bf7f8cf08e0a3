package dev.procreg.demo.security;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.demo.web.Problems;

import org.springframework.context.event.EventListener;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Logs every failed login (user name and address) and throttles guessing: an address with
 * {@code demo.security.max-failed-logins} failures within {@code failed-login-window} gets 429 with
 * {@code Retry-After} for its next login attempts (the form's POST or HTTP Basic), without the
 * password being checked. The failures are kept per address, the oldest forgotten first.
 */
class LoginThrottle extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(LoginThrottle.class);

	private static final int MAX_ADDRESSES = 10_000;

	private final int maxFailures;

	private final Duration window;

	private final Clock clock;

	private final String loginPath;

	private final Map<String, ArrayDeque<Instant>> failures = new ConcurrentHashMap<>();

	/**
	 * @param properties the limits
	 * @param clock the time
	 * @param loginPath where the login form posts (Spring Security's login processing URL)
	 */
	LoginThrottle(SecurityProperties properties, Clock clock, String loginPath) {
		this.maxFailures = properties.maxFailedLogins();
		this.window = properties.failedLoginWindow();
		this.clock = clock;
		this.loginPath = loginPath;
	}

	@EventListener
	void failed(AbstractAuthenticationFailureEvent event) {
		String address = (event.getAuthentication().getDetails() instanceof WebAuthenticationDetails details)
				? details.getRemoteAddress() : "unknown";
		logger.warn("Failed login for user '{}' from {}: {}", Problems.echo(event.getAuthentication().getName()),
				address, event.getException().getMessage());
		if (this.failures.size() > MAX_ADDRESSES) {
			Instant start = this.clock.instant().minus(this.window);
			this.failures.values().removeIf((times) -> {
				synchronized (times) {
					return times.isEmpty() || !times.peekLast().isAfter(start);
				}
			});
		}
		ArrayDeque<Instant> times = this.failures.computeIfAbsent(String.valueOf(address), (a) -> new ArrayDeque<>());
		synchronized (times) {
			times.addLast(this.clock.instant());
			while (times.size() > this.maxFailures) {
				times.removeFirst();
			}
		}
	}

	/**
	 * @param address a client address
	 * @return how long it must wait before its next login attempt, or null when it may try now
	 */
	@Nullable Duration retryAfter(String address) {
		ArrayDeque<Instant> times = this.failures.get(address);
		if (times == null) {
			return null;
		}
		synchronized (times) {
			Instant start = this.clock.instant().minus(this.window);
			while (!times.isEmpty() && !times.peekFirst().isAfter(start)) {
				times.removeFirst();
			}
			if (times.size() < this.maxFailures) {
				return null;
			}
			return Duration.between(start, times.peekFirst());
		}
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (isLoginAttempt(request)) {
			Duration wait = retryAfter(request.getRemoteAddr());
			if (wait != null) {
				long seconds = Math.max(1, wait.toSeconds() + 1);
				ProblemDetail problem = Problems.of(HttpStatus.TOO_MANY_REQUESTS, "Too many failed logins",
						this.maxFailures + " failed logins from this address within " + this.window.toSeconds()
								+ " s; try again in " + seconds + " s");
				problem.setProperty("retryAfterSeconds", seconds);
				Problems.write(response, problem);
				return;
			}
		}
		chain.doFilter(request, response);
	}

	private boolean isLoginAttempt(HttpServletRequest request) {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		return (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6))
				|| (HttpMethod.POST.matches(request.getMethod()) && this.loginPath.equals(request.getServletPath()));
	}

}
