package dev.procreg.process;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process that runs a {@link ProcessBody} on a virtual thread of its own and blocks in
 * {@code receive}.
 *
 * <p>Wake-up protocol: the receiver sets {@code waiting} and then re-checks the mailbox before
 * parking; a sender enqueues (an atomic exchange) and then reads {@code waiting}. Both are
 * sequentially consistent, so at least one of them sees the other and no wake-up is lost, while
 * a sender to a busy receiver never pays for an unpark.
 *
 * <p>Hand-off: a process whose send left its receiver ready to run but not running (it woke it
 * from a wait, or found it yielding) yields its carrier once before its own next wait, instead of
 * spinning. A woken virtual thread is queued on the carrier of the thread that woke it, so the
 * receiver most likely runs next on this very carrier; spinning would only keep it waiting, and
 * its reply would find this process parked and need a wake-up of its own. Two processes that
 * exchange messages on one carrier so take turns with a yield each and no park at all. When the
 * receiver runs elsewhere, the yield costs a trip through the scheduler's queue, and the process
 * then spins and waits as usual.
 */
final class ThreadProcess extends LocalProcess implements ReceivingContext, Runnable, Thread.UncaughtExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ThreadProcess.class);

	/** Thread-safe, unlike a builder, so one serves every spawn. */
	private static final ThreadFactory VIRTUAL_THREADS = Thread.ofVirtual().factory();

	/** A receive without timeout whose receive0 returns where it would park, for its caller to park. */
	private static final long PARK_IN_CALLER = Long.MIN_VALUE;

	private final ProcessBody body;

	final Thread thread;

	private volatile boolean waiting;

	/** Between {@code Thread.yield()} and its return in a receive: ready to run, not running. */
	private volatile boolean yielding;

	/**
	 * This process's last send made a process runnable that is not running yet (it woke it, or
	 * found it yielding): the receiver probably waits for this carrier. The process's own thread
	 * only.
	 */
	private boolean handOff;

	ThreadProcess(ProcessRuntime runtime, long serial, ProcessBody body) {
		super(runtime, serial);
		this.body = body;
		this.thread = VIRTUAL_THREADS.newThread(this);
		this.thread.setUncaughtExceptionHandler(this);
	}

	/**
	 * The spawned process whose own thread {@code thread} is, while the thread runs: the process
	 * is its thread's uncaught-exception handler, the one slot of its own a virtual thread offers
	 * besides thread-locals (whose per-thread map would cost every idle process about 136 bytes)
	 * and scoped values (final only in Java 25). Finding it is two reads of the thread, with no
	 * table to add to on every spawn. A terminated thread answers no handler.
	 * @param thread a thread
	 * @return its process, or {@code null} when it is not a spawned process's own thread (or has
	 * ended, or its code replaced the handler)
	 */
	static @Nullable ThreadProcess ofThread(Thread thread) {
		return (thread.getUncaughtExceptionHandler() instanceof ThreadProcess process && process.thread == thread)
				? process : null;
	}

	/**
	 * What escapes {@link #run()}, which catches everything: only a failure of the exit itself
	 * (an {@link Error} while the process tells its links), which would otherwise reach the JDK's
	 * default handler, printed on standard error.
	 */
	@Override
	public void uncaughtException(Thread thread, Throwable ex) {
		logger.error("{} failed while exiting; its exit may be incomplete", this.pid, ex);
	}

	@Override
	public void run() {
		try {
			if (isAlive()) {
				// not when it died before its thread started (a runtime closing as it was spawned)
				this.body.run(this);
			}
			exitOnOwnThread(ExitReason.NORMAL);
		}
		catch (Throwable ex) {
			exitOnOwnThread(isAlive() ? ExitReason.crash(ex) : ExitReason.NORMAL);
		}
	}

	@Override
	void wake(Object message) {
		if (this.waiting) {
			LockSupport.unpark(this.thread);
		}
	}

	@Override
	void stopRunning() {
		if (Thread.currentThread() != this.thread) {
			this.thread.interrupt();
		}
	}

	@Override
	boolean awaitCodeLeft(long nanos) {
		if (Thread.currentThread() == this.thread) {
			return false;
		}
		if (this.thread.getState() == Thread.State.NEW) {
			return true; // a body that never started: it sees the death before it runs anything
		}
		try {
			return this.thread.join(Duration.ofNanos(nanos));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !this.thread.isAlive();
		}
	}

	@Override
	public Object receive() {
		// parks here, in this small frame, not in receive0's: the frames under the park are what
		// every idle process keeps of its stack, and what young collections copy (85-120 bytes
		// less per idle process; benchmark README)
		Object message;
		boolean waited = false;
		while ((message = receive0(null, PARK_IN_CALLER, waited)) == null) {
			waited = true;
			this.waiting = true;
			if (mailboxEmpty() && isAlive()) {
				LockSupport.park(this);
			}
			this.waiting = false;
			if (this.thread.isInterrupted()) {
				keepInterrupt();
			}
		}
		return message;
	}

	@Override
	public Optional<Object> receive(Duration timeout) {
		return Optional.ofNullable(receive0(null, ProcessRuntime.nanos(timeout), false));
	}

	@Override
	public Optional<Object> receive(Predicate<Object> matcher, Duration timeout) {
		return Optional.ofNullable(receive0(matcher, ProcessRuntime.nanos(timeout), false));
	}

	/**
	 * @param nanos how long to wait, or {@link #PARK_IN_CALLER} for ever
	 * @param waited whether the caller went to park since its last call (and read the tail,
	 * parking only when it was empty): a message the tail says is in is then waited for, not
	 * passed by
	 * @return the message, or {@code null}: none within the timeout, or, for
	 * {@link #PARK_IN_CALLER}, none yet (the caller parks and calls again)
	 */
	private @Nullable Object receive0(@Nullable Predicate<Object> matcher, long nanos, boolean waited) {
		if (Thread.currentThread() != this.thread) {
			throw new IllegalStateException("receive must be called by the process " + this.pid + " itself");
		}
		Mailbox box = mailbox();
		Object aside = (box != null) ? box.takeSetAside(matcher, ThreadProcess::flushedDown) : null;
		if (aside != null) {
			box.handled++;
			return aside;
		}
		long deadline = (nanos > 0) ? System.nanoTime() + nanos : 0L;
		// a zero timeout looks at what is waiting now, not at a stream that keeps coming
		int budget = (nanos == 0) ? queuedLength() : Integer.MAX_VALUE;
		// whether the next take waits for the link of a message the tail says is in (poll): after a
		// spin, a park or a deadline, where the tail was read anyway. Otherwise a take passes a
		// message whose sender has not linked it yet (pollLinked), so that a receiver that has caught
		// up with its sender reads only the link, never the tail the sender swings; a zero timeout
		// looks at everything sent so far
		boolean tailSaid = waited || nanos == 0;
		for (;;) {
			ExitReason reason = exitReason();
			if (reason != null) {
				throw ProcessExitException.unwinding(this.pid, reason);
			}
			Object message = tailSaid ? poll() : pollLinked();
			tailSaid = (nanos == 0);
			if (message != null) {
				if (flushedDown(message)) {
					continue;
				}
				if (box == null) {
					box = mailbox(); // made: the message came from it, and a made mailbox stays
				}
				if (matcher == null || matcher.test(message)) {
					box.handled++;
					return message;
				}
				box.setAside(message);
				if (nanos > 0 && deadline - System.nanoTime() <= 0) {
					// past the deadline the receive looks at what has arrived by now, as a zero
					// timeout does, and then gives up: the deadline holds however many
					// non-matching messages keep arriving, and a match already waiting is found
					nanos = 0;
					budget = box.queuedLength() + 1; // the one just set aside counts below
					tailSaid = true;
				}
				if (nanos == 0 && --budget <= 0) {
					return null;
				}
				continue;
			}
			long remaining = (nanos < 0) ? Long.MAX_VALUE : deadline - System.nanoTime();
			if (nanos == 0 || remaining <= 0) {
				if (nanos != 0 && !mailboxEmpty()) {
					tailSaid = true; // a message is in, its sender about to link it: take it, not a timeout
					continue;
				}
				return null;
			}
			if (this.handOff) {
				// the process this one just sent to most likely waits behind it on this carrier:
				// let it run now, rather than spin while it cannot answer
				this.handOff = false;
				this.yielding = true;
				Thread.yield();
				this.yielding = false;
				continue;
			}
			if (spinUntilMessage(remaining)) {
				tailSaid = true;
				continue;
			}
			if (nanos == PARK_IN_CALLER) {
				return null;
			}
			tailSaid = true;
			this.waiting = true;
			if (mailboxEmpty() && isAlive()) {
				LockSupport.parkNanos(this, remaining);
			}
			this.waiting = false;
			if (this.thread.isInterrupted()) {
				keepInterrupt();
			}
		}
	}

	/** @return the messages queued, not counting set-aside ones ({@link Mailbox#queuedLength()}) */
	private int queuedLength() {
		Mailbox box = mailbox();
		return (box != null) ? box.queuedLength() : 0;
	}

	/**
	 * After a park that the thread's interrupt ended: a kill's interrupt is seen by the next look
	 * (the process is dead), any other is not ours to act on, and stays for the body.
	 */
	private void keepInterrupt() {
		if (Thread.interrupted() && isAlive()) {
			Thread.currentThread().interrupt();
			throw new ProcessException(this.pid + " was interrupted while receiving");
		}
	}

	/**
	 * Looks at the mailbox a few microseconds before the receiver parks ({@link SpinWait}): a
	 * reply to a message just sent often lands within it. Never past the receive's deadline; not
	 * at all before the process's first message ever (a spawned process waiting for work).
	 * @return whether a message arrived (or the process died) meanwhile
	 */
	private boolean spinUntilMessage(long remaining) {
		if (messagesHandled() == 0) {
			// nothing is on its way yet: a fresh process's first wait parks at once
			return !mailboxEmpty() || !isAlive();
		}
		long since = System.nanoTime();
		long spin = Math.min(remaining, SpinWait.VIRTUAL_NANOS);
		for (int look = 1; !messageLinked() && isAlive(); look++) {
			if (!SpinWait.again(look, since, spin)) {
				return false;
			}
		}
		return true;
	}

	/** Notes that this process's last send left its receiver runnable and not running. */
	void sentToRunnable() {
		this.handOff = true;
	}

	@Override
	boolean runnableNotRunning() {
		return this.waiting || this.yielding;
	}

	private static boolean flushedDown(Object message) {
		// set aside or queued before a flushing demonitor: dropped wherever it is
		return message instanceof Down down && down.ref().flushed;
	}

	@Override
	ProcessInfo.Status status() {
		if (!isAlive()) {
			return ProcessInfo.Status.EXITED;
		}
		return (this.waiting) ? ProcessInfo.Status.WAITING : ProcessInfo.Status.RUNNING;
	}

	/** Starts the thread, found as this process's from here on ({@link #ofThread}). */
	void start() {
		this.thread.start();
	}

}
