package dev.procreg.registry;

import dev.procreg.process.Pid;

/**
 * The outcome of {@link ProcessRegistry#register(Object, Object)}. Handle both: ignoring a
 * conflict is the first of the common mistakes.
 *
 * <pre>{@code
 * switch (sessions.register(donorId, meta)) {
 *     case RegisterResult.Registered() -> doWork();
 *     case RegisterResult.AlreadyRegistered(Pid owner) -> throw new SessionExists(owner);
 * }
 * }</pre>
 */
public sealed interface RegisterResult {

	/** The calling process is now registered under the key. */
	record Registered() implements RegisterResult {
	}

	/**
	 * A live process already holds the unique key.
	 *
	 * @param owner that process (the caller itself when it registered the key before)
	 */
	record AlreadyRegistered(Pid owner) implements RegisterResult {
	}

}
