package dev.procreg.process;

/**
 * Thrown when the process a caller waits on exits before answering (a call whose server dies
 * fails at once with the server's reason), and inside a process that was killed while it was
 * blocked, to unwind its body.
 */
public class ProcessExitException extends ProcessException {

	private final transient Pid pid;

	private final transient ExitReason reason;

	public ProcessExitException(Pid pid, ExitReason reason, String message) {
		super(message, (reason instanceof ExitReason.Crash crash) ? crash.error() : null);
		this.pid = pid;
		this.reason = reason;
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
