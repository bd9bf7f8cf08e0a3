package dev.procreg.supervisor;

import dev.procreg.process.ExitReason;

/**
 * The reason, wrapped in {@link ExitReason#of(Object)}, of a {@link Supervisor} that could not
 * start one of its children; Elixir's {@code {:shutdown, {:failed_to_start_child, id, reason}}}.
 *
 * <pre>{@code
 * if (Supervisor.start(runtime, strategy, children, options) instanceof StartResult.Failed(
 *         ExitReason.Custom(ChildStartFailure(Object id, ExitReason why)))) {
 *     log.error("child {} did not start: {}", id, why);
 * }
 * }</pre>
 *
 * @param childId the child's id
 * @param reason why it did not start
 */
public record ChildStartFailure(Object childId, ExitReason reason) {

	@Override
	public String toString() {
		return "failed to start child '" + this.childId + "': " + this.reason;
	}

}
