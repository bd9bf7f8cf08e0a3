package dev.procreg.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

@ExtendWith(RuntimeExtension.class)
class MonitorTests {

	private final ProcessRuntime runtime;

	sealed interface Probe permits Check, Count {
	}

	MonitorTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	record Check() implements Probe {
	}

	record Count(MonitorRef ref, int downs, List<ExitReason> reasons) implements Probe {
	}

	@Test
	void aMonitorDeliversDownWithTheExitReason() {
		Pid target = this.runtime.spawn((ctx) -> {
			if (ctx.receive() instanceof String why) {
				throw new IllegalArgumentException(why);
			}
		});
		CompletableFuture<MonitorRef> monitored = new CompletableFuture<>();
		CompletableFuture<Down> down = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			monitored.complete(ctx.monitor(target));
			down.complete(ctx.receive(Down.class, Await.LONG).orElseThrow());
		});
		MonitorRef ref = Await.result(monitored);
		assertThat(ref.target()).isEqualTo(target);
		this.runtime.send(target, "bad input");
		Down received = Await.result(down);
		assertThat(received.ref()).isSameAs(ref);
		assertThat(received.pid()).isEqualTo(target);
		assertThat(received.reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
				(crash) -> assertThat(crash.error()).isInstanceOf(IllegalArgumentException.class)
					.hasMessage("bad input"));
	}

	@Test
	void monitoringADeadOrUnknownPidDeliversNoprocAtOnce() {
		Pid dead = this.runtime.spawn((ctx) -> {
		});
		await().until(() -> !this.runtime.isAlive(dead));
		Pid unknown = Pid.of("local", Long.MAX_VALUE - 7);
		CompletableFuture<List<Object>> downs = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			MonitorRef first = ctx.monitor(dead);
			MonitorRef second = ctx.monitor(unknown);
			// already queued when monitor returns: zero timeout
			downs.complete(List.of(ctx.receive(Duration.ZERO).orElseThrow(), ctx.receive(Duration.ZERO).orElseThrow(),
					first, second));
		});
		List<Object> result = Await.result(downs);
		assertThat(result.get(0)).isEqualTo(new Down((MonitorRef) result.get(2), dead, ExitReason.NOPROC));
		assertThat(result.get(1)).isEqualTo(new Down((MonitorRef) result.get(3), unknown, ExitReason.NOPROC));
	}

	@Test
	void monitoringAnUnknownRegisteredNameThrowsNamingIt() {
		CompletableFuture<Throwable> error = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			try {
				ctx.monitor(Name.of("ghost"));
				error.complete(null);
			}
			catch (RuntimeException ex) {
				error.complete(ex);
			}
		});
		assertThat(Await.result(error)).isInstanceOf(NoProcessException.class).hasMessageContaining("ghost");
	}

	@Test
	void spawnMonitorMonitorsTheNewProcess() {
		CompletableFuture<Boolean> matched = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			SpawnedMonitor spawned = ctx.runtime().spawnMonitor((c) -> {
				throw new IllegalStateException("child fails at once");
			});
			Down down = ctx.receive(Down.class, Await.LONG).orElseThrow();
			matched.complete(down.ref() == spawned.ref() && down.pid().equals(spawned.pid())
					&& down.reason() instanceof ExitReason.Crash);
		});
		assertThat(Await.result(matched)).isTrue();
	}

	@Test
	void downArrivesExactlyOnceWhileManyProcessesMonitorADyingProcess() throws Exception {
		int rounds = 20;
		int watchers = 32;
		for (int round = 0; round < rounds; round++) {
			Pid target = this.runtime.spawn((ctx) -> ctx.receive());
			CountDownLatch start = new CountDownLatch(1);
			CountDownLatch monitored = new CountDownLatch(watchers);
			CountDownLatch halfway = new CountDownLatch(watchers / 2);
			List<Pid> pids = new ArrayList<>();
			List<CompletableFuture<Count>> counts = new ArrayList<>();
			for (int w = 0; w < watchers; w++) {
				CompletableFuture<Count> count = new CompletableFuture<>();
				counts.add(count);
				pids.add(this.runtime.spawn((ctx) -> {
					Await.blockOn(start);
					MonitorRef ref = ctx.monitor(target);
					halfway.countDown();
					monitored.countDown();
					int downs = 0;
					List<ExitReason> reasons = new ArrayList<>();
					while (true) {
						Object message = ctx.receive();
						if (message instanceof Down(MonitorRef r, Pid p, ExitReason reason) && r == ref) {
							downs++;
							reasons.add(reason);
						}
						else if (message instanceof Check) {
							break;
						}
					}
					count.complete(new Count(ref, downs, reasons));
				}));
			}
			Thread killer = Thread.ofPlatform().start(() -> {
				try {
					Await.blockOn(halfway);
				}
				catch (InterruptedException ex) {
					return;
				}
				this.runtime.exit(target, ExitReason.KILL);
			});
			start.countDown();
			killer.join();
			Await.latch(monitored);
			// every Down is queued now: the kill ran the monitors' hooks before exit returned, and
			// a monitor of the dead target queued noproc before monitor returned
			for (Pid pid : pids) {
				this.runtime.send(pid, new Check());
			}
			for (CompletableFuture<Count> count : counts) {
				Count c = Await.result(count);
				assertThat(c.downs()).as("Downs for %s in round %d", c.ref(), round).isEqualTo(1);
				assertThat(c.reasons()).allMatch((r) -> r == ExitReason.KILLED || r == ExitReason.NOPROC);
			}
		}
	}

	@Test
	void demonitorStopsTheDown() {
		Pid target = this.runtime.spawn((ctx) -> ctx.receive());
		CountDownLatch demonitored = new CountDownLatch(1);
		CompletableFuture<List<Object>> result = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			MonitorRef ref = ctx.monitor(target);
			boolean active = ctx.demonitor(ref);
			boolean again = ctx.demonitor(ref);
			demonitored.countDown();
			MonitorRef second = ctx.monitor(target);
			Down down = ctx.receive(Down.class, Await.LONG).orElseThrow();
			result.complete(List.of(active, again, down.ref() == second, ctx.receive(Duration.ZERO)));
		});
		Await.latch(demonitored);
		await().until(() -> this.runtime.processInfo(target).orElseThrow().monitoredBy().size() == 1);
		this.runtime.exit(target, ExitReason.KILL);
		assertThat(Await.result(result)).containsExactly(true, false, true, Optional.empty());
	}

	@Test
	void demonitorWithoutFlushLeavesAQueuedDown() {
		CompletableFuture<List<Object>> result = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			SpawnedMonitor spawned = ctx.runtime().spawnMonitor((c) -> c.receive());
			// killed from this process: the Down is queued when exit returns
			ctx.runtime().exit(spawned.pid(), ExitReason.KILL);
			boolean active = ctx.demonitor(spawned.ref(), false);
			result.complete(List.of(active, ctx.receive(Duration.ZERO),
					new Down(spawned.ref(), spawned.pid(), ExitReason.KILLED)));
		});
		List<Object> got = Await.result(result);
		assertThat(got.get(0)).isEqualTo(false);
		assertThat(got.get(1)).isEqualTo(Optional.of(got.get(2)));
	}

	@Test
	void demonitorWithFlushDropsAQueuedDown() {
		CompletableFuture<List<Object>> result = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			SpawnedMonitor spawned = ctx.runtime().spawnMonitor((c) -> c.receive());
			ctx.runtime().exit(spawned.pid(), ExitReason.KILL);
			ctx.send(ctx.self(), "after");
			ctx.demonitor(spawned.ref(), true);
			result.complete(List.of(ctx.receive(Duration.ZERO), ctx.receive(Duration.ZERO)));
		});
		assertThat(Await.result(result)).containsExactly(Optional.of("after"), Optional.empty());
	}

	@Test
	void demonitorWithFlushDropsADownSetAsideBySelectiveReceive() {
		CompletableFuture<List<Object>> result = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			SpawnedMonitor spawned = ctx.runtime().spawnMonitor((c) -> c.receive());
			ctx.runtime().exit(spawned.pid(), ExitReason.KILL);
			ctx.send(ctx.self(), "after");
			// looks at the Down and leaves it for later
			Optional<String> after = ctx.receive(String.class, Await.LONG);
			ctx.demonitor(spawned.ref(), true);
			result.complete(List.of(after, ctx.receive(Duration.ZERO)));
		});
		assertThat(Await.result(result)).containsExactly(Optional.of("after"), Optional.empty());
	}

	@Test
	void demonitoringAnotherProcessesMonitorIsRefused() {
		Pid target = this.runtime.spawn((ctx) -> ctx.receive());
		CompletableFuture<MonitorRef> ref = new CompletableFuture<>();
		Pid owner = this.runtime.spawn((ctx) -> {
			ref.complete(ctx.monitor(target));
			ctx.receive();
		});
		CompletableFuture<Throwable> error = new CompletableFuture<>();
		Pid other = this.runtime.spawn((ctx) -> {
			try {
				ctx.demonitor(Await.result(ref));
				error.complete(null);
			}
			catch (RuntimeException ex) {
				error.complete(ex);
			}
		});
		assertThat(Await.result(error)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("is a monitor of " + owner)
			.hasMessageContaining("not of " + other);
		assertThat(this.runtime.processInfo(target).orElseThrow().monitoredBy()).containsExactly(owner);
	}

	@Test
	void aDeadWatcherReleasesItsMonitors() {
		Pid target = this.runtime.spawn((ctx) -> ctx.receive());
		CountDownLatch monitored = new CountDownLatch(1);
		Pid watcher = this.runtime.spawn((ctx) -> {
			ctx.monitor(target);
			monitored.countDown();
			ctx.receive();
		});
		Await.latch(monitored);
		assertThat(this.runtime.processInfo(target).orElseThrow().monitoredBy()).containsExactly(watcher);
		this.runtime.exit(watcher, ExitReason.KILL);
		assertThat(this.runtime.processInfo(target).orElseThrow().monitoredBy()).isEmpty();
	}

	@Test
	void monitoringFromOutsideAProcessIsNotPossibleButSendingIs() {
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.runtime.spawnMonitor((ctx) -> {
			}))
			.withMessageContaining("must be called from a process");
	}

}
