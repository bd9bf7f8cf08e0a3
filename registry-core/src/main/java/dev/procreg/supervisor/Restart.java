package dev.procreg.supervisor;

import dev.procreg.process.ExitReason;

/**
 * When a supervisor restarts a child, Elixir's {@code :restart}.
 *
 * <pre>{@code
 * ChildSpec.worker("mailer", Mailer::new, null).withRestart(Restart.TRANSIENT);
 * }</pre>
 */
public enum Restart {

	/** Always restarted, the default. */
	PERMANENT,

	/** Restarted only after an abnormal exit: not after {@code normal} or {@code shutdown}. */
	TRANSIENT,

	/** Never restarted; removed from the supervisor when it exits. */
	TEMPORARY;

	/**
	 * @param reason why the child exited
	 * @return whether a child with this restart type is restarted after that exit
	 */
	public boolean restartsAfter(ExitReason reason) {
		return switch (this) {
			case PERMANENT -> true;
			case TRANSIENT -> !reason.isNormal();
			case TEMPORARY -> false;
		};
	}

}
