package dev.procreg.supervisor;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.supervisor.TestServers.Events;
import dev.procreg.supervisor.TestServers.Worker;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TopLevelSupervisors}, the supervisor index ({@link SupervisionTree#kindOf},
 * {@link SupervisionTree#restarts}) and bounded introspection calls.
 */
@ExtendWith(RuntimeExtension.class)
class TopLevelSupervisorsTests {

	private static final Duration BUDGET = Duration.ofSeconds(5);

	private final ProcessRuntime runtime;

	private final Events events = new Events();

	TopLevelSupervisorsTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	private TopLevelSupervisors.Definition supervisor(String name, String... workers) {
		List<ChildSpec> children = java.util.Arrays.stream(workers)
			.map((id) -> ChildSpec.worker(id, () -> new Worker(this.events), id))
			.toList();
		return TopLevelSupervisors.Definition.of(name, Strategy.ONE_FOR_ONE, children,
				Supervisor.Options.defaults().withMaxRestarts(0));
	}

	@Test
	void supervisorsStartInOrderAndStopInReverseOrder() {
		TopLevelSupervisors app = new TopLevelSupervisors(this.runtime,
				List.of(supervisor("first", "a"), supervisor("second", "b")));
		app.start(BUDGET);
		assertThat(this.events.starts()).containsExactly("start:a", "start:b");
		assertThat(app.statuses()).extracting(TopLevelSupervisors.Status::name, TopLevelSupervisors.Status::running)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("first", true),
					org.assertj.core.groups.Tuple.tuple("second", true));
		assertThat(app.whereis("first")).isPresent();
		app.stop(BUDGET);
		assertThat(this.events.stops()).containsExactly("stop:b:shutdown", "stop:a:shutdown");
		assertThat(app.gaveUp()).isEmpty();
		assertThat(app.isRunning()).isFalse();
	}

	@Test
	void aSupervisorThatFailsToStartStopsThoseBeforeItAndIsNamed() {
		TopLevelSupervisors app = new TopLevelSupervisors(this.runtime,
				List.of(supervisor("first", "a"), supervisor("broken", "fail")));
		assertThatIllegalStateException().isThrownBy(() -> app.start(BUDGET))
			.withMessageContaining("Supervisor 'broken' did not start");
		assertThat(this.events.stops()).containsExactly("stop:a:shutdown");
	}

	@Test
	void aSupervisorThatExceedsItsIntensityIsReportedAsGivenUp() {
		TopLevelSupervisors app = new TopLevelSupervisors(this.runtime, List.of(supervisor("fragile", "w")));
		app.start(BUDGET);
		Pid worker = Supervisor.whichChildren(this.runtime, app.whereis("fragile").orElseThrow(), BUDGET)
			.getFirst()
			.pid();
		this.runtime.exit(worker, ExitReason.of("boom"));
		await().atMost(Await.LONG).until(() -> app.gaveUp().contains("fragile"));
		assertThat(app.statuses().getFirst().exitReason()).isEqualTo(ExitReason.SHUTDOWN);
	}

	@Test
	void twoDefinitionsWithOneNameAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TopLevelSupervisors(this.runtime, List.of(supervisor("x"), supervisor("x"))))
			.withMessageContaining("Two top-level supervisors are named 'x'");
	}

	@Test
	void theIndexKnowsSupervisorsPerRuntimeAndCountsRestartsOfTheSubtree() {
		Pid top = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(Supervisor.childSpec("nested", Strategy.ONE_FOR_ONE,
						List.of(ChildSpec.worker("w", () -> new Worker(this.events), "w")), Supervisor.Options.defaults())),
				Supervisor.Options.defaults())
			.orThrow();
		Pid nested = Supervisor.whichChildren(this.runtime, top, BUDGET).getFirst().pid();
		Pid worker = Supervisor.whichChildren(this.runtime, nested, BUDGET).getFirst().pid();
		assertThat(SupervisionTree.kindOf(this.runtime, top)).contains(SupervisorInfo.Kind.SUPERVISOR);
		assertThat(SupervisionTree.kindOf(this.runtime, worker)).isEmpty();
		this.runtime.exit(worker, ExitReason.of("boom"));
		await().atMost(Await.LONG)
			.until(() -> SupervisionTree.restarts(this.runtime, top).orElse(0) == 1);
		assertThat(SupervisionTree.restarts(this.runtime, nested)).hasValue(1);
		// a second runtime beside the injected one
		try (ProcessRuntime other = ProcessRuntime.start()) {
			assertThat(SupervisionTree.supervisors(other)).isEmpty();
			assertThat(SupervisionTree.kindOf(other, top)).isEmpty();
		}
		assertThat(SupervisionTree.supervisors(this.runtime)).containsExactly(top, nested);
	}

	@Test
	void askingAProcessThatIsNoSupervisorIsAClearErrorAndLeavesItAlone() {
		Pid worker = dev.procreg.process.GenServer.start(this.runtime, new Worker(this.events), "w").orThrow();
		assertThatIllegalArgumentException().isThrownBy(() -> Supervisor.whichChildren(this.runtime, worker, BUDGET))
			.withMessageContaining("is not a supervisor");
		assertThat(this.runtime.isAlive(worker)).isTrue();
	}

	@Test
	void startResultOfATakenNameIsReported() {
		StartResult taken = DynamicSupervisor.start(this.runtime,
				DynamicSupervisor.Options.defaults().withName(dev.procreg.process.Name.of("taken")));
		assertThat(taken).isInstanceOf(StartResult.Started.class);
		TopLevelSupervisors app = new TopLevelSupervisors(this.runtime,
				List.of(TopLevelSupervisors.Definition.dynamic("taken", DynamicSupervisor.Options.defaults())));
		assertThatIllegalStateException().isThrownBy(() -> app.start(BUDGET))
			.withMessageContaining("the name is taken by");
	}

}
