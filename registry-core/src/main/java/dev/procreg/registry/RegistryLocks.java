package dev.procreg.registry;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.procreg.process.ExitReason;
import dev.procreg.process.ProcessExitException;
import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;

/**
 * The locks of {@link ProcessRegistry#lock}.
 *
 * <h2>Invariant: at most one action runs per lock key, ever</h2>
 * A lock key maps to its {@link Holder} from the moment the holder is admitted until its action
 * has returned (or thrown): only the holder's own {@code finally} removes it. A holder that is
 * killed inside its action keeps the lock until its code actually leaves the action, because a
 * killed thread that swallows the interrupt may go on running it; admitting a waiter at the
 * death would run two actions at once. The holder's exit hook only wakes the waiters, so that
 * each starts counting how long the dead holder has been stuck; after its stuck timeout a waiter
 * gives up with a {@link RegistryLockStuckException} instead of entering.
 */
final class RegistryLocks {

	private final ConcurrentHashMap<Object, Holder> held = new ConcurrentHashMap<>();

	private final ReentrantLock waiting = new ReentrantLock();

	private final Condition released = this.waiting.newCondition();

	<T> T run(Owner process, Object lockKey, Duration stuckAfter, Supplier<T> action) {
		Holder holder = acquire(process, lockKey, stuckAfter);
		try {
			return action.get();
		}
		finally {
			process.detach(holder);
			release(holder);
		}
	}

	private Holder acquire(Owner process, Object lockKey, Duration stuckAfter) {
		Holder mine = new Holder(this, lockKey, process);
		long deadSince = 0L;
		Holder deadHolder = null;
		for (;;) {
			Holder current = this.held.putIfAbsent(lockKey, mine);
			if (current == null) {
				if (!process.attachOrRun(mine)) {
					// dead before it held the lock: freed (attachFailed), and whoever saw it taken woken
					ExitReason reason = process.exitReason();
					throw new ProcessExitException(process.pid(), (reason != null) ? reason : ExitReason.NORMAL,
							process.pid() + " exited while taking lock " + lockKey);
				}
				return mine;
			}
			if (current.process == process) {
				throw new IllegalStateException(process.pid() + " already holds registry lock " + lockKey);
			}
			this.waiting.lock();
			try {
				while (this.held.get(lockKey) == current) {
					if (current.process.isAlive()) {
						this.released.await();
						continue;
					}
					// the holder is dead but its action has not returned: wait for it, up to stuckAfter
					if (deadHolder != current) {
						deadHolder = current;
						deadSince = System.nanoTime();
					}
					long remaining = stuckAfter.toNanos() - (System.nanoTime() - deadSince);
					if (remaining <= 0) {
						throw new RegistryLockStuckException(lockKey, current.process.pid(), stuckAfter);
					}
					this.released.awaitNanos(remaining);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				ExitReason reason = process.exitReason();
				throw new ProcessExitException(process.pid(), (reason != null) ? reason : ExitReason.NORMAL,
						"interrupted while waiting for registry lock " + lockKey);
			}
			finally {
				this.waiting.unlock();
			}
		}
	}

	private void release(Holder holder) {
		this.held.remove(holder.lockKey, holder);
		wakeWaiters();
	}

	private void wakeWaiters() {
		this.waiting.lock();
		try {
			this.released.signalAll();
		}
		finally {
			this.waiting.unlock();
		}
	}

	private static final class Holder extends ExitHook {

		private final RegistryLocks locks;

		final Object lockKey;

		final Owner process;

		Holder(RegistryLocks locks, Object lockKey, Owner process) {
			this.locks = locks;
			this.lockKey = lockKey;
			this.process = process;
		}

		@Override
		public boolean notifies() {
			return true;
		}

		@Override
		protected void processExited(Owner exited, ExitReason reason) {
			// not a release: the action may still be running on the killed thread (see the class comment)
			this.locks.wakeWaiters();
		}

		@Override
		protected void attachFailed(Owner exited, ExitReason reason) {
			// dead before its action started: nothing runs, so the lock is free again
			this.locks.release(this);
		}

	}

}
