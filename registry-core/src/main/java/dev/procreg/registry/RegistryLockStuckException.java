package dev.procreg.registry;

import java.time.Duration;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessException;

/**
 * Thrown by {@link ProcessRegistry#lock} when the process holding the lock has exited but its
 * action has not returned within the stuck timeout: its code ignored the kill and still runs, so
 * the lock cannot be handed on without two actions running at once.
 */
public class RegistryLockStuckException extends ProcessException {

	private final transient Object lockKey;

	private final transient Pid holder;

	RegistryLockStuckException(Object lockKey, Pid holder, Duration waited) {
		super("registry lock " + lockKey + " is stuck: its holder " + holder + " has exited, but its action has not"
				+ " returned after " + waited.toMillis() + " ms (its code ignores the kill); the lock is not handed on"
				+ " while that action may still run", null, true);
		this.lockKey = lockKey;
		this.holder = holder;
	}

	/** @return the lock key */
	public Object lockKey() {
		return this.lockKey;
	}

	/** @return the dead process whose action still holds the lock */
	public Pid holder() {
		return this.holder;
	}

}
