package dev.procreg.supervisor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.supervisor.TestServers.Stubborn;
import dev.procreg.supervisor.TestServers.Worker;
import dev.procreg.testing.Await;

import static dev.procreg.supervisor.TestServers.awaitRestarted;
import static dev.procreg.supervisor.TestServers.child;
import static dev.procreg.supervisor.TestServers.exitReason;
import static dev.procreg.supervisor.TestServers.pidOf;
import static dev.procreg.supervisor.TestServers.watch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SupervisorShutdownTests extends SupervisorTestSupport {

	@Test
	void stoppingASupervisorStopsItsChildrenInReverseOrderWithShutdown() {
		Pid sup = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE, List.of(worker("a"), worker("b"), worker("c")),
				Supervisor.Options.defaults()).orThrow();
		Pid a = pidOf(this.runtime, sup, "a");
		this.runtime.stop(sup, ExitReason.SHUTDOWN, Await.LONG);
		assertThat(this.events.stops()).containsExactly("stop:c:shutdown", "stop:b:shutdown", "stop:a:shutdown");
		assertThat(this.runtime.isAlive(a)).isFalse();
	}

	@Test
	void aChildThatIgnoresShutdownIsKilledAfterItsTimeout() throws Exception {
		Stubborn stubborn = new Stubborn();
		Pid sup = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(worker("a"), ChildSpec.of("stubborn", (rt) -> GenServer.startLink(rt, stubborn, null))
					.withShutdown(Shutdown.timeout(Duration.ofMillis(50)))),
				Supervisor.Options.defaults()).orThrow();
		Pid pid = pidOf(this.runtime, sup, "stubborn");
		CompletableFuture<ExitReason> reason = watch(this.runtime, pid);

		assertThat(Supervisor.terminateChild(this.runtime, sup, "stubborn")).isTrue();

		assertThat(this.runtime.isAlive(pid)).isFalse();
		assertThat(stubborn.terminating.getCount()).as("terminate was called").isZero();
		assertThat(stubborn.terminateFinished).as("terminate was cut short").isFalse();
		assertThat(exitReason(reason)).isEqualTo(ExitReason.KILLED);
		assertThat(child(this.runtime, sup, "stubborn").lastExitReason()).isEqualTo(ExitReason.KILLED);
		assertThat(this.runtime.isAlive(pidOf(this.runtime, sup, "a"))).isTrue();
	}

	@Test
	void brutalKillSkipsTerminate() {
		Pid sup = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(worker("a").withShutdown(Shutdown.brutalKill())), Supervisor.Options.defaults()).orThrow();
		Pid a = pidOf(this.runtime, sup, "a");
		assertThat(Supervisor.terminateChild(this.runtime, sup, "a")).isTrue();
		assertThat(this.runtime.isAlive(a)).isFalse();
		assertThat(this.events.stops()).isEmpty();
		assertThat(child(this.runtime, sup, "a").lastExitReason()).isEqualTo(ExitReason.KILLED);
	}

	@Test
	void intensityExceededShutsTheSupervisorDown() {
		Pid sup = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE, List.of(worker("a"), worker("b")),
				new Supervisor.Options(1, 3600, null)).orThrow();
		CompletableFuture<ExitReason> supExit = watch(this.runtime, sup);
		Pid a = pidOf(this.runtime, sup, "a");
		this.runtime.exit(a, ExitReason.of("boom"));
		Pid a2 = awaitRestarted(this.runtime, sup, "a", a);
		this.runtime.exit(a2, ExitReason.of("boom"));
		assertThat(exitReason(supExit)).isEqualTo(ExitReason.SHUTDOWN);
		assertThat(this.events.stops()).containsExactly("stop:b:shutdown");
	}

	@Test
	void intensityExceededCascadesUpANestedTree() {
		ChildSpec nested = Supervisor.childSpec("nested", Strategy.ONE_FOR_ONE, List.of(worker("w")),
				new Supervisor.Options(0, 3600, null));
		Pid top = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE, List.of(worker("sibling"), nested),
				new Supervisor.Options(1, 3600, null)).orThrow();
		CompletableFuture<ExitReason> topExit = watch(this.runtime, top);
		Pid nested1 = pidOf(this.runtime, top, "nested");
		Pid w1 = pidOf(this.runtime, nested1, "w");

		this.runtime.exit(w1, ExitReason.of("boom"));
		Pid nested2 = awaitRestarted(this.runtime, top, "nested", nested1);
		assertThat(this.runtime.isAlive(nested1)).isFalse();
		ChildInfo nestedInfo = child(this.runtime, top, "nested");
		assertThat(nestedInfo.lastExitReason()).as("the top supervisor saw shutdown").isEqualTo(ExitReason.SHUTDOWN);
		assertThat(nestedInfo.restartCount()).isEqualTo(1);
		Pid w2 = pidOf(this.runtime, nested2, "w");
		assertThat(w2).isNotEqualTo(w1);

		this.runtime.exit(w2, ExitReason.of("boom"));
		assertThat(exitReason(topExit)).isEqualTo(ExitReason.SHUTDOWN);
		assertThat(this.runtime.isAlive(nested2)).isFalse();
		assertThat(this.events.stops()).containsExactly("stop:sibling:shutdown");
	}

	@Test
	void closingTheRuntimeStopsSupervisorsInReverseStartOrderBeforeOtherProcesses() {
		Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE, List.of(worker("a1"), worker("a2")),
				Supervisor.Options.defaults()).orThrow();
		GenServer.start(this.runtime, new Worker(this.events), "loose").orThrow();
		Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(worker("b1"), Supervisor.childSpec("inner", Strategy.ONE_FOR_ONE, List.of(worker("b2")),
						Supervisor.Options.defaults())),
				Supervisor.Options.defaults()).orThrow();
		DynamicSupervisor.start(this.runtime, DynamicSupervisor.Options.defaults())
			.orThrow();

		this.runtime.close();

		assertThat(this.events.stops()).containsExactly("stop:b2:shutdown", "stop:b1:shutdown", "stop:a2:shutdown",
				"stop:a1:shutdown", "stop:loose:shutdown");
		await().atMost(Await.LONG).until(() -> this.runtime.processCount() == 0);
	}

	@Test
	void closingTheRuntimeBoundsTheWaitForAStubbornChild() {
		Stubborn stubborn = new Stubborn();
		Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(ChildSpec.of("stubborn", (rt) -> GenServer.startLink(rt, stubborn, null))
					.withShutdown(Shutdown.timeout(Duration.ofMillis(50))), worker("a")),
				Supervisor.Options.defaults()).orThrow();
		this.runtime.close();
		assertThat(stubborn.terminating.getCount()).isZero();
		assertThat(stubborn.terminateFinished).isFalse();
		assertThat(this.events.stops()).containsExactly("stop:a:shutdown");
		await().atMost(Await.LONG).until(() -> this.runtime.processCount() == 0);
	}

}
