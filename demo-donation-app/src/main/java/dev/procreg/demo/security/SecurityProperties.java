package dev.procreg.demo.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Logins.
 *
 * @param maxFailedLogins How many failed logins one address may make within
 * {@code failed-login-window}; further attempts from it are answered 429 until the oldest failure
 * leaves the window
 * @param failedLoginWindow The window failed logins are counted in
 */
@ConfigurationProperties("demo.security")
public record SecurityProperties(@DefaultValue("5") int maxFailedLogins,
		@DefaultValue("1m") Duration failedLoginWindow) {

	public SecurityProperties {
		if (maxFailedLogins < 1) {
			throw new IllegalArgumentException("demo.security.max-failed-logins must be at least 1, not " + maxFailedLogins);
		}
		if (failedLoginWindow.isNegative() || failedLoginWindow.isZero()) {
			throw new IllegalArgumentException(
					"demo.security.failed-login-window must be positive, not " + failedLoginWindow);
		}
	}

}
