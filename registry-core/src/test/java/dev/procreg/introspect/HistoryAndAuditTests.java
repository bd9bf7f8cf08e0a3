package dev.procreg.introspect;

import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.Supervisor;
import dev.procreg.testing.Await;
import dev.procreg.testing.IdleServer;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** Tests for the load {@link History} and the {@link AuditLog}. */
@ExtendWith(RuntimeExtension.class)
class HistoryAndAuditTests {

	private final ProcessRuntime runtime;

	HistoryAndAuditTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@Test
	void samplesTurnTheRuntimesCountersIntoRates() throws Exception {
		try (History history = History.start(this.runtime, 10)) {
			assertThat(history.sample()).as("the first sample is only the base").isNull();
			assertThat(history.samples(0)).isEmpty();
			ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
					RegistryOptions.unique("rates"));
			CountDownLatch received = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			Pid reader = this.runtime.spawn((ctx) -> {
				registry.register("r", "v");
				for (int i = 0; i < 10; i++) {
					ctx.receive();
				}
				received.countDown();
				release.await();
			});
			for (int i = 0; i < 10; i++) {
				this.runtime.send(reader, i);
			}
			Await.latch(received);
			Pid supervisor = ((StartResult.Started) Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
					List.of(ChildSpec.worker("w", IdleServer::new, null)), Supervisor.Options.defaults())).pid();
			Pid child = Supervisor.whichChildren(this.runtime, supervisor).getFirst().pid();
			this.runtime.exit(child, ExitReason.KILL);
			await().atMost(Await.LONG)
				.until(() -> Supervisor.whichChildren(this.runtime, supervisor).getFirst().restartCount() == 1);
			Pid stuck = this.runtime.spawn((ctx) -> release.await());
			for (int i = 0; i < 7; i++) {
				this.runtime.send(stuck, i);
			}
			History.Sample sample = history.sample();
			assertThat(sample).isNotNull();
			assertThat(sample.processes()).isEqualTo(this.runtime.processCount());
			assertThat(sample.messagesPerSecond()).isPositive();
			assertThat(sample.registrationsPerSecond()).isPositive();
			assertThat(sample.restartsPerSecond()).isPositive();
			assertThat(sample.longestMailbox()).isEqualTo(7);
			assertThat(sample.longestMailboxPid()).isEqualTo(stuck);
			assertThat(history.samples(0)).containsExactly(sample);
			assertThat(history.samples(sample.time())).isEmpty();
			release.countDown();
		}
	}

	@Test
	void theRingKeepsTheNewestSamplesOldestFirst() {
		try (History history = History.start(this.runtime, 3)) {
			history.sample();
			List<History.Sample> taken = new java.util.ArrayList<>();
			for (int i = 0; i < 5; i++) {
				taken.add(history.sample());
			}
			assertThat(history.samples(0)).containsExactlyElementsOf(taken.subList(2, 5));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> History.start(this.runtime, 1))
			.withMessage("a history keeps at least 2 samples, was asked for 1");
	}

	@Test
	void theAuditLogKeepsTheNewestActionsAndPublishesEachAsAnEvent() {
		try (EventJournal journal = EventJournal.start(this.runtime, 10)) {
			AuditLog audit = new AuditLog(2, journal);
			audit.record("ann", "terminate", "<local.1>", null, AuditLog.Outcome.NOT_FOUND, 404, "gone");
			audit.record("bob", "terminate", "garbage", null, AuditLog.Outcome.BAD_REQUEST, 400, "no pid");
			AuditLog.Entry last = audit.record("ann", "terminate", "<local.2>", "rate-limiter",
					AuditLog.Outcome.ACCEPTED, 200, "shutdown");
			assertThat(audit.entries(10)).extracting(AuditLog.Entry::target).containsExactly("<local.2>", "garbage");
			assertThat(audit.entries(1)).containsExactly(last);
			assertThat(last.id()).isEqualTo(3);
			assertThat(last.outcome().key()).isEqualTo("accepted");
			List<EventJournal.Event> actions = journal.recent(EnumSet.of(EventJournal.Type.ACTION), 10, 0);
			assertThat(actions).hasSize(3);
			assertThat(actions.getLast().user()).isEqualTo("ann");
			assertThat(actions.getLast().pid()).isEqualTo(Pid.parse("<local.2>"));
			assertThat(actions.getLast().detail()).isEqualTo("terminate <local.2>: accepted (shutdown)");
			assertThat(actions.get(1).pid()).as("a target that is no pid stays in the detail").isNull();
			assertThatIllegalArgumentException().isThrownBy(() -> audit.entries(0))
				.withMessage("limit must be from 1 to 1000, was 0");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> new AuditLog(0, null))
			.withMessageContaining("at least 1 entry");
	}

}
