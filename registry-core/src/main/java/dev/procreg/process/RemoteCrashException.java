package dev.procreg.process;

import java.io.Serial;

/**
 * What a crash on another node looks like here: the exception's class name, message and stack
 * trace as they were there. A crash reason crosses nodes in this form, because the receiving
 * node may not have (or may not accept) the exception's own class; monitors, links and calls
 * still get their {@link ExitReason.Crash}, with nothing lost that a person reads.
 *
 * <pre>{@code
 * case ExitReason.Crash(RemoteCrashException crash) -> log.warn("{} crashed on {}", crash.className(), pid.node());
 * }</pre>
 */
public final class RemoteCrashException extends ProcessException {

	@Serial
	private static final long serialVersionUID = 1L;

	private final String className;

	/**
	 * @param className the class of the exception thrown on the other node
	 * @param message its message
	 */
	public RemoteCrashException(String className, String message) {
		super(className + ": " + message, null, true);
		this.className = className;
	}

	/**
	 * The portable form of a throwable: itself when it is one already, else its class name,
	 * message and stack trace (its causes' too, as the message says where they came from).
	 * @param error what was thrown
	 * @return the portable form
	 */
	static RemoteCrashException of(Throwable error) {
		if (error instanceof RemoteCrashException remote) {
			return remote;
		}
		StringBuilder message = new StringBuilder(String.valueOf(error.getMessage()));
		for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
			message.append("; caused by ").append(cause.getClass().getName()).append(": ").append(cause.getMessage());
		}
		RemoteCrashException portable = new RemoteCrashException(error.getClass().getName(), message.toString());
		portable.setStackTrace(error.getStackTrace());
		return portable;
	}

	/**
	 * A reason as it crosses nodes: a crash carries its exception in the portable form, any other
	 * reason is itself.
	 * <pre>{@code
	 * ExitReason onTheWire = RemoteCrashException.portable(reason);
	 * }</pre>
	 * @param reason an exit reason
	 * @return the reason every node can read back
	 */
	public static ExitReason portable(ExitReason reason) {
		return (reason instanceof ExitReason.Crash(Throwable error) && !(error instanceof RemoteCrashException))
				? ExitReason.crash(of(error)) : reason;
	}

	/** @return the class of the exception thrown on the other node */
	public String className() {
		return this.className;
	}

}
