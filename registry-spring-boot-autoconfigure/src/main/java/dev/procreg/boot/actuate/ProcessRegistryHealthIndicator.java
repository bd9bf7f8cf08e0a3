package dev.procreg.boot.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.procreg.boot.supervision.ProcessSupervisors;
import dev.procreg.boot.supervision.SupervisorStatus;
import dev.procreg.process.ProcessRuntime;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@link HealthIndicator} for the process runtime: DOWN when the runtime is closed or when a
 * top-level supervisor gave up (its restart intensity was exceeded, so it stopped its children
 * and exited), with every supervisor's state in the details.
 */
public class ProcessRegistryHealthIndicator extends AbstractHealthIndicator {

	private final ProcessRuntime runtime;

	private final @Nullable ProcessSupervisors supervisors;

	/**
	 * @param runtime the runtime
	 * @param supervisors the top-level supervisors, or {@code null}
	 */
	public ProcessRegistryHealthIndicator(ProcessRuntime runtime, @Nullable ProcessSupervisors supervisors) {
		super("Process registry health check failed");
		this.runtime = runtime;
		this.supervisors = supervisors;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("node", this.runtime.node()).withDetail("processes", this.runtime.processCount());
		if (this.runtime.isClosed()) {
			builder.down().withDetail("error", "the process runtime is closed");
			return;
		}
		boolean gaveUp = false;
		if (this.supervisors != null) {
			Map<String, Object> details = new LinkedHashMap<>();
			for (SupervisorStatus status : this.supervisors.supervisors()) {
				gaveUp |= status.gaveUp();
				details.put(status.name(), describe(status));
			}
			builder.withDetail("supervisors", details);
		}
		if (gaveUp) {
			builder.down();
		}
		else {
			builder.up();
		}
	}

	private static Map<String, Object> describe(SupervisorStatus status) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("status", status.gaveUp() ? "gave up" : status.running() ? "running" : "stopped");
		if (status.pid() != null) {
			details.put("pid", status.pid().toString());
		}
		if (status.exitReason() != null) {
			details.put("exitReason", status.exitReason().toString());
		}
		if (status.exitedAt() != null) {
			details.put("exitedAt", status.exitedAt().toString());
		}
		return details;
	}

}
