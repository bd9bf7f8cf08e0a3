package dev.procreg.introspect;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.Name;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessInfo;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.DynamicSupervisor;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.Supervisor;
import dev.procreg.supervisor.TopLevelSupervisors;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;
import dev.procreg.worker.KeyedWorkers;
import dev.procreg.worker.WorkerSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** Tests for the operators' read model, {@link Introspection}. */
@ExtendWith(RuntimeExtension.class)
class IntrospectionTests {

	private final ProcessRuntime runtime;

	IntrospectionTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	private Introspection introspection(TopLevelSupervisors topLevel) {
		return new Introspection(this.runtime, topLevel,
				new Introspection.Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), 100, 100));
	}

	@Test
	void aPageOfAHundredThousandKeysProjectsOnlyTheValuesItShows() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("big").withPartitions(8));
		CountDownLatch done = new CountDownLatch(1);
		this.runtime.spawn((ctx) -> {
			for (int i = 0; i < 100_000; i++) {
				registry.register(String.format("key-%06d", i), "secret-" + i);
			}
			done.countDown();
			ctx.receive();
		});
		done.await();
		AtomicInteger projections = new AtomicInteger();
		ValueProjection counting = (name, key, value) -> {
			projections.incrementAndGet();
			return "******";
		};
		Introspection introspection = introspection(null);
		Introspection.KeyPage page = introspection.keys("big", 40, 20, null, true, counting).orElseThrow();
		assertThat(page.total()).isEqualTo(100_000);
		assertThat(page.items()).extracting(Introspection.KeyEntries::key).first().isEqualTo("key-000040");
		assertThat(page.items()).hasSize(20);
		assertThat(page.items().getFirst().entries().getFirst().value()).isEqualTo("******");
		assertThat(page.items().getFirst().entries().getFirst().status()).isNotNull();
		assertThat(projections).as("one projection per entry shown, not per entry held").hasValue(20);
		Introspection.KeyPage filtered = introspection.keys("big", 0, 5, "key-09999", false, counting).orElseThrow();
		assertThat(filtered.total()).isEqualTo(10);
		assertThat(projections).hasValue(25);
		assertThat(introspection.keys("none", 0, 5, null, false, counting)).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> introspection.keys("big", -1, 5, null, false, counting))
			.withMessageContaining("offset must be at least 0");
	}

	@Test
	void aStaleKeyIndexServesItsPageAtOnceWhileOneBackgroundSortMakesTheNext() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("moving"));
		CountDownLatch first = new CountDownLatch(1);
		CountDownLatch more = new CountDownLatch(1);
		CountDownLatch added = new CountDownLatch(1);
		this.runtime.spawn((ctx) -> {
			registry.register("a", "1");
			registry.register("b", "2");
			first.countDown();
			more.await();
			registry.register("c", "3");
			added.countDown();
			ctx.receive();
		});
		Await.latch(first);
		ValueProjection plain = (name, key, value) -> value;
		// any age is past at the next page: only the background sort may bring "c" in
		Introspection stale = new Introspection(this.runtime, null,
				new Introspection.Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), 100, 100, Duration.ofNanos(1)));
		Introspection fresh = introspection(null);
		assertThat(stale.keys("moving", 0, 10, null, false, plain).orElseThrow().total()).isEqualTo(2);
		assertThat(fresh.keys("moving", 0, 10, null, false, plain).orElseThrow().total()).isEqualTo(2);
		more.countDown();
		Await.latch(added);
		assertThat(fresh.keys("moving", 0, 10, null, false, plain).orElseThrow().total())
			.as("with a zero age the page sorts again at once").isEqualTo(3);
		assertThat(stale.keys("moving", 0, 10, null, false, plain).orElseThrow().total())
			.as("the stale index, served at once").isEqualTo(2);
		await().atMost(Await.LONG)
			.untilAsserted(() -> assertThat(stale.keys("moving", 0, 10, null, false, plain).orElseThrow().items())
				.extracting(Introspection.KeyEntries::key)
				.containsExactly("a", "b", "c"));
	}

	@Test
	void terminateIsShutdownThenKillWrittenOnce() {
		Introspection introspection = introspection(null);
		Pid polite = GenServer.start(this.runtime, new Server(false), null).orThrow();
		Pid stubborn = GenServer.start(this.runtime, new Server(true), null).orThrow();
		Pid victim = GenServer.start(this.runtime, new Server(false), null).orThrow();
		TerminatePolicy policy = TerminatePolicy.shutdownThenKill(Duration.ofMillis(200));
		assertThat(introspection.terminate(polite, policy)).get()
			.extracting(Terminated::how)
			.isEqualTo(Terminated.How.SHUTDOWN);
		assertThat(introspection.terminate(stubborn, policy)).get()
			.extracting(Terminated::how)
			.isEqualTo(Terminated.How.KILLED_AFTER_GRACE);
		assertThat(introspection.terminate(victim, TerminatePolicy.kill())).get()
			.extracting(Terminated::how)
			.isEqualTo(Terminated.How.KILLED);
		assertThat(List.of(polite, stubborn, victim)).noneMatch(this.runtime::isAlive);
		assertThat(introspection.terminate(polite, policy)).isEmpty();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> introspection.terminate(Pid.of("other-node", 1), policy))
			.withMessageContaining("runs on node other-node");
	}

	@Test
	void aPidOfAnotherNodeIsShownWithoutLocalDetails() {
		Introspection.ProcessView view = introspection(null).process(Pid.parse("<other.7>")).orElseThrow();
		assertThat(view.local()).isFalse();
		assertThat(view.info()).isNull();
	}

	@Test
	void theTreeNamesTopLevelSupervisorsAndABusySupervisorDoesNotHoldTheCaller() throws Exception {
		TopLevelSupervisors app = new TopLevelSupervisors(this.runtime,
				List.of(TopLevelSupervisors.Definition.of("app", Strategy.ONE_FOR_ONE,
						List.of(ChildSpec.worker("w", () -> new Server(false), null)), Supervisor.Options.defaults()),
						TopLevelSupervisors.Definition.dynamic("busy", DynamicSupervisor.Options.defaults())));
		app.start(Await.LONG);
		Introspection introspection = introspection(app);
		Pid worker = introspection.supervisionTree().getFirst().children().getFirst().pid();
		assertThat(introspection.supervisionTree()).extracting(Introspection.SupervisorNode::name)
			.containsExactly("app", "busy");
		Introspection.ProcessView view = introspection.process(worker).orElseThrow();
		assertThat(view.child()).isNotNull();
		assertThat(view.child().id()).isEqualTo("w");
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<?> blockedStart = CompletableFuture.runAsync(() -> DynamicSupervisor.startChild(this.runtime,
				Name.of("busy"), ChildSpec.worker("slow", () -> new SlowInit(release), null)));
		await().atMost(Await.LONG).until(() -> SlowInit.entered.get() > 0);
		// the busy supervisor does not answer within the read model's timeout: it is left out
		assertThat(introspection.supervisionTree()).extracting(Introspection.SupervisorNode::name)
			.containsExactly("app");
		assertThat(introspection.topLevel()).extracting(Introspection.TopLevelView::children).containsExactly(1, null);
		release.countDown();
		blockedStart.get();
	}

	@Test
	void healthIsDownWhenATopLevelSupervisorGaveUp() {
		TopLevelSupervisors app = new TopLevelSupervisors(this.runtime,
				List.of(TopLevelSupervisors.Definition.of("fragile", Strategy.ONE_FOR_ONE,
						List.of(ChildSpec.worker("w", () -> new Server(false), null)),
						Supervisor.Options.defaults().withMaxRestarts(0))));
		app.start(Await.LONG);
		Introspection introspection = introspection(app);
		assertThat(introspection.health().up()).isTrue();
		Pid worker = introspection.supervisionTree().getFirst().children().getFirst().pid();
		this.runtime.exit(worker, ExitReason.of("boom"));
		await().atMost(Await.LONG).until(() -> !introspection.health().up());
		assertThat(introspection.health().error()).contains("fragile");
	}

	@Test
	void terminatingAWorkersKeyStopsItThroughItsSupervisor() {
		KeyedWorkers<String> workers = KeyedWorkers.create(this.runtime,
				WorkerSpec.of("sessions", (String key) -> new Server(false)).withPartitions(2));
		workers.start().orThrow();
		Pid pid = workers.startOrFind("donor-1");
		Introspection introspection = introspection(null);
		assertThat(introspection.workerTypes()).singleElement()
			.satisfies((type) -> assertThat(type.workers()).isEqualTo(1));
		List<Terminated> done = introspection
			.terminateKey("sessions", "donor-1", TerminatePolicy.shutdownThenKill(Await.LONG))
			.orElseThrow();
		assertThat(done).extracting(Terminated::how).containsExactly(Terminated.How.STOPPED_BY_SUPERVISOR);
		assertThat(this.runtime.isAlive(pid)).isFalse();
		assertThat(workers.whereis("donor-1")).isEmpty();
		assertThat(introspection.terminateKey("sessions", "donor-1", TerminatePolicy.kill())).isEmpty();
		assertThat(introspection.key("sessions", "donor-1", ValueProjection.IDENTITY)).isEmpty();
	}

	@Test
	void aKeysDetailShowsItsProcess() {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("r"));
		Pid pid = GenServer.start(this.runtime, new Server(false), null, registry.via("k", "v")).orThrow();
		List<Introspection.EntryDetail> entries = introspection(null).key("r", "k", ValueProjection.IDENTITY)
			.orElseThrow();
		assertThat(entries).singleElement().satisfies((entry) -> {
			assertThat(entry.value()).isEqualTo("v");
			assertThat(entry.process().pid()).isEqualTo(pid);
			assertThat(entry.process().info().status()).isNotEqualTo(ProcessInfo.Status.EXITED);
		});
	}

	/** A server whose terminate blocks when asked to be stubborn. */
	static final class Server extends GenServer<Object> {

		private final boolean stubborn;

		Server(boolean stubborn) {
			this.stubborn = stubborn;
		}

		@Override
		protected Init<Object> init(Object arg) {
			return ok("state");
		}

		@Override
		protected Result<Object> handleCall(Object request, From from, Object state) {
			return reply(request, state);
		}

		@Override
		protected void terminate(ExitReason reason, Object state) throws InterruptedException {
			if (this.stubborn) {
				new CountDownLatch(1).await();
			}
		}

	}

	/** A server whose init waits, keeping its supervisor busy. */
	static final class SlowInit extends GenServer<Object> {

		static final AtomicInteger entered = new AtomicInteger();

		private final CountDownLatch release;

		SlowInit(CountDownLatch release) {
			this.release = release;
		}

		@Override
		protected Init<Object> init(Object arg) throws InterruptedException {
			entered.incrementAndGet();
			this.release.await();
			return ok("state");
		}

	}

}
