package dev.procreg.process;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the process a caller waits on exits before answering (a call whose server dies
 * fails at once with the server's reason); inside a process that was killed while it was
 * blocked, to unwind its body; and to a process that has exited but whose code still runs (it
 * swallowed the kill's interrupt) at every operation it attempts: send, spawn, call, cast, exit,
 * register, join, lock. {@link #reason()} is then the dead process's own exit reason.
 */
public class ProcessExitException extends ProcessException {

	private final transient Pid pid;

	private final transient ExitReason reason;

	public ProcessExitException(Pid pid, ExitReason reason, String message) {
		this(pid, reason, message, true);
	}

	private ProcessExitException(Pid pid, ExitReason reason, @Nullable String message, boolean writableStackTrace) {
		super(message, (reason instanceof ExitReason.Crash crash) ? crash.error() : null, writableStackTrace);
		this.pid = pid;
		this.reason = reason;
	}

	/**
	 * The exception that unwinds the code of a process that has exited (killed while it waited),
	 * without a stack trace: nobody asked where it was, and 100,000 killed processes would
	 * otherwise capture 100,000 traces.
	 */
	static ProcessExitException unwinding(Pid pid, ExitReason reason) {
		// the message too is made only when asked for: a killed body rarely reads it, and closing a
		// runtime of 100,000 processes took 2-6 % less time without writing their pids
		return new ProcessExitException(pid, reason, null, false);
	}

	@Override
	public String getMessage() {
		String message = super.getMessage();
		return (message != null) ? message : this.pid + " exited: " + this.reason;
	}

	/** @return the process that exited */
	public Pid pid() {
		return this.pid;
	}

	/** @return why it exited */
	public ExitReason reason() {
		return this.reason;
	}

}
