package dev.procreg.supervisor;

/**
 * Elixir's {@code count_children}.
 *
 * <pre>{@code
 * ChildCount count = DynamicSupervisor.countChildren(runtime, sessions);
 * metrics.gauge("sessions.active", count.active());
 * }</pre>
 *
 * @param specs children the supervisor knows, running or not
 * @param active children that run now
 * @param supervisors children of type supervisor
 * @param workers children of type worker
 */
public record ChildCount(int specs, int active, int supervisors, int workers) {

	ChildCount plus(ChildCount other) {
		return new ChildCount(this.specs + other.specs, this.active + other.active,
				this.supervisors + other.supervisors, this.workers + other.workers);
	}

}
