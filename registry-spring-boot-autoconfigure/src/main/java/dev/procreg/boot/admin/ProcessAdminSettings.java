package dev.procreg.boot.admin;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;

/**
 * How the {@link ProcessAdminController} behaves.
 *
 * @param allowActions whether actions (terminating a process) are offered at all
 * @param role the role a user needs for an action when Spring Security is present, without the
 * {@code ROLE_} prefix
 * @param refreshInterval how often the page refreshes what it shows
 * @param showValues when registry values (worker metadata) are shown unsanitized, as for the
 * {@code registries} endpoint
 * @param showValuesRoles the roles that may see them with {@link Show#WHEN_AUTHORIZED}; empty
 * for any authenticated user
 * @param springSecurity whether Spring Security is on the classpath: an action then needs
 * {@code role} on the current {@code Authentication}, and the page sends the request's CSRF token
 */
public record ProcessAdminSettings(boolean allowActions, String role, Duration refreshInterval, Show showValues,
		Set<String> showValuesRoles, boolean springSecurity) {

	public ProcessAdminSettings {
		Objects.requireNonNull(role, "role must not be null");
		Objects.requireNonNull(refreshInterval, "refreshInterval must not be null");
		Objects.requireNonNull(showValues, "showValues must not be null");
		showValuesRoles = Set.copyOf(showValuesRoles);
	}

}
