package dev.procreg.registry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.procreg.process.ExitHook;
import dev.procreg.process.ExitReason;
import dev.procreg.process.LocalProcess;
import dev.procreg.process.ProcessExitException;

/**
 * The locks of {@link ProcessRegistry#lock}: a lock key is held by at most one live process. The
 * holder is also an exit hook of its process, so a holder that dies releases the lock, and a lock
 * whose holder is dead counts as free even before that hook runs.
 */
final class RegistryLocks {

	private final ConcurrentHashMap<Object, Holder> held = new ConcurrentHashMap<>();

	private final ReentrantLock waiting = new ReentrantLock();

	private final Condition released = this.waiting.newCondition();

	<T> T run(LocalProcess process, Object lockKey, Supplier<T> action) {
		Holder holder = acquire(process, lockKey);
		try {
			return action.get();
		}
		finally {
			if (process.detach(holder)) {
				release(holder);
			}
		}
	}

	private Holder acquire(LocalProcess process, Object lockKey) {
		Holder mine = new Holder(this, lockKey, process);
		for (;;) {
			Holder current = this.held.putIfAbsent(lockKey, mine);
			if (current == null) {
				if (!process.attach(mine)) {
					// dead before it held the lock: free it and wake whoever saw it taken meanwhile
					release(mine);
					ExitReason reason = process.exitReason();
					throw new ProcessExitException(process.pid(), (reason != null) ? reason : ExitReason.NORMAL,
							process.pid() + " exited while taking lock " + lockKey);
				}
				return mine;
			}
			if (current.process == process) {
				throw new IllegalStateException(process.pid() + " already holds registry lock " + lockKey);
			}
			if (!current.process.isAlive()) {
				this.held.remove(lockKey, current);
				continue;
			}
			this.waiting.lock();
			try {
				while (this.held.get(lockKey) == current && current.process.isAlive()) {
					this.released.await();
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

		final LocalProcess process;

		Holder(RegistryLocks locks, Object lockKey, LocalProcess process) {
			this.locks = locks;
			this.lockKey = lockKey;
			this.process = process;
		}

		@Override
		protected void processExited(LocalProcess exited, ExitReason reason) {
			this.locks.release(this);
		}

	}

}
