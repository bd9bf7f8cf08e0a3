package dev.procreg.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;

/**
 * One call in flight, the {@link From} a server's {@code handleCall} gets: it carries the request
 * to the server through the mailbox and is what the caller parks on. One object per call. The
 * server's exit fails it: through the server's one exit hook while it is queued or handled, and
 * as an exit hook of its own once {@code handleCall} deferred its reply ({@link #deferOn}).
 *
 * <p>A call's reply never goes through the caller's mailbox: the first of reply, server exit and
 * timeout settles the call with one compare-and-set on {@code outcome}, and whatever comes later
 * is dropped. So a late reply cannot reach a caller that timed out.
 */
non-sealed class Call extends ExitHook implements From {

	/** Package-private for a test's planted bug (a settle that is not one compare-and-set). */
	static final VarHandle OUTCOME;

	static {
		try {
			OUTCOME = MethodHandles.lookup().findVarHandle(Call.class, "outcome", Object.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	static final Object NULL_REPLY = new Object();

	private static final Object TIMED_OUT = new Object();

	/** The caller was interrupted while waiting and gave up; a later reply is dropped. */
	private static final Object ABANDONED = new Object();

	final Object request;

	private final @Nullable Pid caller;

	private final Thread waiter;

	/** null while pending; then the reply (NULL_REPLY for null), a Failure or TIMED_OUT. */
	@SuppressWarnings("unused") // through OUTCOME
	private volatile @Nullable Object outcome;

	private volatile boolean parked;

	/**
	 * The server that kept this call past its {@code handleCall} (a deferred reply), attached to
	 * it as its exit hook until the call settles; {@code null} for a call answered at once.
	 */
	private volatile @Nullable ServerProcess deferredOn;

	Call(Object request, @Nullable Pid caller) {
		this.request = request;
		this.caller = caller;
		this.waiter = Thread.currentThread();
	}

	@Override
	public @Nullable Pid caller() {
		return this.caller;
	}

	@Override
	public boolean reply(@Nullable Object value) {
		return settle((value != null) ? value : NULL_REPLY);
	}

	boolean fail(Pid server, ExitReason reason) {
		return settle(new Failure(server, reason, Signal.CallFailure.EXITED));
	}

	/**
	 * Fails the call without an exit of the server: a remote node answered that no process had
	 * the pid, or that it is no server.
	 */
	boolean fail(Pid server, Signal.CallFailure failure) {
		return fail(server, failure, ExitReason.NOPROC);
	}

	/** Fails the call as a remote node answered it: how, and the reason it gave. */
	boolean fail(Pid server, Signal.CallFailure failure, ExitReason reason) {
		return settle(new Failure(server, reason, failure));
	}

	private boolean settle(Object result) {
		if (claim(result)) {
			settled(result);
			return true;
		}
		return false;
	}

	/**
	 * What follows the one step that settled the call: a deferred call leaves its server's
	 * hooks, and the caller is woken if it parked.
	 */
	void settled(Object result) {
		leaveServer();
		if (this.parked) {
			LockSupport.unpark(this.waiter);
		}
	}

	/**
	 * The server's {@code handleCall} returned without settling the call (its reply comes later,
	 * from any thread): until then the call is the server's exit hook, so that the server's exit
	 * fails it. A call taken from the mailbox was no hook until here: its server's own exit hook
	 * covers the calls queued and the one being handled ({@link ServerProcess}).
	 * @param server the server keeping the call
	 */
	void deferOn(ServerProcess server) {
		this.deferredOn = server;
		if (!server.attach(this)) {
			ExitReason reason = server.exitReason();
			fail(server.pid, (reason != null) ? reason : ExitReason.NOPROC);
		}
		else if (settled()) {
			server.detach(this); // settled between the check and the attach, whose detach found nothing
		}
	}

	/** The caller's deadline passed: settles the call as timed out, unless something came first. */
	boolean expire() {
		return giveUp(TIMED_OUT);
	}

	/** The caller was interrupted and gives up: settles the call, unless something came first. */
	boolean abandon() {
		return giveUp(ABANDONED);
	}

	private boolean giveUp(Object how) {
		if (claim(how)) {
			leaveServer();
			return true;
		}
		return false;
	}

	/** A settled call that its server kept past {@code handleCall} is no longer its exit hook. */
	private void leaveServer() {
		ServerProcess server = this.deferredOn;
		if (server != null) {
			server.detach(this);
		}
	}

	/**
	 * The one step that settles the call: whichever of reply, failure, timeout and abandonment
	 * comes first wins, by one compare-and-set; overridable only for a test's planted bug.
	 * @return whether {@code result} settled the call
	 */
	boolean claim(Object result) {
		return OUTCOME.compareAndSet(this, null, result);
	}

	/** @return how the call stands: pending, replied with its value, failed, timed out, abandoned */
	String state() {
		Object result = this.outcome;
		if (result == null) {
			return "pending";
		}
		if (result == TIMED_OUT) {
			return "timed out";
		}
		if (result == ABANDONED) {
			return "abandoned";
		}
		if (result instanceof Failure failure) {
			return "failed: " + failure.reason;
		}
		return "replied: " + ((result == NULL_REPLY) ? null : result);
	}

	/** @return whether the caller had to park (its spin, if any, did not catch the outcome) */
	boolean parked() {
		return this.parked;
	}

	boolean settled() {
		return this.outcome != null;
	}

	/** @return whether the call was settled by a reply (not by a failure or a timeout) */
	boolean replied() {
		Object result = this.outcome;
		return result != null && result != TIMED_OUT && result != ABANDONED && !(result instanceof Failure);
	}

	@Override
	public boolean notifies() {
		return true;
	}

	@Override
	protected void processExited(Owner process, ExitReason reason) {
		fail(process.pid(), reason);
	}

	/**
	 * Waits for the outcome; only the calling thread may wait.
	 * @param spin how long to look for the outcome before parking ({@link SpinWait})
	 * @return the reply
	 */
	@Nullable Object await(Name name, long start, long nanos, java.time.Duration timeout, long spin) {
		Object result = this.outcome;
		long budget = Math.min(nanos, spin);
		for (int look = 1; result == null && SpinWait.again(look, start, budget); look++) {
			result = this.outcome;
		}
		if (result == null) {
			result = parkUntilSettled(start, nanos);
		}
		if (result == TIMED_OUT) {
			throw new CallTimeoutException(name, timeout);
		}
		if (result instanceof Failure failure) {
			if (failure.kind == Signal.CallFailure.NO_PROCESS) {
				throw new NoProcessException(name, "no process: " + name + " is not alive");
			}
			if (failure.kind == Signal.CallFailure.NOT_A_SERVER) {
				throw new IllegalArgumentException(name + " is not a GenServer; send it a message instead");
			}
			if (failure.kind == Signal.CallFailure.UNDELIVERABLE
					&& failure.reason instanceof ExitReason.Crash(Throwable error)) {
				throw new ProcessException("the reply of " + name + " could not be sent: " + error.getMessage(), error);
			}
			throw new ProcessExitException(failure.server, failure.reason,
					"call to " + name + " failed: " + failure.server + " exited with reason " + failure.reason);
		}
		return (result == NULL_REPLY) ? null : result;
	}

	private Object parkUntilSettled(long start, long nanos) {
		long deadline = start + nanos;
		this.parked = true;
		Object result;
		while ((result = this.outcome) == null) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				if (expire()) {
					return TIMED_OUT;
				}
				continue;
			}
			LockSupport.parkNanos(this, remaining);
			if (Thread.interrupted()) {
				// the interrupt is the caller's own: it never reaches the server, the caller keeps it
				Thread.currentThread().interrupt();
				if (abandon()) {
					LocalProcess self = LocalProcess.current();
					ExitReason own = (self != null) ? self.exitReason() : null;
					if (own != null && self != null) {
						throw new ProcessExitException(self.pid, own,
								self.pid + " exited while waiting for a reply: " + own);
					}
					throw new ProcessException("interrupted while waiting for a reply");
				}
			}
		}
		return result;
	}

	@Override
	public String toString() {
		return "From[" + ((this.caller != null) ? this.caller : this.waiter.getName()) + ", " + state() + "]";
	}

	/** How a call failed: the server exited (with its reason), or was not there to call. */
	record Failure(Pid server, ExitReason reason, Signal.CallFailure kind) {
	}

}
