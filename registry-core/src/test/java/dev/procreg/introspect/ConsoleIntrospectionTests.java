package dev.procreg.introspect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.group.ProcessGroups;
import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.Observation;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessExit;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.ProcessSummary;
import dev.procreg.process.StartResult;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryEvent;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.supervisor.ChildInfo;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.SupervisionEvent;
import dev.procreg.supervisor.SupervisionTree;
import dev.procreg.supervisor.Supervisor;
import dev.procreg.supervisor.SupervisorInfo;
import dev.procreg.testing.Await;
import dev.procreg.testing.IdleServer;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for what core adds for the operator console: per-process counters and summaries, the
 * runtime's totals, the exit, supervision and registry observers, a process's detail with its
 * supervisor's recent exits, the confirmation rule and the counts.
 */
@ExtendWith(RuntimeExtension.class)
class ConsoleIntrospectionTests {

	private final ProcessRuntime runtime;

	private final Introspection introspection;

	private final CountDownLatch release = new CountDownLatch(1);

	ConsoleIntrospectionTests(ProcessRuntime runtime) {
		this.runtime = runtime;
		this.introspection = new Introspection(runtime, null, Introspection.Settings.defaults());
	}

	@AfterEach
	void releaseProcesses() {
		this.release.countDown();
	}

	@Test
	void everyProcessCountsTheMessagesItTookAndTheTotalsKeepThoseOfTheDead() throws Exception {
		CountDownLatch read = new CountDownLatch(1);
		Pid plain = this.runtime.spawn((ctx) -> {
			ctx.receive();
			ctx.receive((message) -> message.equals("wanted"), Await.LONG);
			ctx.receive();
			read.countDown();
			this.release.await();
		});
		this.runtime.send(plain, "first");
		this.runtime.send(plain, "other");
		this.runtime.send(plain, "wanted");
		Await.latch(read);
		assertThat(this.runtime.summary(plain).orElseThrow().messagesHandled())
			.as("a selective receive counts what it takes, set-aside ones when taken later")
			.isEqualTo(3);
		Pid server = GenServer.start(this.runtime, new Sink(), null).orThrow();
		for (int i = 0; i < 4; i++) {
			this.runtime.cast(server, "cast " + i);
		}
		await().atMost(Await.LONG).until(() -> this.runtime.summary(server).orElseThrow().messagesHandled() == 4);
		long before = this.runtime.totals().messagesHandled();
		assertThat(before).isGreaterThanOrEqualTo(7);
		this.runtime.exit(server, ExitReason.KILL);
		this.runtime.awaitExit(server, Await.LONG);
		assertThat(this.runtime.totals().messagesHandled()).as("a death does not take its count away")
			.isGreaterThanOrEqualTo(before);
		assertThat(this.runtime.summary(server)).isEmpty();
		assertThat(this.runtime.summaries(false)).extracting(ProcessSummary::pid).contains(plain).doesNotContain(server);
		assertThat(this.runtime.totals().processes()).isEqualTo(this.runtime.processCount());
	}

	@Test
	void observersHearExitsRestartsGiveUpsAndRegistrationsUntilClosed() throws Exception {
		List<ProcessExit> exits = new CopyOnWriteArrayList<>();
		List<SupervisionEvent> supervision = new CopyOnWriteArrayList<>();
		List<RegistryEvent<Object, Object>> registrations = new CopyOnWriteArrayList<>();
		Observation exitFeed = this.runtime.observeExits(exits::add);
		Observation supervisionFeed = SupervisionTree.observe(this.runtime, supervision::add);
		ProcessRegistry<String, String> before = ProcessRegistry.start(this.runtime, RegistryOptions.unique("before"));
		Observation registryFeed = ProcessRegistry.observeAll(this.runtime, registrations::add);
		ProcessRegistry<String, String> after = ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("after"));
		CountDownLatch registered = new CountDownLatch(1);
		Pid owner = this.runtime.spawn((ctx) -> {
			before.register("b", "1");
			after.register("a", "2");
			registered.countDown();
			ctx.receive();
		});
		Await.latch(registered);
		this.runtime.exit(owner, ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> registrations.size() == 4);
		assertThat(registrations).filteredOn(RegistryEvent.Registered.class::isInstance)
			.extracting(RegistryEvent::registry)
			.containsExactlyInAnyOrder("before", "after");
		ProcessExit exit = exits.stream().filter((e) -> e.pid().equals(owner)).findFirst().orElseThrow();
		assertThat(exit.reason()).isEqualTo(ExitReason.KILLED);
		assertThat(exit.registeredNames()).containsExactlyInAnyOrder("before:b", "after:a");

