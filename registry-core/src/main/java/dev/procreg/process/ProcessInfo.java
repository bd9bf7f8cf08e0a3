package dev.procreg.process;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one process, Erlang's {@code Process.info/1}: what the admin page and the
 * actuator endpoint show.
 *
 * @param pid the process
 * @param status what it is doing now
 * @param mailboxLength messages waiting in its mailbox
 * @param registeredNames names it is known by: runtime names and registry keys
 * @param links processes linked to it
 * @param monitors processes it monitors
 * @param monitoredBy processes that monitor it
 * @param trapExits whether it traps exits
 * @param startedAt when it was spawned
 * @param serverClass the {@link GenServer} class it runs, or {@code null} for a plain process
 * @param parent the process that started it linked (its supervisor), or {@code null}
 */
public record ProcessInfo(Pid pid, Status status, int mailboxLength, List<String> registeredNames, List<Pid> links,
		List<Pid> monitors, List<Pid> monitoredBy, boolean trapExits, Instant startedAt, @Nullable String serverClass,
		@Nullable Pid parent) {

	/** What a process is doing. */
	public enum Status {

		/** Running code. */
		RUNNING,

		/** Has messages and is about to run. */
		RUNNABLE,

		/** Waiting for a message (a server between messages holds no thread). */
		WAITING,

		/** Exited. */
		EXITED

	}

}
