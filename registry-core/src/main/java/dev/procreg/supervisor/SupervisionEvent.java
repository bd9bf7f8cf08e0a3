package dev.procreg.supervisor;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;

/**
 * What a {@link SupervisionObserver} hears from a runtime's supervisors: each restart of a child
 * and each supervisor that reaches its restart intensity and gives up.
 */
public sealed interface SupervisionEvent {

	/** @return the supervisor */
	Pid supervisor();

	/**
	 * A supervisor restarts a child.
	 *
	 * @param supervisor the supervisor
	 * @param childId the child's id
	 * @param previous the process that exited, or {@code null} when none ran (a restart after a
	 * failed start)
	 * @param reason why the child last exited, or {@code null}
	 * @param restartCount the child's restarts, this one included
	 */
	record Restarted(Pid supervisor, Object childId, @Nullable Pid previous, @Nullable ExitReason reason,
			int restartCount) implements SupervisionEvent {
	}

	/**
	 * A supervisor reached its restart intensity: it stops its children and exits with
	 * {@code shutdown}.
	 *
	 * @param supervisor the supervisor
	 * @param maxRestarts the restarts it allows
	 * @param maxSeconds within this many seconds
	 * @param childId the child whose exit was one too many
	 * @param reason why that child exited, or {@code null}
	 */
	record GaveUp(Pid supervisor, int maxRestarts, int maxSeconds, @Nullable Object childId,
			@Nullable ExitReason reason) implements SupervisionEvent {
	}

}
