package dev.procreg.supervisor;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;

/** A supervisor's record of one child; touched only by the supervisor's own code. */
final class Child {

	final ChildSpec spec;

	@Nullable Pid pid;

	@Nullable Context context;

	int restartCount;

	@Nullable ExitReason lastExitReason;

	@Nullable Instant lastExitAt;

	Child(ChildSpec spec) {
		this.spec = spec;
	}

	void exited(ExitReason reason) {
		this.pid = null;
		this.lastExitReason = reason;
		this.lastExitAt = Instant.now();
	}

	ChildInfo info() {
		return new ChildInfo(this.spec.id(), this.pid, this.spec.type(), this.spec.restart(), this.restartCount,
				this.lastExitReason, this.lastExitAt, null);
	}

	/**
	 * Attached to the child's process: adds the child id and the supervisor to the runtime's
	 * crash report, so that a crash is logged once, with its context.
	 */
	static final class Context extends ExitHook {

		private final String description;

		/** Whether the runtime's crash report carried this context. */
		volatile boolean reported;

		Context(Object id, Pid supervisor) {
			this.description = "child '" + id + "' of supervisor " + supervisor;
		}

		@Override
		protected void processExited(Owner process, ExitReason reason) {
			this.reported = reason instanceof ExitReason.Crash;
		}

		@Override
		public String crashContext() {
			return this.description;
		}

		@Override
		public String toString() {
			return this.description;
		}

	}

}
