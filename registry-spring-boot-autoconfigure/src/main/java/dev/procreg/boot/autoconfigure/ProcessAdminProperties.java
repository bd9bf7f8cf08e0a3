package dev.procreg.boot.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration properties for the web admin page (the operator console) at
 * {@code /process-admin}. Registry values on the page are sanitized as the {@code registries}
 * endpoint sanitizes them, following {@code management.endpoint.registries.show-values} and
 * {@code .roles}.
 *
 * <pre>
 * process-registry.admin.enabled=true
 * process-registry.admin.allow-actions=true
 * process-registry.admin.role=OPS
 * process-registry.admin.history.interval=1s
 * process-registry.admin.history.size=600
 * </pre>
 *
 * @param enabled Whether the admin page and its JSON API are served at /process-admin (in a
 * servlet web application). Protect the path like any other administrative page
 * @param allowActions Whether actions (terminating a process) are offered
 * @param role The role a user needs for an action when Spring Security is on the classpath,
 * without the ROLE_ prefix; checked on the current Authentication whatever the security
 * configuration lets through
 * @param refreshInterval How often the page refreshes what it shows
 * @param snapshotInterval How old the process table's shared snapshot (what it is sorted and
 * searched from) may be before a page starts one rebuild in the background, however many viewers
 * ask; pages are served the old snapshot, at once, until the new one is built
 * @param history The load history the charts show
 * @param events The recent events and their live feed
 * @param audit The audit log of actions
 */
@ConfigurationProperties("process-registry.admin")
public record ProcessAdminProperties(@DefaultValue("false") boolean enabled,
		@DefaultValue("false") boolean allowActions, @DefaultValue("PROCESS_ADMIN") String role,
		@DefaultValue("2s") Duration refreshInterval, @DefaultValue("1s") Duration snapshotInterval,
		@DefaultValue History history, @DefaultValue Events events, @DefaultValue Audit audit) {

	/**
	 * The load history, sampled on the server while the application runs.
	 *
	 * @param interval How often the load is sampled
	 * @param size How many samples are kept (600 at one a second: 10 minutes)
	 */
	public record History(@DefaultValue("1s") Duration interval, @DefaultValue("600") int size) {
	}

	/**
	 * The recent events.
	 *
	 * @param size How many recent events are kept
	 * @param streamQueue How many events wait for one slow live feed before its oldest are dropped
	 * @param streamTimeout How long one live feed lasts before the browser reconnects
	 */
	public record Events(@DefaultValue("1000") int size, @DefaultValue("256") int streamQueue,
			@DefaultValue("30m") Duration streamTimeout) {
	}

	/**
	 * The audit log.
	 *
	 * @param size How many audited actions are kept
	 */
	public record Audit(@DefaultValue("200") int size) {
	}

}
