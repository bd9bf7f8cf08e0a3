package dev.procreg.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

@ExtendWith(RuntimeExtension.class)
class ProcessRuntimeTests {

	private final ProcessRuntime runtime;

	sealed interface Command permits Stop, Echo {
	}

	ProcessRuntimeTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	record Stop() implements Command {
	}

	record Echo(Pid replyTo, String text) implements Command {
	}

	@Test
	void spawnRunsTheBodyOnAVirtualThreadWithItsOwnContext() {
		CompletableFuture<Pid> self = new CompletableFuture<>();
		CompletableFuture<Boolean> virtual = new CompletableFuture<>();
		CompletableFuture<Optional<Pid>> runtimeSelf = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> {
			virtual.complete(Thread.currentThread().isVirtual());
			runtimeSelf.complete(ctx.runtime().self());
			self.complete(ctx.self());
		});
		assertThat(Await.result(self)).isEqualTo(pid);
		assertThat(Await.result(virtual)).isTrue();
		assertThat(Await.result(runtimeSelf)).contains(pid);
		assertThat(this.runtime.self()).as("self() on a plain thread").isEmpty();
	}

	@Test
	void aThreadAProcessStartsIsNotTheProcess() throws Exception {
		CompletableFuture<Optional<Pid>> child = new CompletableFuture<>();
		CompletableFuture<Thread> own = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> {
			own.complete(Thread.currentThread());
			Thread.ofVirtual().start(() -> child.complete(this.runtime.self())).join();
		});
		assertThat(Await.result(child)).as("self() on a virtual thread the process started").isEmpty();
		Await.result(own).join();
		assertThat(this.runtime.isAlive(pid)).isFalse();
	}

	@Test
	void aProcessWhoseBodyReturnsExitsNormally() {
		CountDownLatch go = new CountDownLatch(1);
		Pid pid = this.runtime.spawn((ctx) -> Await.blockOn(go));
		assertThat(this.runtime.isAlive(pid)).isTrue();
		assertThat(this.runtime.processes()).contains(pid);
		go.countDown();
		await().until(() -> !this.runtime.isAlive(pid));
		assertThat(this.runtime.processes()).doesNotContain(pid);
		assertThat(this.runtime.processInfo(pid)).isEmpty();
	}

	@Test
	void pidsCarryTheNodeAndReadLikeErlangPids() {
		// a runtime of its own: another node name
		try (ProcessRuntime other = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("berlin"))) {
			assertThat(other.node()).isEqualTo("berlin");
			assertThat(this.runtime.node()).isEqualTo("local");
			Pid pid = other.spawn((ctx) -> ctx.receive());
			assertThat(pid.node()).isEqualTo("berlin");
			assertThat(pid).hasToString("<berlin." + pid.serial() + ">");
			Pid copy = Pid.of(other.nodeId(), pid.serial());
			assertThat(copy).isEqualTo(pid).hasSameHashCodeAs(pid);
			assertThat(copy.compareTo(pid)).isZero();
			assertThat(other.isAlive(copy)).as("a pid read back resolves by node and serial").isTrue();
			Pid typed = Pid.of("berlin", pid.serial());
			assertThat(other.isAlive(typed)).as("a typed pid resolves against the current run").isTrue();
			assertThat(Pid.of("local", pid.serial())).isNotEqualTo(pid);
			Pid earlierRun = Pid.of(new NodeId("berlin", other.nodeId().incarnation() + 1), pid.serial());
			assertThat(earlierRun).isNotEqualTo(pid);
			assertThat(other.isAlive(earlierRun)).as("another run's pid is nobody here").isFalse();
			try (ProcessRuntime again = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("berlin"))) {
				assertThat(again.nodeId().name()).isEqualTo("berlin");
				assertThat(again.nodeId()).as("each start draws its own incarnation").isNotEqualTo(other.nodeId());
			}
		}
	}

	@Test
	void aPidReadBackFromStorageStillAddressesItsProcess() throws Exception {
		CompletableFuture<Object> got = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> got.complete(ctx.receive()));
		java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
		try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
			out.writeObject(pid);
		}
		Pid copy;
		try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
				new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
			copy = (Pid) in.readObject();
		}
		assertThat(copy).isEqualTo(pid).hasToString(pid.toString());
		assertThat(this.runtime.isAlive(copy)).isTrue();
		this.runtime.send(copy, "via a stored pid");
		assertThat(Await.result(got)).isEqualTo("via a stored pid");
	}

	@Test
	void pidsAreOrderedAndNeverReused() {
		Set<Pid> seen = new HashSet<>();
		List<Pid> inOrder = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			Pid pid = this.runtime.spawn((ctx) -> {
			});
			assertThat(seen.add(pid)).as("pid %s is new", pid).isTrue();
			inOrder.add(pid);
		}
		await().until(() -> this.runtime.processCount() == 0);
		Pid later = this.runtime.spawn((ctx) -> {
		});
		assertThat(seen).doesNotContain(later);
		assertThat(inOrder).isSorted();
		assertThat(later).isGreaterThan(inOrder.get(inOrder.size() - 1));
	}

	@Test
	void badOptionsAndPidsAreRefusedClearly() {
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessRuntime.Options.defaults().withNode(" "))
			.withMessageContaining("node name");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProcessRuntime.Options.defaults().withShutdownTimeout(Duration.ofSeconds(-1)))
			.withMessageContaining("shutdownTimeout must not be negative");
		assertThatIllegalArgumentException().isThrownBy(() -> Pid.of("", 1)).withMessageContaining("node");
		assertThatNullPointerException().isThrownBy(() -> this.runtime.spawn(null))
			.withMessageContaining("body must not be null");
	}

	@Test
	void spawnLinkAndSpawnMonitorNeedACallingProcess() {
		assertThatIllegalStateException().isThrownBy(() -> this.runtime.spawnLink((ctx) -> {
		})).withMessageContaining("spawnLink must be called from a process");
		assertThatIllegalStateException().isThrownBy(() -> this.runtime.spawnMonitor((ctx) -> {
		})).withMessageContaining("spawnMonitor must be called from a process");
		assertThat(this.runtime.processCount()).as("nothing half-started").isZero();
	}

	@Test
	void exitWithACustomReasonEndsAProcessAndMonitorsSeeTheReason() {
		CompletableFuture<Down> down = new CompletableFuture<>();
		CountDownLatch watching = new CountDownLatch(1);
		Pid target = this.runtime.spawn((ctx) -> ctx.receive());
		this.runtime.spawn((ctx) -> {
			ctx.monitor(target);
			watching.countDown();
			down.complete(ctx.receive(Down.class, Await.LONG).orElseThrow());
		});
		Await.latch(watching);
		this.runtime.exit(target, ExitReason.of("payment-timeout"));
		assertThat(Await.result(down).reason()).isEqualTo(ExitReason.of("payment-timeout"));
		assertThat(this.runtime.isAlive(target)).isFalse();
	}

	@Test
	void exitReasonsAreAtomsCrashesOrCustomValues() {
		assertThat(ExitReason.of("payment-timeout")).isEqualTo(new ExitReason.Custom("payment-timeout"))
			.hasToString("payment-timeout");
		assertThat(ExitReason.of(ExitReason.SHUTDOWN)).isSameAs(ExitReason.SHUTDOWN);
		assertThat(ExitReason.NORMAL.isNormal()).isTrue();
		assertThat(ExitReason.SHUTDOWN.isNormal()).isTrue();
		assertThat(ExitReason.KILLED.isNormal()).isFalse();
		assertThat(ExitReason.of("x").isNormal()).isFalse();
		IllegalStateException error = new IllegalStateException("bad");
		assertThat(ExitReason.crash(error).error()).isSameAs(error);
		assertThat(ExitReason.crash(error).isNormal()).isFalse();
		assertThat(ExitReason.KILL).hasToString("kill");
		assertThatNullPointerException().isThrownBy(() -> ExitReason.of(null))
			.withMessageContaining("exit reason value must not be null");
	}

	@Test
	void exitNormalIsIgnoredByAProcessThatDoesNotTrapExits() {
		CompletableFuture<Object> got = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> got.complete(ctx.receive()));
		this.runtime.exit(pid, ExitReason.NORMAL);
		assertThat(this.runtime.isAlive(pid)).isTrue();
		this.runtime.send(pid, "still here");
		assertThat(Await.result(got)).isEqualTo("still here");
	}

	@Test
	void processInfoDescribesAProcess() {
		CountDownLatch ready = new CountDownLatch(1);
		CompletableFuture<Pid> child = new CompletableFuture<>();
		Pid watched = this.runtime.spawn((ctx) -> ctx.receive());
		Pid pid = this.runtime.spawn((ctx) -> {
			ctx.trapExits(true);
			ctx.monitor(watched);
			child.complete(ctx.runtime().spawnLink((c) -> c.receive()));
			ready.countDown();
			ctx.receive("go"::equals, Await.LONG);
		});
		Await.latch(ready);
		this.runtime.register("info-subject", pid);
		this.runtime.send(pid, "one");
		this.runtime.send(pid, "two");
		await().until(() -> this.runtime.processInfo(pid).orElseThrow().status() == ProcessInfo.Status.WAITING);

		ProcessInfo info = this.runtime.processInfo(pid).orElseThrow();
		assertThat(info.pid()).isEqualTo(pid);
		assertThat(info.registeredNames()).containsExactly("info-subject");
		assertThat(info.links()).containsExactly(Await.result(child));
		assertThat(info.monitors()).containsExactly(watched);
		assertThat(info.monitoredBy()).isEmpty();
		assertThat(info.trapExits()).isTrue();
		assertThat(info.serverClass()).isNull();
		assertThat(info.parent()).isNull();
		assertThat(info.startedAt()).isNotNull();

		ProcessInfo watchedInfo = this.runtime.processInfo(watched).orElseThrow();
		assertThat(watchedInfo.monitoredBy()).containsExactly(pid);
		ProcessInfo childInfo = this.runtime.processInfo(Await.result(child)).orElseThrow();
		assertThat(childInfo.parent()).isEqualTo(pid);
		assertThat(childInfo.links()).containsExactly(pid);
		assertThat(childInfo.trapExits()).isFalse();

		this.runtime.send(pid, "go");
		await().until(() -> this.runtime.processInfo(pid).isEmpty());
	}

	@Test
	void processInfoCountsQueuedMessages() {
		CountDownLatch go = new CountDownLatch(1);
		Pid pid = this.runtime.spawn((ctx) -> {
			Await.blockOn(go);
			ctx.receive();
		});
		this.runtime.send(pid, "a");
		this.runtime.send(pid, "b");
		this.runtime.send(pid, "c");
		ProcessInfo info = this.runtime.processInfo(pid).orElseThrow();
		assertThat(info.mailboxLength()).isEqualTo(3);
		assertThat(info.status()).isEqualTo(ProcessInfo.Status.RUNNING);
		go.countDown();
	}

	@Test
	void aCrashIsLoggedOnceWithPidNameAndStackTrace() {
		Logger logger = (Logger) LoggerFactory.getLogger(LocalProcess.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			CountDownLatch registered = new CountDownLatch(1);
			CompletableFuture<Pid> linked = new CompletableFuture<>();
			Pid pid = this.runtime.spawn((ctx) -> {
				// a linked process dies of the same crash; it must not log the crash again
				linked.complete(ctx.runtime().spawnLink((c) -> c.receive()));
				Await.blockOn(registered);
				throw new IllegalStateException("boom in body");
			});
			this.runtime.register("crasher", pid);
			registered.countDown();
			await().until(() -> !this.runtime.isAlive(pid) && !this.runtime.isAlive(Await.result(linked)));

			List<ILoggingEvent> crashes = appender.list.stream()
				.filter((e) -> e.getLevel() == Level.ERROR)
				.filter((e) -> e.getFormattedMessage().contains(pid.toString())
						|| e.getFormattedMessage().contains(Await.result(linked).toString()))
				.toList();
			assertThat(crashes).hasSize(1);
			ILoggingEvent crash = crashes.get(0);
			assertThat(crash.getFormattedMessage()).contains(pid.toString()).contains("crasher");
			assertThat(crash.getThrowableProxy()).isNotNull();
			assertThat(crash.getThrowableProxy().getMessage()).isEqualTo("boom in body");
			assertThat(crash.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void aNormalOrShutdownExitIsNotLogged() {
		Logger logger = (Logger) LoggerFactory.getLogger(LocalProcess.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			Pid normal = this.runtime.spawn((ctx) -> {
			});
			Pid shutdown = this.runtime.spawn((ctx) -> ctx.receive());
			this.runtime.exit(shutdown, ExitReason.SHUTDOWN);
			await().until(() -> !this.runtime.isAlive(normal) && !this.runtime.isAlive(shutdown));
			assertThat(appender.list).noneMatch((e) -> e.getFormattedMessage().contains(normal.toString())
					|| e.getFormattedMessage().contains(shutdown.toString()));
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void processesCanBeAddressedFromPlainThreads() throws Exception {
		CompletableFuture<String> echoed = new CompletableFuture<>();
		Pid receiver = this.runtime.spawn((ctx) -> echoed.complete((String) ctx.receive()));
		Pid echo = this.runtime.spawn((ctx) -> {
			while (true) {
				switch ((Command) ctx.receive()) {
					case Echo(Pid replyTo, String text) -> ctx.send(replyTo, text);
					case Stop() -> {
						return;
					}
				}
			}
		});
		Thread servlet = Thread.ofPlatform().start(() -> this.runtime.send(echo, new Echo(receiver, "from a servlet")));
		servlet.join();
		assertThat(Await.result(echoed)).isEqualTo("from a servlet");
		this.runtime.send(echo, new Stop());
		await().until(() -> !this.runtime.isAlive(echo));
	}

	@Test
	void processCountCountsOnlyLiveProcessesOnceAnExitIsObserved() {
		for (int i = 0; i < 300; i++) {
			CountDownLatch go = new CountDownLatch(1);
			Pid pid = this.runtime.spawn((ctx) -> Await.blockOn(go));
			go.countDown();
			assertThat(this.runtime.awaitExit(pid, Await.LONG)).isTrue();
			assertThat(this.runtime.processCount()).as("round %d", i).isZero();
		}
	}

	@Test
	void aHundredThousandProcessesSpawnAndTerminateCleanly() {
		int count = 100_000;
		List<Pid> pids = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			pids.add(this.runtime.spawn((ctx) -> {
				if (!(ctx.receive() instanceof Stop)) {
					throw new IllegalStateException("expected Stop");
				}
			}));
		}
		assertThat(this.runtime.processCount()).isEqualTo(count);
		for (Pid pid : pids) {
			this.runtime.send(pid, new Stop());
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> this.runtime.processCount() == 0);
		assertThat(this.runtime.processes()).isEmpty();
		assertThat(pids).noneMatch(this.runtime::isAlive);
	}

}
