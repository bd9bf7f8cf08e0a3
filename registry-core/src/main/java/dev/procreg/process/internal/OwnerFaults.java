package dev.procreg.process.internal;

/**
 * Fault points in a death's steps: no-ops in production, set by this library's tests to force a
 * failure deterministically where only a stack that runs out could otherwise put one (the wait for
 * the thread that runs a hook again on a fresh stack). Public only because those tests live in
 * the packages that use {@link Owner}; not an API.
 */
public final class OwnerFaults {

	private static final Runnable NOTHING = () -> {
	};

	/** On a killer's thread, once the thread that runs a hook on a fresh stack has started, before each wait for it. */
	public static volatile Runnable beforeFreshStackAwaited = NOTHING;

	private OwnerFaults() {
	}

	static void beforeFreshStackAwaited() {
		beforeFreshStackAwaited.run();
	}

	/** Puts every fault point back to doing nothing. */
	public static void reset() {
		beforeFreshStackAwaited = NOTHING;
	}

}
