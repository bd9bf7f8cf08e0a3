package dev.procreg.supervisor;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Name;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.StartResult;
import dev.procreg.supervisor.TestServers.Worker;
import dev.procreg.testing.Await;

import static dev.procreg.supervisor.TestServers.awaitRestarted;
import static dev.procreg.supervisor.TestServers.child;
import static dev.procreg.supervisor.TestServers.pidOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SupervisorStrategyTests extends SupervisorTestSupport {

	private Pid start(Strategy strategy, String... ids) {
		List<ChildSpec> children = java.util.Arrays.stream(ids).map(this::worker).toList();
		return Supervisor.start(this.runtime, strategy, children, Supervisor.Options.defaults()).orThrow();
	}

	private void crash(Pid pid) {
		this.runtime.exit(pid, ExitReason.of("boom"));
	}

	@Test
	void childrenStartInOrder() {
		Pid sup = start(Strategy.ONE_FOR_ONE, "a", "b", "c");
		assertThat(this.events.starts()).containsExactly("start:a", "start:b", "start:c");
		assertThat(Supervisor.whichChildren(this.runtime, sup)).extracting(ChildInfo::id).containsExactly("a", "b", "c");
		assertThat(Supervisor.countChildren(this.runtime, sup)).isEqualTo(new ChildCount(3, 3, 0, 3));
	}

	@Test
	void oneForOneRestartsOnlyTheChildThatExited() {
		Pid sup = start(Strategy.ONE_FOR_ONE, "a", "b", "c");
		Pid a = pidOf(this.runtime, sup, "a");
		Pid b = pidOf(this.runtime, sup, "b");
		Pid c = pidOf(this.runtime, sup, "c");
		crash(b);
		Pid b2 = awaitRestarted(this.runtime, sup, "b", b);
		assertThat(pidOf(this.runtime, sup, "a")).isEqualTo(a);
		assertThat(pidOf(this.runtime, sup, "c")).isEqualTo(c);
		assertThat(this.runtime.isAlive(a) && this.runtime.isAlive(c) && this.runtime.isAlive(b2)).isTrue();
		ChildInfo info = child(this.runtime, sup, "b");
		assertThat(info.restartCount()).isEqualTo(1);
		assertThat(info.lastExitReason()).isEqualTo(ExitReason.of("boom"));
		assertThat(info.lastExitAt()).isNotNull();
		assertThat(child(this.runtime, sup, "a").restartCount()).isZero();
	}

	@Test
	void oneForAllRestartsEveryChildStoppingTheOthersInReverseOrder() {
		Pid sup = start(Strategy.ONE_FOR_ALL, "a", "b", "c");
		Pid a = pidOf(this.runtime, sup, "a");
		Pid b = pidOf(this.runtime, sup, "b");
		Pid c = pidOf(this.runtime, sup, "c");
		crash(b);
		awaitRestarted(this.runtime, sup, "c", c);
		await().atMost(Await.LONG).until(() -> this.events.starts().size() == 6);
		assertThat(this.runtime.isAlive(a)).isFalse();
		assertThat(this.runtime.isAlive(c)).isFalse();
		assertThat(pidOf(this.runtime, sup, "a")).isNotEqualTo(a);
		assertThat(pidOf(this.runtime, sup, "b")).isNotEqualTo(b);
		assertThat(this.events.all()).containsExactly("start:a", "start:b", "start:c", "stop:c:shutdown",
				"stop:a:shutdown", "start:a", "start:b", "start:c");
	}

	@Test
	void restForOneRestartsTheChildAndThoseStartedAfterIt() {
		Pid sup = start(Strategy.REST_FOR_ONE, "a", "b", "c", "d");
		Pid a = pidOf(this.runtime, sup, "a");
		Pid b = pidOf(this.runtime, sup, "b");
		Pid c = pidOf(this.runtime, sup, "c");
		Pid d = pidOf(this.runtime, sup, "d");
		crash(b);
		awaitRestarted(this.runtime, sup, "d", d);
		await().atMost(Await.LONG).until(() -> this.events.starts().size() == 7);
		assertThat(pidOf(this.runtime, sup, "a")).isEqualTo(a);
		assertThat(this.runtime.isAlive(a)).isTrue();
		assertThat(this.runtime.isAlive(c)).isFalse();
		assertThat(pidOf(this.runtime, sup, "b")).isNotEqualTo(b);
		assertThat(this.events.all()).containsExactly("start:a", "start:b", "start:c", "start:d", "stop:d:shutdown",
				"stop:c:shutdown", "start:b", "start:c", "start:d");
	}

	@Test
	void transientChildExitingNormallyIsNotRestarted() {
		Pid sup = Supervisor.start(this.runtime, Strategy.ONE_FOR_ALL,
				List.of(worker("a"), worker("t").withRestart(Restart.TRANSIENT)), Supervisor.Options.defaults())
				.orThrow();
		Pid a = pidOf(this.runtime, sup, "a");
		Pid t = pidOf(this.runtime, sup, "t");
		assertThat((String) this.runtime.call(t, "stop-normal")).isEqualTo("bye");
		await().atMost(Await.LONG).until(() -> child(this.runtime, sup, "t").pid() == null);
		ChildInfo info = child(this.runtime, sup, "t");
		assertThat(info.lastExitReason()).isEqualTo(ExitReason.NORMAL);
		assertThat(info.restartCount()).isZero();
		assertThat(pidOf(this.runtime, sup, "a")).isEqualTo(a);
		assertThat(Supervisor.countChildren(this.runtime, sup)).isEqualTo(new ChildCount(2, 1, 0, 2));
	}

	@Test
	void transientChildExitingAbnormallyIsRestarted() {
		Pid sup = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(worker("t").withRestart(Restart.TRANSIENT)), Supervisor.Options.defaults()).orThrow();
		Pid t = pidOf(this.runtime, sup, "t");
		crash(t);
		Pid t2 = awaitRestarted(this.runtime, sup, "t", t);
		assertThat(this.runtime.isAlive(t2)).isTrue();
		assertThat(child(this.runtime, sup, "t").restartCount()).isEqualTo(1);
	}

	@Test
	void temporaryChildIsRemovedWhenItExits() {
		Pid sup = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(worker("a"), worker("tmp").withRestart(Restart.TEMPORARY)), Supervisor.Options.defaults())
				.orThrow();
		crash(pidOf(this.runtime, sup, "tmp"));
		await().atMost(Await.LONG)
				.until(() -> Supervisor.whichChildren(this.runtime, sup).stream().map(ChildInfo::id).toList(),
						(ids) -> ids.equals(List.of("a")));
		assertThat(this.events.starts()).containsExactly("start:a", "start:tmp");
	}

	@Test
	void permanentChildExitingNormallyIsRestarted() {
		Pid sup = start(Strategy.ONE_FOR_ONE, "p");
		Pid p = pidOf(this.runtime, sup, "p");
		this.runtime.call(p, "stop-normal");
		Pid p2 = awaitRestarted(this.runtime, sup, "p", p);
		assertThat(this.runtime.isAlive(p2)).isTrue();
	}

	@Test
	void startTerminateRestartAndDeleteChildren() {
		Pid sup = start(Strategy.ONE_FOR_ONE, "a");
		StartResult started = Supervisor.startChild(this.runtime, sup, worker("b"));
		assertThat(started).isInstanceOf(StartResult.Started.class);
		Pid b = started.orThrow();
		assertThat(Supervisor.startChild(this.runtime, sup, worker("b"))).isEqualTo(new StartResult.AlreadyStarted(b));

		assertThatThrownBy(() -> Supervisor.deleteChild(this.runtime, sup, "b"))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("'b'")
			.hasMessageContaining("running");
		assertThat(Supervisor.terminateChild(this.runtime, sup, "b")).isTrue();
		assertThat(this.runtime.isAlive(b)).isFalse();
		assertThat(this.events.stops()).containsExactly("stop:b:shutdown");
		assertThat(child(this.runtime, sup, "b").pid()).isNull();
		assertThat(Supervisor.startChild(this.runtime, sup, worker("b")))
			.isEqualTo(new StartResult.Failed(ExitReason.of("already_present")));

		StartResult restarted = Supervisor.restartChild(this.runtime, sup, "b");
		Pid b2 = restarted.orThrow();
		assertThat(b2).isNotEqualTo(b);
		assertThat(this.runtime.isAlive(b2)).isTrue();
		assertThat(Supervisor.restartChild(this.runtime, sup, "b")).isEqualTo(new StartResult.Failed(ExitReason.of("running")));
		assertThat(Supervisor.restartChild(this.runtime, sup, "nope"))
			.isEqualTo(new StartResult.Failed(ExitReason.of("not_found")));

		assertThat(Supervisor.terminateChild(this.runtime, sup, "b")).isTrue();
		assertThat(Supervisor.deleteChild(this.runtime, sup, "b")).isTrue();
		assertThat(Supervisor.deleteChild(this.runtime, sup, "b")).isFalse();
		assertThat(Supervisor.terminateChild(this.runtime, sup, "b")).isFalse();
		assertThat(Supervisor.whichChildren(this.runtime, sup)).extracting(ChildInfo::id).containsExactly("a");
	}

	@Test
	void aChildWhoseInitFailsFailsTheSupervisorStartAndStopsTheOthers() {
		int before = this.runtime.processCount();
		StartResult result = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(worker("a"), worker("b"), ChildSpec.worker("c", () -> new Worker(this.events), "fail")),
				Supervisor.Options.defaults());
		assertThat(result).isInstanceOfSatisfying(StartResult.Failed.class, (failed) -> {
			assertThat(failed.reason()).isInstanceOfSatisfying(ExitReason.Custom.class,
					(custom) -> assertThat(custom.value()).isInstanceOfSatisfying(ChildStartFailure.class,
							(failure) -> assertThat(failure.childId()).isEqualTo("c")));
		});
		assertThat(this.events.stops()).containsExactly("stop:b:shutdown", "stop:a:shutdown");
		assertThat(this.runtime.processCount()).isEqualTo(before);
	}

	@Test
	void restartedChildRegistersItsNameAgainAndLookupsNeverSeeTheDeadPid() throws Exception {
		Pid sup = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(ChildSpec.worker("svc", () -> new Worker(this.events), "svc", Name.of("svc"))),
				Supervisor.Options.defaults()).orThrow();
		Pid first = this.runtime.whereis("svc").orElseThrow();
		assertThat(first).isEqualTo(pidOf(this.runtime, sup, "svc"));

		AtomicBoolean dead = new AtomicBoolean();
		AtomicBoolean stop = new AtomicBoolean();
		ConcurrentLinkedQueue<Pid> staleReads = new ConcurrentLinkedQueue<>();
		Thread reader = Thread.ofVirtual().start(() -> {
			while (!stop.get()) {
				boolean wasDead = dead.get();
				this.runtime.whereis("svc").filter((pid) -> wasDead && pid.equals(first)).ifPresent(staleReads::add);
			}
		});

		crash(first);
		assertThat(this.runtime.isAlive(first)).isFalse();
		dead.set(true);
		assertThat(this.runtime.whereis("svc").filter(first::equals)).isEmpty();

		Pid[] answered = new Pid[1];
		await().atMost(Await.LONG).ignoreException(NoProcessException.class).until(() -> {
			answered[0] = this.runtime.call(Name.of("svc"), "pid");
			return true;
		});
		stop.set(true);
		reader.join(Await.LONG.toMillis());
		assertThat(answered[0]).isNotEqualTo(first);
		assertThat(this.runtime.whereis("svc")).contains(answered[0]);
		assertThat(answered[0]).isEqualTo(pidOf(this.runtime, sup, "svc"));
		assertThat(staleReads).isEmpty();
	}

}
