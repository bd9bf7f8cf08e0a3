package dev.procreg.boot.admin;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The health the console shows, read from Spring Boot's health indicators when the health
 * module is on the classpath. Free of its types, so the console loads without it.
 */
@FunctionalInterface
public interface AdminHealth {

	/** @return the overall status and each indicator's */
	Report health();

	/**
	 * What the health indicators say.
	 *
	 * @param status the worst status of all (DOWN over OUT_OF_SERVICE over UNKNOWN over UP)
	 * @param components each indicator by name (its bean name without {@code HealthIndicator})
	 */
	record Report(String status, Map<String, Component> components) {
	}

	/**
	 * One indicator's health.
	 *
	 * @param status its status
	 * @param details its details, or {@code null}
	 */
	record Component(String status, @Nullable Map<String, Object> details) {
	}

}
