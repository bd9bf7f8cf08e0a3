package dev.procreg.registry;

/**
 * Fault points at the registry's dangerous steps: no-ops in production, settable by tests in
 * this package to force an interleaving deterministically (a kill between a table write and the
 * owner's attach, or between a detach and the removal; a read between a death and its cleanup;
 * a death while a table is rebuilt).
 */
final class RegistryFaults {

	static volatile Runnable afterWrite = () -> {
	};

	static volatile Runnable beforeCleanup = () -> {
	};

	static volatile Runnable beforeRebuildPublished = () -> {
	};

	static volatile Runnable afterDetach = () -> {
	};

	private RegistryFaults() {
	}

	static void afterWrite() {
		afterWrite.run();
	}

	static void beforeCleanup() {
		beforeCleanup.run();
	}

	static void beforeRebuildPublished() {
		beforeRebuildPublished.run();
	}

	static void afterDetach() {
		afterDetach.run();
	}

	static void reset() {
		afterWrite = () -> {
		};
		beforeCleanup = () -> {
		};
		beforeRebuildPublished = () -> {
		};
		afterDetach = () -> {
		};
	}

}
