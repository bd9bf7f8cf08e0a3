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
 * @param mailboxLimit the bound on its mailbox ({@link ProcessContext#limitMailbox}), or 0 for none
 * @param droppedMessages messages sent to it that its full mailbox dropped
 */
public record ProcessInfo(Pid pid, Status status, int mailboxLength, List<String> registeredNames, List<Pid> links,
		List<Pid> monitors, List<Pid> monitoredBy, boolean trapExits, Instant startedAt, @Nullable String serverClass,
		@Nullable Pid parent, int mailboxLimit, long droppedMessages) {

	/**
	 * A snapshot of a process with an unbounded mailbox.
	 * @param pid the process
	 * @param status what it is doing now
	 * @param mailboxLength messages waiting in its mailbox
	 * @param registeredNames names it is known by
	 * @param links processes linked to it
	 * @param monitors processes it monitors
	 * @param monitoredBy processes that monitor it
	 * @param trapExits whether it traps exits
	 * @param startedAt when it was spawned
	 * @param serverClass the {@link GenServer} class it runs, or {@code null}
	 * @param parent the process that started it linked, or {@code null}
	 */
	public ProcessInfo(Pid pid, Status status, int mailboxLength, List<String> registeredNames, List<Pid> links,
			List<Pid> monitors, List<Pid> monitoredBy, boolean trapExits, Instant startedAt,
			@Nullable String serverClass, @Nullable Pid parent) {
		this(pid, status, mailboxLength, registeredNames, links, monitors, monitoredBy, trapExits, startedAt,
				serverClass, parent, 0, 0L);
	}

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
