package dev.procreg.registry;

/**
 * Fault points at the registry's dangerous steps: no-ops in production, settable by tests in
 * this package to force an interleaving deterministically (a kill between a table write and the
 * owner's attach, or between a detach and the removal; a read between a death and its cleanup;
 * a death while a table is rebuilt; writers that find a table full at once; a helper of a
 * rebuild's copy stalled, or failing as it takes a chunk or at its end; a rebuild's wake-up lost).
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

	static volatile Runnable afterChunkCopied = () -> {
	};

	static volatile Runnable afterChunkClaimed = () -> {
	};

	static volatile Runnable beforeRebuildAllocates = () -> {
	};

	static volatile Runnable awaitingPreparation = () -> {
	};

	static volatile Runnable beforeWaitersWoken = () -> {
	};

	static volatile Runnable afterGatePark = () -> {
	};

	static volatile Runnable beforeClearPid = () -> {
	};

	static volatile Runnable afterAppend = () -> {
	};

	static volatile Runnable afterDuplicateAttach = () -> {
	};

	static volatile Runnable beforeCountOut = () -> {
	};

	static volatile Runnable beforeCountIn = () -> {
	};

	static volatile Runnable beforeUnlink = () -> {
	};

	static volatile Runnable beforeDetached = () -> {
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

	/** On the thread that copied a chunk of a rebuild, before the chunk counts as copied. */
	static void afterChunkCopied() {
		afterChunkCopied.run();
	}

	/** On the thread that took a chunk of a rebuild to copy, before it copies any of it. */
	static void afterChunkClaimed() {
		afterChunkClaimed.run();
	}

	/** On the one writer that allocates the table of the rebuild it is about to start. */
	static void beforeRebuildAllocates() {
		beforeRebuildAllocates.run();
	}

	/** On a writer that found the table full while another allocates the rebuild's table. */
	static void awaitingPreparation() {
		awaitingPreparation.run();
	}

	/** On a writer parked at a rebuild's gate, each time its park returns (woken, or to look at the gate). */
	static void afterGatePark() {
		afterGatePark.run();
	}

	/** On the thread that rebuilt, after it opened the gate and before it wakes the writers parked there. */
	static void beforeWaitersWoken() {
		beforeWaitersWoken.run();
	}

	/** On the thread of a death, as a unique entry's slot pid is about to be cleared (the owner still alive). */
	static void beforeClearPid() {
		beforeClearPid.run();
	}

	/** In a duplicate register's bucket write, after its entry joined the bucket, before its event. */
	static void afterAppend() {
		afterAppend.run();
	}

	static void afterDuplicateAttach() {
		afterDuplicateAttach.run();
	}

	static void beforeCountOut() {
		beforeCountOut.run();
	}

	static void beforeCountIn() {
		beforeCountIn.run();
	}

	static void beforeUnlink() {
		beforeUnlink.run();
	}

	static void beforeDetached() {
		beforeDetached.run();
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
		afterChunkCopied = () -> {
		};
		afterChunkClaimed = () -> {
		};
		beforeRebuildAllocates = () -> {
		};
		awaitingPreparation = () -> {
		};
		beforeWaitersWoken = () -> {
		};
		afterGatePark = () -> {
		};
		beforeClearPid = () -> {
		};
		afterAppend = () -> {
		};
		afterDuplicateAttach = () -> {
		};
		beforeCountOut = () -> {
		};
		beforeCountIn = () -> {
		};
		beforeUnlink = () -> {
		};
		beforeDetached = () -> {
		};
	}

}
