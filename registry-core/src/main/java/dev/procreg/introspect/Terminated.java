package dev.procreg.introspect;

import java.util.List;

import dev.procreg.process.Pid;

/**
 * What a terminate did to one process.
 *
 * @param pid the process
 * @param names the names it was known by (runtime names, registry keys) before it went
 * @param how how it ended
 */
public record Terminated(Pid pid, List<String> names, How how) {

	/** How a terminated process ended. */
	public enum How {

		/** It ran {@code terminate} and exited with {@code shutdown} within the grace period. */
		SHUTDOWN,

		/** It did not exit within the grace period and was killed. */
		KILLED_AFTER_GRACE,

		/** It was killed at once, as asked. */
		KILLED,

		/** A keyed worker stopped through its supervisor, which does not restart it. */
		STOPPED_BY_SUPERVISOR

	}

}
