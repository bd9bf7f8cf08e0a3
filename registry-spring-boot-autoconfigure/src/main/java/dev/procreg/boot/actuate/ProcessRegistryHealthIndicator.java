package dev.procreg.boot.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.procreg.introspect.Introspection;
import dev.procreg.introspect.Introspection.HealthView;
import dev.procreg.supervisor.TopLevelSupervisors;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@link HealthIndicator} for the process runtime, rendering core's
 * {@link Introspection#health()}: DOWN when the runtime is closed or when a top-level supervisor
 * gave up (its restart intensity was exceeded, so it stopped its children and exited), with
 * every supervisor's state in the details. Asks no process, so a busy supervisor cannot slow a
 * health check.
 */
public class ProcessRegistryHealthIndicator extends AbstractHealthIndicator {

	private final Introspection introspection;

	/**
	 * @param introspection the read model of the runtime
	 */
	public ProcessRegistryHealthIndicator(Introspection introspection) {
		super("Process registry health check failed");
		this.introspection = introspection;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		HealthView health = this.introspection.health();
		builder.withDetail("node", health.node()).withDetail("processes", health.processes());
		if (health.error() != null) {
			builder.withDetail("error", health.error());
		}
		if (!health.supervisors().isEmpty()) {
			Map<String, Object> details = new LinkedHashMap<>();
			health.supervisors().forEach((status) -> details.put(status.name(), describe(status)));
			builder.withDetail("supervisors", details);
		}
		if (health.up()) {
			builder.up();
		}
		else {
			builder.down();
		}
	}

	private static Map<String, Object> describe(TopLevelSupervisors.Status status) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("status", status.gaveUp() ? "gave up" : status.running() ? "running" : "stopped");
		if (status.pid() != null) {
			details.put("pid", status.pid().toString());
		}
		details.put("restarts", status.restarts());
		if (status.exitReason() != null) {
			details.put("exitReason", status.exitReason().toString());
		}
		if (status.exitedAt() != null) {
			details.put("exitedAt", status.exitedAt().toString());
		}
		return details;
	}

}
