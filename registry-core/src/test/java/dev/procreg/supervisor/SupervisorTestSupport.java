package dev.procreg.supervisor;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ProcessRuntime;
import dev.procreg.supervisor.TestServers.Events;
import dev.procreg.supervisor.TestServers.Worker;
import dev.procreg.testing.RuntimeExtension;

/** The test's runtime (the shared fixture's, closed after each test), the events its workers record, and a worker spec. */
@ExtendWith(RuntimeExtension.class)
abstract class SupervisorTestSupport {

	protected ProcessRuntime runtime;

	protected final Events events = new Events();

	@BeforeEach
	void runtime(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	protected ChildSpec worker(String id) {
		return ChildSpec.worker(id, () -> new Worker(this.events), id);
	}

}
