package dev.procreg.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;

/**
 * How a call learns of its server's exit: the server's one exit hook for its callers, and the
 * steps of the caller and of the server's thread that it answers. At the server's exit it fails
 * every call still queued in the server's mailbox and the one being handled, with the server's
 * exit reason, after the death's cleanup (it notifies). A call deferred past its
 * {@code handleCall} is a hook of its own ({@link Call#deferOn}).
 *
 * <p>So a call costs its caller no lock on the server; the races are closed by order:
 * <ul>
 * <li>a caller installs the server's mailbox if it has none yet, swings the mailbox's tail to its
 * call, then checks the server alive ({@link #delivered});</li>
 * <li>the server's thread takes the call, publishes it in {@code handling}, then checks itself
 * alive ({@link #handling}), runs {@code handleCall} and lets go of it ({@link #handled});</li>
 * <li>the death marks the server dead, then this hook reads {@code handling}, the mailbox (none:
 * nothing queued) and its tail, and walks the mailbox up to that tail, waiting for a link still
 * being written ({@link #failPending}).</li>
 * </ul>
 * Each call is seen by one side or the other (every access named is volatile, so of each
 * write-then-read pair one reads the other's write), and a call settles once, so being seen by
 * both is harmless. {@code PendingCallsLincheckTests} model-checks this order on a real server.
 *
 * <p>The server is passed to each step rather than held: the hook costs a server no more than the
 * inner class it replaces did. The class is not final so that a test can plant a bug in one step
 * and prove that its suite catches it; production code never subclasses it, so the calls stay
 * monomorphic.
 */
class PendingCalls extends ExitHook {

	private static final VarHandle HANDLING;

	static {
		try {
			HANDLING = MethodHandles.lookup().findVarHandle(PendingCalls.class, "handling", Call.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/**
	 * The call whose {@code handleCall} runs, set by the server's thread before it checks that the
	 * server is alive and runs the callback: the server's exit fails it.
	 */
	private volatile @Nullable Call handling;

	/**
	 * The caller's step once its call is in the server's mailbox: a death that this delivery
	 * overtook (its walk read the tail before the call was on it) is seen here, and fails the call
	 * with the reason.
	 * @param server the server called
	 * @param call the call just queued
	 */
	void delivered(ServerProcess server, Call call) {
		ExitReason reason = server.exitReason();
		if (reason != null) {
			call.fail(server.pid, reason);
		}
	}

	/**
	 * The server thread's step before {@code handleCall}: publishes the call, then checks the
	 * server alive. A death that missed the call in the mailbox (the thread took it first) either
	 * reads it here or is seen by the check.
	 * @param server the server
	 * @param call the call taken from its mailbox
	 * @return whether the server is alive, and so runs {@code handleCall}
	 */
	boolean handling(ServerProcess server, Call call) {
		this.handling = call;
		return server.isAlive();
	}

	/**
	 * The server thread's step after {@code handleCall} (or after finding itself dead): lets go
	 * of the call, which then becomes an exit hook of its own if nothing settled it yet.
	 * @param server the server
	 * @param call the call its thread took
	 */
	final void handled(ServerProcess server, Call call) {
		// a release write, no fence: an exit hook that still reads the call finds it settled
		// (failing it does nothing) or deferred (which the exit fails anyway)
		HANDLING.setRelease(this, null);
		if (!call.settled()) {
			// a deferred reply, or a death that raced the handling: the call's own hook now
			call.deferOn(server);
		}
	}

	@Override
	public boolean notifies() {
		return true;
	}

	@Override
	protected final void processExited(Owner process, ExitReason reason) {
		failPending((ServerProcess) process, reason);
	}

	/**
	 * The death's step, after the server is marked dead: fails the call being handled, then every
	 * call queued up to the tail the walk reads ({@link Mailbox#forEachQueued}).
	 * @param server the dead server
	 * @param reason why it exited
	 */
	void failPending(ServerProcess server, ExitReason reason) {
		Call current = this.handling;
		if (current != null) {
			current.fail(server.pid, reason);
		}
		Mailbox box = server.mailbox();
		if (box == null) {
			// nothing is queued: a caller that installs the mailbox after this read checks the server
			// alive after its delivery and sees the mark
			return;
		}
		box.forEachQueued((message) -> {
			if (message instanceof Call call) {
				call.fail(server.pid, reason);
			}
		});
	}

}
