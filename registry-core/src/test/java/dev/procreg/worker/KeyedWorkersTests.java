package dev.procreg.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link KeyedWorkers}: one worker per key, start on first use, passivation by the
 * GenServer's own idle shutdown, a limit over the whole type, restarts counted by the supervisors.
 */
@ExtendWith(RuntimeExtension.class)
class KeyedWorkersTests {

	private final ProcessRuntime runtime;

	private final Queue<String> events = new ConcurrentLinkedQueue<>();

	KeyedWorkersTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	private KeyedWorkers<String> started(WorkerSpec<String> spec) {
		KeyedWorkers<String> workers = KeyedWorkers.create(this.runtime, spec);
		workers.start().orThrow();
		return workers;
	}

	private WorkerSpec<String> echo(String name) {
		return WorkerSpec.of(name, (String key) -> new Echo(this.events)).withPartitions(4);
	}

	@Test
	void aCallStartsTheKeysWorkerWhichGetsItsKeyAndRegistersWithTheMetadata() {
		KeyedWorkers<String> workers = started(echo("echoes").withMetadata(Map.of("tier", "gold")));
		assertThat(workers.<String>call("donor-1", "key")).isEqualTo("donor-1");
		Pid pid = workers.whereis("donor-1").orElseThrow();
		ProcessRegistry<?, ?> registry = ProcessRegistry.named(this.runtime, "echoes").orElseThrow();
		assertThat(registry).isSameAs(workers.registry());
		assertThat(workers.<String>call("donor-1", "key")).isEqualTo("donor-1");
		assertThat(workers.whereis("donor-1")).contains(pid);
		assertThat(this.events).containsExactly("init:donor-1");
	}

	@Test
	void castAndSendStartTheWorkerToo() {
		KeyedWorkers<String> workers = started(echo("echoes"));
		workers.cast("a", "note");
		workers.send("b", "note");
		await().atMost(Await.LONG).until(() -> this.events.containsAll(List.of("cast:a:note", "info:b:note")));
	}

