package dev.procreg.boot.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration properties for the web admin page at {@code /process-admin}. Registry values
 * on the page are sanitized as the {@code registries} endpoint sanitizes them, following
 * {@code management.endpoint.registries.show-values} and {@code .roles}.
 *
 * <pre>
 * process-registry.admin.enabled=true
 * process-registry.admin.allow-actions=true
 * process-registry.admin.role=OPS
 * </pre>
 *
 * @param enabled Whether the admin page and its JSON API are served at /process-admin (in a
 * servlet web application). Protect the path like any other administrative page
 * @param allowActions Whether actions (terminating a process) are offered
 * @param role The role a user needs for an action when Spring Security is on the classpath,
 * without the ROLE_ prefix; checked on the current Authentication whatever the security
 * configuration lets through
 * @param refreshInterval How often the page refreshes what it shows
 */
@ConfigurationProperties("process-registry.admin")
public record ProcessAdminProperties(@DefaultValue("false") boolean enabled,
		@DefaultValue("false") boolean allowActions, @DefaultValue("PROCESS_ADMIN") String role,
		@DefaultValue("2s") Duration refreshInterval) {

}
