package dev.procreg.supervisor;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

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

	/** Newest first, at most {@link ChildInfo#RECENT_EXITS}. */
	private final ArrayDeque<ChildInfo.ChildExit> recentExits = new ArrayDeque<>(2);

	Child(ChildSpec spec) {
		this.spec = spec;
	}

	void exited(ExitReason reason) {
		Pid exited = this.pid;
		this.pid = null;
		this.lastExitReason = reason;
		this.lastExitAt = Instant.now();
		if (exited != null) {
			if (this.recentExits.size() == ChildInfo.RECENT_EXITS) {
				this.recentExits.removeLast();
			}
			this.recentExits.addFirst(new ChildInfo.ChildExit(exited, reason, this.lastExitAt));
		}
	}

	ChildInfo info() {
		return new ChildInfo(this.spec.id(), this.pid, this.spec.type(), this.spec.restart(), this.restartCount,
				this.lastExitReason, this.lastExitAt, null, List.copyOf(this.recentExits));
	}

	/**
	 * Attached to the child's process: adds the child id and the supervisor to the runtime's
	 * crash report, so that a crash is logged once, with its context.
	 */
	static final class Context extends ExitHook {

		private final String description;

		private final int restarts;

		/** Whether the runtime's crash report carried this context. */
		volatile boolean reported;

		Context(Object id, Pid supervisor, int restarts) {
			this.description = "child '" + id + "' of supervisor " + supervisor;
			this.restarts = restarts;
		}

		@Override
		protected int childRestarts() {
			return this.restarts;
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