		Pid supervisor = ((StartResult.Started) Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(ChildSpec.worker("w", IdleServer::new, null)), new Supervisor.Options(0, 5, null))).pid();
		Pid child = Supervisor.whichChildren(this.runtime, supervisor).getFirst().pid();
		this.runtime.exit(child, ExitReason.KILL);
		this.runtime.awaitExit(supervisor, Await.LONG);
		assertThat(supervision).singleElement().isInstanceOfSatisfying(SupervisionEvent.GaveUp.class, (gaveUp) -> {
			assertThat(gaveUp.supervisor()).isEqualTo(supervisor);
			assertThat(gaveUp.maxRestarts()).isZero();
			assertThat(gaveUp.reason()).isEqualTo(ExitReason.KILLED);
		});
		assertThat(exits).extracting(ProcessExit::pid).contains(child, supervisor);
		assertThat(exits.stream().filter((e) -> e.pid().equals(child)).findFirst().orElseThrow().parent())
			.isEqualTo(supervisor);

		exitFeed.close();
		supervisionFeed.close();
		registryFeed.close();
		exitFeed.close();
		int heard = exits.size();
		Pid later = this.runtime.spawn((ctx) -> ctx.receive());
		this.runtime.exit(later, ExitReason.KILL);
		this.runtime.awaitExit(later, Await.LONG);
		assertThat(exits).as("closed observers hear nothing more").hasSize(heard);
	}

	@Test
	void aProcessDetailCarriesItsSupervisorsRecordWithRecentExits() {
		Pid supervisor = ((StartResult.Started) Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(ChildSpec.worker("w", IdleServer::new, null), ChildSpec.worker("x", IdleServer::new, null)),
				new Supervisor.Options(10, 5, null))).pid();
		List<Pid> exited = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			Pid child = Supervisor.whichChildren(this.runtime, supervisor).getFirst().pid();
			exited.addFirst(child);
			this.runtime.exit(child, ExitReason.KILL);
			int restarts = i + 1;
			await().atMost(Await.LONG)
				.until(() -> Supervisor.whichChildren(this.runtime, supervisor).getFirst().restartCount() == restarts);
		}
		Pid current = Supervisor.whichChildren(this.runtime, supervisor).getFirst().pid();
		Introspection.ProcessDetail detail = this.introspection.processDetail(current).orElseThrow();
		ChildInfo child = detail.child();
		assertThat(child).isNotNull();
		assertThat(child.id()).isEqualTo("w");
		assertThat(child.restartCount()).isEqualTo(7);
		assertThat(child.recentExits()).hasSize(ChildInfo.RECENT_EXITS)
			.extracting(ChildInfo.ChildExit::pid)
			.containsExactlyElementsOf(exited.subList(0, ChildInfo.RECENT_EXITS));
		assertThat(child.recentExits()).allSatisfy((exit) -> assertThat(exit.reason()).isEqualTo(ExitReason.KILLED));
		assertThat(detail.supervisorName()).isEqualTo(supervisor.toString());
		assertThat(detail.confirm()).as("one of two running children needs no confirmation").isNull();
		assertThat(this.runtime.summary(current).orElseThrow().restarts()).isEqualTo(7);
		assertThat(SupervisionTree.child(this.runtime, supervisor, Pid.parse("<local.999999999>"), Duration.ofSeconds(1)))
			.isEmpty();
		assertThat(this.introspection.processDetail(Pid.parse("<elsewhere.1>"))).isEmpty();
		assertThat(this.introspection.processDetail(Pid.parse(current.toString())).orElseThrow().child())
			.as("a pid read back from text, as the console's addresses give it, knows no incarnation")
			.isNotNull()
			.extracting(ChildInfo::id)
			.isEqualTo("w");
	}

	@Test
	void confirmationIsNeededForSupervisorsSingletonsAndLastChildrenOnly() throws Exception {
		Pid supervisor = ((StartResult.Started) Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(ChildSpec.worker("only", IdleServer::new, null)), Supervisor.Options.defaults())).pid();
		Pid only = Supervisor.whichChildren(this.runtime, supervisor).getFirst().pid();
		Pid named = IdleServer.start(this.runtime);
		this.runtime.register("rate-limiter", named);
		ProcessRegistry<String, String> unique = ProcessRegistry.start(this.runtime, RegistryOptions.unique("u"));
		ProcessRegistry<String, String> duplicate = ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("d"));
		CountDownLatch registered = new CountDownLatch(2);
		Pid keyed = this.runtime.spawn((ctx) -> {
			unique.register("donor", "v");
			registered.countDown();
			this.release.await();
		});
		Pid shared = this.runtime.spawn((ctx) -> {
			duplicate.register("topic", "v");
			registered.countDown();
			this.release.await();
		});
		Await.latch(registered);
		Pid plain = IdleServer.start(this.runtime);

		Introspection.Confirmation forSupervisor = this.introspection.confirmation(supervisor).orElseThrow();
		assertThat(forSupervisor.expected()).isEqualTo(supervisor.toString());
		assertThat(forSupervisor.reasons()).containsExactly("it is a supervisor: its children stop with it");
		assertThat(this.introspection.confirmation(only).orElseThrow().reasons())
			.containsExactly("it is the last running child of supervisor " + supervisor);
		assertThat(this.introspection.confirmation(named).orElseThrow().expected()).isEqualTo("rate-limiter");
		Introspection.Confirmation forKey = this.introspection.confirmation(keyed).orElseThrow();
		assertThat(forKey.expected()).isEqualTo("u:donor");
		assertThat(forKey.reasons()).containsExactly("it holds the key 'donor' of the unique registry 'u'");
		assertThat(this.introspection.confirmation(shared)).as("a duplicate key is no singleton").isEmpty();
		assertThat(this.introspection.confirmation(plain)).isEmpty();
		assertThat(this.introspection.confirmation(Pid.parse("<local.999999999>"))).isEmpty();
		assertThat(SupervisionTree.kindOf(this.runtime, supervisor)).contains(SupervisorInfo.Kind.SUPERVISOR);
	}

	/** A server that takes every cast and does nothing. */
	static final class Sink extends GenServer<Object> {

		@Override
		protected Init<Object> init(@org.jspecify.annotations.Nullable Object arg) {
			return ok("sink");
		}

		@Override
		protected Result<Object> handleCast(Object request, Object state) {
			return noReply(state);
		}

	}

	@Test
	void countsAskNoProcess() {
		ProcessGroups groups = ProcessGroups.start(this.runtime, "scope");
		Pid member = IdleServer.start(this.runtime);
		groups.join("g1", member);
		groups.join("g2", member);
		ProcessRegistry.start(this.runtime, RegistryOptions.unique("r1"));
		Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE, List.of(), Supervisor.Options.defaults());
		Introspection.Counts counts = this.introspection.counts();
		assertThat(counts.processes()).isEqualTo(this.runtime.processCount());
		assertThat(counts.registries()).isEqualTo(1);
		assertThat(counts.keys()).isZero();
		assertThat(counts.supervisors()).isEqualTo(1);
		assertThat(counts.groups()).isEqualTo(2);
	}

}
