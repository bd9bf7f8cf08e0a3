package dev.procreg.demo.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.springframework.core.env.Environment;

/**
 * Refuses to start the application with the demo's default admin password ({@value #DEFAULT_PASSWORD})
 * when it listens beyond this machine ({@code server.address} unset, or not a loopback address):
 * whoever reaches it could terminate its processes.
 */
final class DefaultPasswordGuard {

	/** The password of the demo's admin user in {@code application.properties}. */
	static final String DEFAULT_PASSWORD = "admin";

	private DefaultPasswordGuard() {
	}

	static void check(Environment environment) {
		String password = environment.getProperty("spring.security.user.password", "");
		if (!DEFAULT_PASSWORD.equals(password)) {
			return;
		}
		String address = environment.getProperty("server.address");
		if (address != null && !address.isBlank() && isLoopback(address.strip())) {
			return;
		}
		throw new IllegalStateException("The admin password is the demo's default ('" + DEFAULT_PASSWORD
				+ "') and the server listens on " + ((address == null || address.isBlank()) ? "every interface"
						: address)
				+ ": set SPRING_SECURITY_USER_PASSWORD to a password of your own, or SERVER_ADDRESS=127.0.0.1");
	}

	private static boolean isLoopback(String address) {
		try {
			return InetAddress.getByName(address).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
