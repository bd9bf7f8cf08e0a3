package dev.procreg.boot.supervision;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;

/**
 * What {@link ProcessSupervisors} knows of one top-level supervisor.
 *
 * @param name its name
 * @param pid its process, or {@code null} before the context started it
 * @param startedAt when it started, or {@code null}
 * @param running whether it runs now
 * @param gaveUp whether it exited on its own while the application ran: its restart intensity was
 * exceeded and it stopped its children
 * @param exitReason why it exited, or {@code null} while it runs
 * @param exitedAt when it exited, or {@code null}
 */
public record SupervisorStatus(String name, @Nullable Pid pid, @Nullable Instant startedAt, boolean running,
		boolean gaveUp, @Nullable ExitReason exitReason, @Nullable Instant exitedAt) {
}
