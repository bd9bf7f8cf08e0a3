package dev.procreg.supervisor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Name;
import dev.procreg.process.Pid;
import dev.procreg.process.StartResult;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.supervisor.TestServers.Worker;
import dev.procreg.testing.Await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DynamicSupervisorTests extends SupervisorTestSupport {

	@Test
	void startsAndTerminatesChildrenOnDemand() {
		Pid sup = DynamicSupervisor.start(this.runtime, DynamicSupervisor.Options.defaults()).orThrow();
		assertThat(DynamicSupervisor.countChildren(this.runtime, sup)).isEqualTo(new ChildCount(0, 0, 0, 0));
		Pid a = DynamicSupervisor.startChild(this.runtime, sup, worker("a")).orThrow();
		Pid b = DynamicSupervisor.startChild(this.runtime, sup, worker("b")).orThrow();
		assertThat(DynamicSupervisor.whichChildren(this.runtime, sup)).extracting(ChildInfo::pid).containsExactly(a, b);
		assertThat(DynamicSupervisor.countChildren(this.runtime, sup)).isEqualTo(new ChildCount(2, 2, 0, 2));

		assertThat(DynamicSupervisor.terminateChild(this.runtime, sup, a)).isTrue();
		assertThat(this.runtime.isAlive(a)).isFalse();
		assertThat(DynamicSupervisor.terminateChild(this.runtime, sup, a)).isFalse();
		assertThat(this.events.stops()).containsExactly("stop:a:shutdown");
		assertThat(DynamicSupervisor.whichChildren(this.runtime, sup)).extracting(ChildInfo::pid).containsExactly(b);
	}

	@Test
	void maxChildrenRefusesStartsBeyondTheLimit() {
		Pid sup = DynamicSupervisor.start(this.runtime, DynamicSupervisor.Options.defaults().withMaxChildren(2))
			.orThrow();
		DynamicSupervisor.startChild(this.runtime, sup, worker("a")).orThrow();
		Pid b = DynamicSupervisor.startChild(this.runtime, sup, worker("b")).orThrow();
		assertThat(DynamicSupervisor.startChild(this.runtime, sup, worker("c"))).isEqualTo(new StartResult.MaxChildren(2));
		assertThat(this.events.starts()).doesNotContain("start:c");
		DynamicSupervisor.terminateChild(this.runtime, sup, b);
		assertThat(DynamicSupervisor.startChild(this.runtime, sup, worker("c"))).isInstanceOf(StartResult.Started.class);
	}

	@Test
	void extraArgumentsComeBeforeTheChildsArgument() {
		Pid sup = DynamicSupervisor
			.start(this.runtime, DynamicSupervisor.Options.defaults().withExtraArguments(List.of("tenant-1", 7)))
			.orThrow();
		Pid child = DynamicSupervisor.startChild(this.runtime, sup, worker("w")).orThrow();
		assertThat((Object) this.runtime.call(child, "arg")).isEqualTo(List.of("tenant-1", 7, "w"));
	}

	@Test
	void restartsPermanentChildrenAndDropsTransientOnesThatEndNormally() {
		Pid sup = DynamicSupervisor.start(this.runtime, DynamicSupervisor.Options.defaults()).orThrow();
		Pid p = DynamicSupervisor.startChild(this.runtime, sup, worker("p")).orThrow();
		Pid t = DynamicSupervisor.startChild(this.runtime, sup, worker("t").withRestart(Restart.TRANSIENT)).orThrow();
		this.runtime.exit(p, ExitReason.of("boom"));
		this.runtime.call(t, "stop-normal");
		await().atMost(Await.LONG).until(() -> {
			List<ChildInfo> children = DynamicSupervisor.whichChildren(this.runtime, sup);
			return children.size() == 1 && children.get(0).id().equals("p") && !p.equals(children.get(0).pid());
		});
		ChildInfo restarted = DynamicSupervisor.whichChildren(this.runtime, sup).get(0);
		assertThat(restarted.restartCount()).isEqualTo(1);
		assertThat(restarted.lastExitReason()).isEqualTo(ExitReason.of("boom"));
		assertThat(this.runtime.isAlive(restarted.pid())).isTrue();
	}

	@Test
	void ignoredAndFailedStartsAddNoChild() {
		Pid sup = DynamicSupervisor.start(this.runtime, DynamicSupervisor.Options.defaults()).orThrow();
		int before = this.runtime.processCount();
		StartResult failed = DynamicSupervisor.startChild(this.runtime, sup,
				ChildSpec.worker("f", () -> new Worker(this.events), "fail"));
		assertThat(failed).isInstanceOf(StartResult.Failed.class);
		StartResult ignored = DynamicSupervisor.startChild(this.runtime, sup,
				ChildSpec.of("i", (rt) -> new StartResult.Ignored()));
		assertThat(ignored).isInstanceOf(StartResult.Ignored.class);
		assertThat(DynamicSupervisor.countChildren(this.runtime, sup).specs()).isZero();
		assertThat(this.runtime.processCount()).isEqualTo(before);
		assertThat(this.runtime.isAlive(sup)).isTrue();
	}

	@Test
	void aThousandConcurrentStartsOfOneNameYieldOneStartedAndNoOrphans() throws Exception {
		Pid sup = DynamicSupervisor.start(this.runtime, DynamicSupervisor.Options.defaults()).orThrow();
		Set<Pid> before = new HashSet<>(this.runtime.processes());
		List<StartResult> results = startConcurrently(1000,
				(i) -> DynamicSupervisor.startChild(this.runtime, sup, namedWorker("session-1")));
		assertOneStarted(results, before);
		assertThat(DynamicSupervisor.countChildren(this.runtime, sup).active()).isEqualTo(1);
	}

	@Test
	void aThousandConcurrentStartsOfOneViaNameYieldOneStartedAndNoOrphans() throws Exception {
		ProcessRegistry<String, Object> sessions = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("sessions").withPartitions(4));
		Pid sup = DynamicSupervisor.start(this.runtime, DynamicSupervisor.Options.defaults()).orThrow();
		Set<Pid> before = new HashSet<>(this.runtime.processes());
		List<StartResult> results = startConcurrently(1000, (i) -> DynamicSupervisor.startChild(this.runtime, sup,
				ChildSpec.worker("session", () -> new Worker(this.events), "donor-1", sessions.via("donor-1"))));
		assertOneStarted(results, before);
		assertThat(sessions.whereis("donor-1")).contains(results.stream()
			.filter((r) -> r instanceof StartResult.Started)
			.findFirst()
			.orElseThrow()
			.orThrow());
		assertThat(sessions.count()).isEqualTo(1);
	}

	@Test
	void partitionSupervisorRoutesByKeyAndStartsOneNameOnce() throws Exception {
		PartitionSupervisor sessions = PartitionSupervisor.create(this.runtime, 4, DynamicSupervisor.Options.defaults());
		sessions.start().orThrow();
		assertThat(sessions.partitions()).hasSize(4).doesNotHaveDuplicates();
		assertThat(sessions.partition("donor-7")).isEqualTo(sessions.partition("donor-7"));
		assertThat(sessions.partitionIndex(6)).isEqualTo(2);

		Set<Pid> before = new HashSet<>(this.runtime.processes());
		// the same name started under different keys, so from different partitions at once
		List<StartResult> results = startConcurrently(1000,
				(i) -> sessions.startChild("key-" + i, namedWorker("session-x")));
		assertOneStarted(results, before);

		List<StartResult> many = startConcurrently(200, (i) -> sessions.startChild("donor-" + i, worker("s" + i)));
		assertThat(many).allMatch((r) -> r instanceof StartResult.Started);
		assertThat(sessions.countChildren().active()).isEqualTo(201);
		for (Pid partition : sessions.partitions()) {
			assertThat(DynamicSupervisor.countChildren(this.runtime, partition).active()).isPositive();
		}
		Pid some = many.get(0).orThrow();
		assertThat(sessions.terminateChild(some)).isTrue();
		assertThat(this.runtime.isAlive(some)).isFalse();
		assertThat(sessions.countChildren().active()).isEqualTo(200);
	}

	@Test
	void partitionSupervisorRoutesToARestartedPartition() {
		PartitionSupervisor sessions = PartitionSupervisor.create(this.runtime, 2, DynamicSupervisor.Options.defaults());
		Pid top = sessions.start().orThrow();
		Pid first = sessions.partition(0);
		// a supervisor traps exits: only kill ends it from outside
		this.runtime.exit(first, ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> !sessions.partition(0).equals(first) && this.runtime.isAlive(sessions.partition(0)));
		assertThat(sessions.startChild(0, worker("w"))).isInstanceOf(StartResult.Started.class);
		assertThat(Supervisor.whichChildren(this.runtime, top)).extracting(ChildInfo::id).containsExactly(0, 1);
	}

	private ChildSpec namedWorker(String name) {
		return ChildSpec.worker("session", () -> new Worker(this.events), name, Name.of(name));
	}

	private void assertOneStarted(List<StartResult> results, Set<Pid> before) {
		List<StartResult> started = results.stream().filter((r) -> r instanceof StartResult.Started).toList();
		assertThat(started).hasSize(1);
		Pid winner = started.get(0).orThrow();
		assertThat(results).filteredOn((r) -> r instanceof StartResult.AlreadyStarted)
			.hasSize(results.size() - 1)
			.allMatch((r) -> r.orThrow().equals(winner));
		assertThat(this.events.starts()).as("only the winner ran init").hasSize(1);
		await().atMost(Await.LONG).untilAsserted(() -> {
			Set<Pid> now = new HashSet<>(this.runtime.processes());
			now.removeAll(before);
			assertThat(now).containsExactly(winner);
		});
		assertThat(this.runtime.processCount()).isEqualTo(before.size() + 1);
	}

	private interface Start {

		StartResult start(int i);

	}

	private List<StartResult> startConcurrently(int count, Start start) throws Exception {
		CountDownLatch go = new CountDownLatch(1);
		List<Future<StartResult>> futures = new ArrayList<>();
		try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < count; i++) {
				int n = i;
				futures.add(threads.submit(() -> {
					go.await();
					return start.start(n);
				}));
			}
			go.countDown();
		}
		List<StartResult> results = new ArrayList<>();
		for (Future<StartResult> future : futures) {
			results.add(future.get());
		}
		return results;
	}

}
