package dev.procreg.supervisor;

import org.junit.jupiter.api.AfterEach;

import dev.procreg.process.ProcessRuntime;
import dev.procreg.supervisor.TestServers.Events;
import dev.procreg.supervisor.TestServers.Worker;

/** A runtime closed after each test, the events its workers record, and a worker spec. */
abstract class SupervisorTestSupport {

	protected final ProcessRuntime runtime = ProcessRuntime.start();

	protected final Events events = new Events();

	@AfterEach
	void close() {
		this.runtime.close();
	}

	protected ChildSpec worker(String id) {
		return ChildSpec.worker(id, () -> new Worker(this.events), id);
	}

}
