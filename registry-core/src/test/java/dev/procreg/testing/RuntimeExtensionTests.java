package dev.procreg.testing;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ProcessRuntime;

import static org.assertj.core.api.Assertions.assertThat;

/** The fixture itself: one runtime per test, the same for every parameter of it, closed after it. */
@ExtendWith(RuntimeExtension.class)
class RuntimeExtensionTests {

	private static final List<ProcessRuntime> seen = new ArrayList<>();

	private final ProcessRuntime runtime;

	RuntimeExtensionTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@RepeatedTest(3)
	void eachTestHasItsOwnOpenRuntime(ProcessRuntime parameter) {
		assertThat(parameter).as("constructor and method get one runtime").isSameAs(this.runtime);
		assertThat(this.runtime.isClosed()).isFalse();
		assertThat(seen).as("earlier tests' runtimes").doesNotContain(this.runtime).allMatch(ProcessRuntime::isClosed);
		seen.add(this.runtime);
	}

	@AfterAll
	static void everyRuntimeWasClosed() {
		assertThat(seen).hasSize(3).allMatch(ProcessRuntime::isClosed);
	}

}
