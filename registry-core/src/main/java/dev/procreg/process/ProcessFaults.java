package dev.procreg.process;

/**
 * Fault points at the runtime's dangerous steps: no-ops in production, settable by tests in this
 * package to force an interleaving deterministically (a runtime closing between a spawn's check
 * that it is open and the new process's entry in the process table).
 */
final class ProcessFaults {

	private static final Runnable NOTHING = () -> {
	};

	static volatile Runnable beforeAdmit = NOTHING;

	private ProcessFaults() {
	}

	static void beforeAdmit() {
		beforeAdmit.run();
	}

	static void reset() {
		beforeAdmit = NOTHING;
	}

}