	@Test
	void concurrentFirstCallsStartExactlyOneWorker() throws Exception {
		KeyedWorkers<String> workers = started(echo("echoes"));
		for (int round = 0; round < 20; round++) {
			String key = "k" + round;
			int callers = 16;
			CountDownLatch go = new CountDownLatch(1);
			List<CompletableFuture<StartResult>> results = new ArrayList<>();
			try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
				for (int i = 0; i < callers; i++) {
					results.add(CompletableFuture.supplyAsync(() -> {
						Await.latch(go);
						return workers.start(key);
					}, threads));
				}
				go.countDown();
			}
			Set<Pid> pids = ConcurrentHashMap.newKeySet();
			int started = 0;
			for (CompletableFuture<StartResult> result : results) {
				StartResult outcome = result.get();
				pids.add(outcome.orThrow());
				started += (outcome instanceof StartResult.Started) ? 1 : 0;
			}
			assertThat(pids).as("one worker for key " + key).hasSize(1);
			assertThat(started).isEqualTo(1);
		}
		assertThat(this.events.stream().filter((e) -> e.startsWith("init:"))).hasSize(20);
	}

	@Test
	void theNextCallAfterACrashReachesTheRestartedWorkerAndTheRestartIsCounted() {
		KeyedWorkers<String> workers = started(echo("echoes"));
		Pid first = workers.startOrFind("k");
		workers.cast("k", "crash");
		await().atMost(Await.LONG).until(() -> workers.whereis("k").filter((pid) -> !pid.equals(first)).isPresent());
		assertThat(workers.<String>call("k", "key")).isEqualTo("k");
		assertThat(workers.restarts()).isEqualTo(1);
	}

	@Test
	void stopEndsTheWorkerWithoutRestartAndTheNextUseStartsANewOne() {
		KeyedWorkers<String> workers = started(echo("echoes"));
		Pid first = workers.startOrFind("k");
		assertThat(workers.stop("k")).isTrue();
		assertThat(this.runtime.isAlive(first)).isFalse();
		assertThat(workers.whereis("k")).isEmpty();
		assertThat(workers.stop("k")).isFalse();
		assertThat(workers.startOrFind("k")).isNotEqualTo(first);
		assertThat(workers.restarts()).isZero();
	}

	@Test
	void anIdleWorkerIsPassivatedWithShutdownAndStartsAgainOnNextUse() {
		KeyedWorkers<String> workers = started(echo("echoes").withIdleTimeout(Duration.ofMillis(100)));
		Pid first = workers.startOrFind("k");
		await().atMost(Await.LONG).until(() -> !this.runtime.isAlive(first));
		assertThat(this.events).contains("terminate:k:shutdown");
		assertThat(workers.whereis("k")).isEmpty();
		assertThat(workers.<String>call("k", "key")).isEqualTo("k");
		assertThat(workers.whereis("k")).isPresent().get().isNotEqualTo(first);
		assertThat(workers.restarts()).as("passivation is no restart").isZero();
	}

	@Test
	void aPassivatedPermanentWorkerIsNotRestarted() {
		KeyedWorkers<String> workers = started(
				echo("echoes").withRestart(dev.procreg.supervisor.Restart.PERMANENT).withIdleTimeout(Duration.ofMillis(100)));
		Pid first = workers.startOrFind("k");
		await().atMost(Await.LONG).until(() -> !this.runtime.isAlive(first));
		assertThat(workers.activeWorkers(Await.LONG)).isZero();
		assertThat(workers.whereis("k")).isEmpty();
		assertThat(workers.restarts()).isZero();
	}

	@Test
	void messagesSentToThePidItselfKeepTheWorker() {
		// margins wide enough for a loaded machine: a tick every 50 ms against a one second idle shutdown
		KeyedWorkers<String> workers = started(echo("echoes").withIdleTimeout(Duration.ofSeconds(1)));
		Pid pid = workers.startOrFind("k");
		ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
		try {
			sender.scheduleAtFixedRate(() -> this.runtime.send(pid, "tick"), 0, 50, TimeUnit.MILLISECONDS);
			// three idle periods, with only plain messages to the pid, none through KeyedWorkers
			await().during(Duration.ofSeconds(3)).atMost(Await.LONG).until(() -> this.runtime.isAlive(pid));
		}
		finally {
			sender.shutdownNow();
		}
		await().atMost(Await.LONG).until(() -> !this.runtime.isAlive(pid));
		assertThat(this.events).contains("terminate:k:shutdown");
	}

	@Test
	void aWorkerWithARequestInFlightIsNotPassivated() throws Exception {
		KeyedWorkers<String> workers = started(echo("echoes").withIdleTimeout(Duration.ofMillis(200)));
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<String> reply;
		try (var caller = Executors.newVirtualThreadPerTaskExecutor()) {
			reply = CompletableFuture.supplyAsync(() -> workers.<String>call("busy", release, Await.LONG), caller);
			await().atMost(Await.LONG).until(() -> this.events.contains("blocked:busy") || reply.isDone());
			assertThat(reply).as("the call is in flight").isNotDone();
			Pid pid = workers.whereis("busy").orElseThrow();
			// several idle timeouts with the request still running: the worker must stay
			await().during(Duration.ofMillis(800)).atMost(Await.LONG).until(() -> this.runtime.isAlive(pid));
			release.countDown();
			assertThat(reply.get()).isEqualTo("released");
		}
		assertThat(this.events).doesNotContain("terminate:busy:shutdown");
	}

	@Test
	void aRequestThatMeetsAPassivationIsAnsweredByANewWorker() throws Exception {
		CountDownLatch terminating = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		KeyedWorkers<String> workers = started(WorkerSpec
			.of("slow-stop", (String key) -> new SlowStop(terminating, release))
			.withPartitions(2)
			.withIdleTimeout(Duration.ofMillis(50)));
		Pid first = workers.startOrFind("k");
		Await.latch(terminating);
		// the old worker is passivating (its terminate runs) and still holds the key: the call
		// reaches it, fails with shutdown, and is sent again to a new worker
		CompletableFuture<String> reply = CompletableFuture
			.supplyAsync(() -> workers.<String>call("k", "key", Await.LONG));
		await().atMost(Await.LONG).until(() -> this.runtime.processInfo(first).map((info) -> info.mailboxLength() > 0)
			.orElse(true));
		release.countDown();
		assertThat(reply.get()).isEqualTo("k");
		assertThat(workers.whereis("k")).isPresent().get().isNotEqualTo(first);
	}

	@Test
	void maxInstancesCountsTheWholeTypeWhateverThePartitions() {
		KeyedWorkers<String> workers = started(echo("limited").withPartitions(4).withMaxInstances(3));
		int started = 0;
		for (int i = 0; i < 20; i++) {
			try {
				workers.startOrFind("key-" + i);
				started++;
			}
			catch (WorkerStartException ex) {
				assertThat(ex).hasMessageContaining("maximum (maxInstances)");
			}
		}
		assertThat(started).isEqualTo(3);
		assertThat(workers.activeWorkers(Await.LONG)).isEqualTo(3);
		workers.stop("key-0");
		// the stopped worker's slot is free as soon as its exit completes
		await().atMost(Await.LONG)
			.ignoreExceptionsInstanceOf(WorkerStartException.class)
			.until(() -> workers.startOrFind("another") != null);
	}

	@Test
	void aStartBeforeTheSupervisorRunsIsAClearError() {
		KeyedWorkers<String> workers = KeyedWorkers.create(this.runtime, echo("idle"));
		assertThatExceptionOfType(WorkerStartException.class).isThrownBy(() -> workers.call("k", "key"))
			.withMessageContaining("procreg.workers.idle is not running");
	}

	@Test
	void anInitFailureIsAWorkerStartExceptionWithTheCause() {
		KeyedWorkers<String> workers = started(echo("echoes"));
		assertThatExceptionOfType(WorkerStartException.class).isThrownBy(() -> workers.call("fail", "key"))
			.withMessageContaining("worker 'echoes' for key 'fail' failed to start")
			.withRootCauseInstanceOf(IllegalArgumentException.class);
		assertThat(workers.whereis("fail")).isEmpty();
	}

	@Test
	void badInputIsRefusedWithAMessageNamingTheMistake() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> echo("x").withMaxInstances(-1))
			.withMessageContaining("maxInstances must not be negative");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> echo("x").withIdleTimeout(Duration.ZERO))
			.withMessageContaining("idleTimeout must be positive");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> echo("x").withPartitions(0))
			.withMessageContaining("partitions must be at least 1");
		ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("dups"));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> KeyedWorkers.create(this.runtime, echo("dups")))
			.withMessageContaining("needs a unique registry");
		KeyedWorkers<String> workers = started(echo("echoes"));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> workers.call(null, "key"))
			.withMessageContaining("key must not be null");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> KeyedWorkers.create(this.runtime, echo("echoes")))
			.withMessageContaining("has a worker type named 'echoes' already");
		assertThat(KeyedWorkers.all(this.runtime)).containsExactly(workers);
	}

	/** An {@link Echo} whose first terminate waits for a latch. */
	static final class SlowStop extends GenServer<String> {

		private final CountDownLatch terminating;

		private final CountDownLatch release;

		SlowStop(CountDownLatch terminating, CountDownLatch release) {
			this.terminating = terminating;
			this.release = release;
		}

		@Override
		protected Init<String> init(Object key) {
			return ok((String) key);
		}

		@Override
		protected Result<String> handleCall(Object request, From from, String key) {
			return reply(key, key);
		}

		@Override
		protected void terminate(ExitReason reason, String key) throws InterruptedException {
			if (this.terminating.getCount() > 0) {
				this.terminating.countDown();
				this.release.await();
			}
		}

	}

	/** Answers {@code "key"} with its key, blocks on a latch, crashes on a {@code "crash"} cast. */
	static final class Echo extends GenServer<String> {

		private final Queue<String> events;

		Echo(Queue<String> events) {
			this.events = events;
		}

		@Override
		protected Init<String> init(Object key) {
			if ("fail".equals(key)) {
				throw new IllegalArgumentException("no worker for 'fail'");
			}
			this.events.add("init:" + key);
			return ok((String) key);
		}

		@Override
		protected Result<String> handleCall(Object request, From from, String key) throws InterruptedException {
			if (request instanceof CountDownLatch latch) {
				this.events.add("blocked:" + key);
				latch.await();
				return reply("released", key);
			}
			return reply(key, key);
		}

		@Override
		protected Result<String> handleCast(Object request, String key) {
			if ("crash".equals(request)) {
				throw new IllegalStateException("crash on request");
			}
			this.events.add("cast:" + key + ":" + request);
			return noReply(key);
		}

		@Override
		protected Result<String> handleInfo(Object message, String key) {
			if (!"tick".equals(message)) {
				this.events.add("info:" + key + ":" + message);
			}
			return noReply(key);
		}

		@Override
		protected void terminate(ExitReason reason, String key) {
			this.events.add("terminate:" + key + ":" + reason);
		}

	}

}
