package dev.procreg.supervisor;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.procreg.process.StartResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SupervisorBadInputTests extends SupervisorTestSupport {

	@Test
	void specWithoutIdIsRefused() {
		assertThatThrownBy(() -> ChildSpec.of(null, (rt) -> new StartResult.Ignored()))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("child spec has no id");
	}

	@Test
	void specWithoutStartFunctionIsRefused() {
		assertThatThrownBy(() -> ChildSpec.of("a", null)).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("child spec 'a' has no start function");
	}

	@Test
	void duplicateIdsAreRefusedBeforeAnythingStarts() {
		int before = this.runtime.processCount();
		assertThatThrownBy(() -> Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(worker("a"), worker("b"), worker("a")), Supervisor.Options.defaults()))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("duplicate child id 'a'");
		assertThat(this.events.all()).isEmpty();
		assertThat(this.runtime.processCount()).isEqualTo(before);
	}

	@Test
	void nullSpecInTheListIsRefused() {
		assertThatThrownBy(() -> Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				Arrays.asList(worker("a"), null), Supervisor.Options.defaults()))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("index 1 is null");
	}

	@Test
	void negativeIntensityIsRefused() {
		assertThatThrownBy(() -> Supervisor.Options.defaults().withMaxRestarts(-1))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("maxRestarts must not be negative: -1");
		assertThatThrownBy(() -> new Supervisor.Options(3, 0, null)).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("maxSeconds must be at least 1: 0");
		assertThatThrownBy(() -> DynamicSupervisor.Options.defaults().withMaxRestarts(-2))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("maxRestarts must not be negative: -2");
		assertThatThrownBy(() -> DynamicSupervisor.Options.defaults().withMaxChildren(-1))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("maxChildren must not be negative: -1");
	}

	@Test
	void missingStrategyOrPartitionsAreRefused() {
		assertThatThrownBy(() -> Supervisor.start(this.runtime, null, List.of(), Supervisor.Options.defaults()))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("strategy");
		assertThatThrownBy(() -> PartitionSupervisor.create(this.runtime, 0, DynamicSupervisor.Options.defaults()))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("partitions must be at least 1: 0");
		assertThatThrownBy(() -> Shutdown.timeout(java.time.Duration.ofSeconds(-1)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("shutdown timeout must not be negative");
	}

	@Test
	void specDefaultsAreElixirs() {
		ChildSpec worker = worker("w");
		assertThat(worker.restart()).isEqualTo(Restart.PERMANENT);
		assertThat(worker.type()).isEqualTo(ChildType.WORKER);
		assertThat(worker.shutdown()).isEqualTo(Shutdown.timeout(java.time.Duration.ofSeconds(5)));
		ChildSpec sup = Supervisor.childSpec("s", Strategy.ONE_FOR_ONE, List.of(), Supervisor.Options.defaults());
		assertThat(sup.type()).isEqualTo(ChildType.SUPERVISOR);
		assertThat(sup.shutdown()).isEqualTo(Shutdown.infinity());
		assertThat(worker.withType(ChildType.SUPERVISOR).shutdown()).isEqualTo(Shutdown.infinity());
		assertThat(Supervisor.Options.defaults()).isEqualTo(new Supervisor.Options(3, 5, null));
	}

}
