package dev.procreg.process;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * A process that runs a {@link ProcessBody} on a virtual thread of its own and blocks in
 * {@code receive}.
 *
 * <p>Wake-up protocol: the receiver sets {@code waiting} and then re-checks the mailbox before
 * parking; a sender enqueues (an atomic exchange) and then reads {@code waiting}. Both are
 * sequentially consistent, so at least one of them sees the other and no wake-up is lost, while
 * a sender to a busy receiver never pays for an unpark.
 */
final class ThreadProcess extends LocalProcess implements Runnable {

	/** Thread-safe, unlike a builder, so one serves every spawn. */
	private static final ThreadFactory VIRTUAL_THREADS = Thread.ofVirtual().factory();

	private final ProcessBody body;

	final Thread thread;

	private volatile boolean waiting;

	/** Messages looked at by a selective receive and left for later, oldest first. */
	private @Nullable ArrayDeque<Object> saved;

	ThreadProcess(ProcessRuntime runtime, long serial, ProcessBody body) {
		super(runtime, serial);
		this.body = body;
		this.thread = VIRTUAL_THREADS.newThread(this);
	}

	@Override
	public void run() {
		bindThread(this);
		try {
			this.body.run(this);
			exit(ExitReason.NORMAL);
		}
		catch (Throwable ex) {
			exit(isAlive() ? ExitReason.crash(ex) : ExitReason.NORMAL);
		}
		finally {
			unbindThread(this);
		}
	}

	@Override
	void wake() {
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
		Object message = receive0(null, -1L);
		if (message == null) {
			throw new IllegalStateException("receive without timeout returned nothing");
		}
		return message;
	}

	@Override
	public Optional<Object> receive(Duration timeout) {
		return Optional.ofNullable(receive0(null, ProcessRuntime.nanos(timeout)));
	}

	@Override
	public Optional<Object> receive(Predicate<Object> matcher, Duration timeout) {
		return Optional.ofNullable(receive0(matcher, ProcessRuntime.nanos(timeout)));
	}

	/** @param nanos how long to wait, or negative for ever */
	private @Nullable Object receive0(@Nullable Predicate<Object> matcher, long nanos) {
		if (Thread.currentThread() != this.thread) {
			throw new IllegalStateException("receive must be called by the process " + this.pid + " itself");
		}
		ArrayDeque<Object> skipped = this.saved;
		if (skipped != null && matcher != null) {
			for (Iterator<Object> it = skipped.iterator(); it.hasNext();) {
				Object message = it.next();
				if (message instanceof Down down && down.ref().flushed) {
					// set aside before a flushing demonitor: dropped like a queued one
					it.remove();
				}
				else if (matcher.test(message)) {
					it.remove();
					return message;
				}
			}
		}
		else if (skipped != null) {
			for (Object message = skipped.pollFirst(); message != null; message = skipped.pollFirst()) {
				if (!(message instanceof Down down && down.ref().flushed)) {
					return message;
				}
			}
		}
		long deadline = (nanos > 0) ? System.nanoTime() + nanos : 0L;
		for (;;) {
			ExitReason reason = exitReason();
			if (reason != null) {
				throw ProcessExitException.unwinding(this.pid, reason);
			}
			Object message = poll();
			if (message != null) {
				if (message instanceof Down down && down.ref().flushed) {
					continue;
				}
				if (matcher == null || matcher.test(message)) {
					return message;
				}
				save(message);
				continue;
			}
			long remaining = (nanos < 0) ? Long.MAX_VALUE : deadline - System.nanoTime();
			if (nanos == 0 || remaining <= 0) {
				return null;
			}
			this.waiting = true;
			if (mailboxEmpty() && isAlive()) {
				if (nanos < 0) {
					LockSupport.park(this);
				}
				else {
					LockSupport.parkNanos(this, remaining);
				}
			}
			this.waiting = false;
			if (Thread.interrupted() && isAlive()) {
				// an interrupt that is not a kill is not ours to act on: keep it for the body
				Thread.currentThread().interrupt();
				throw new ProcessException(this.pid + " was interrupted while receiving");
			}
		}
	}

	private void save(Object message) {
		if (this.saved == null) {
			this.saved = new ArrayDeque<>();
		}
		this.saved.addLast(message);
	}

	@Override
	ProcessInfo.Status status() {
		if (!isAlive()) {
			return ProcessInfo.Status.EXITED;
		}
		return (this.waiting) ? ProcessInfo.Status.WAITING : ProcessInfo.Status.RUNNING;
	}

	void start() {
		this.thread.start();
	}

}
