package dev.procreg.distribution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.procreg.process.CallTimeoutException;
import dev.procreg.process.Down;
import dev.procreg.process.Exit;
import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.MonitorRef;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessExitException;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.testing.Await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Two and three runtimes of one JVM as nodes of an {@link InMemoryNetwork}: every message and
 * signal that crosses nodes, what a lost connection does ({@code noconnection}), and a restarted
 * node's earlier pids ({@code noproc}). CLUSTER.md, tests item 1.
 */
class DistributionTests {

	private final InMemoryNetwork network = new InMemoryNetwork();

	private ProcessRuntime berlin;

	private ProcessRuntime paris;

	@BeforeEach
	void start() {
		this.berlin = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("berlin"));
		this.paris = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("paris"));
		this.network.join(this.berlin);
		this.network.join(this.paris);
	}

	@AfterEach
	void stop() {
		this.network.close();
		this.berlin.close();
		this.paris.close();
	}

	/** Replies with the name of the thread that ran the handler, after an optional gate. */
	static final class Echo extends GenServer<Object> {

		static final ThreadLocal<String> CALLERS_LOCAL = new ThreadLocal<>();

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			return ok("state");
		}

		@Override
		protected Result<Object> handleCall(Object request, dev.procreg.process.From from, Object state) {
			if (request instanceof Gate gate) {
				gate.entered.countDown();
				try {
					gate.release.await(Await.LONG.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return reply("late", state);
			}
			if ("crash".equals(request)) {
				throw new IllegalStateException("asked to crash");
			}
			if ("where".equals(request)) {
				Thread thread = Thread.currentThread();
				return reply(List.of(thread.getName(), thread.isVirtual(), String.valueOf(CALLERS_LOCAL.get()),
						String.valueOf(from.caller())), state);
			}
			return reply(request, state);
		}

	}

	/** A request the handler holds until released, telling when it has it. */
	record Gate(CountDownLatch entered, CountDownLatch release) {

		Gate() {
			this(new CountDownLatch(1), new CountDownLatch(1));
		}

	}

	private Pid startEcho(ProcessRuntime runtime) {
		return GenServer.start(runtime, new Echo(), null).orThrow();
	}

	/** Runs code in a new process of a runtime and completes with what it returns. */
	private static <T> CompletableFuture<T> inProcess(ProcessRuntime runtime, ProcessCode<T> code) {
		CompletableFuture<T> result = new CompletableFuture<>();
		runtime.spawn((ctx) -> {
			try {
				result.complete(code.run(ctx));
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		});
		return result;
	}

	@FunctionalInterface
	interface ProcessCode<T> {

		T run(dev.procreg.process.ReceivingContext ctx) throws Exception;

	}

	@Test
	void pidsOfTwoNodesDifferAndEachNodeSeesTheOther() {
		assertThat(this.berlin.connectedNodes()).containsExactly(this.paris.nodeId());
		assertThat(this.paris.connectedNodes()).containsExactly(this.berlin.nodeId());
		Pid inBerlin = this.berlin.spawn((ctx) -> ctx.receive());
		Pid inParis = this.paris.spawn((ctx) -> ctx.receive());
		assertThat(inBerlin.nodeId()).isEqualTo(this.berlin.nodeId());
		assertThat(inParis.nodeId()).isEqualTo(this.paris.nodeId());
		assertThat(this.berlin.isAlive(inParis)).as("isAlive answers for local processes only").isFalse();
	}

	@Test
	void messagesFromEachSenderArriveInOrderNoneLostNoneDoubled() {
		int senders = 4;
		int each = 5_000;
		CompletableFuture<Map<Integer, List<Integer>>> received = new CompletableFuture<>();
		Pid receiver = this.paris.spawn((ctx) -> {
			Map<Integer, List<Integer>> bySender = new ConcurrentHashMap<>();
			for (int i = 0; i < senders * each; i++) {
				int[] message = (int[]) ctx.receive();
				bySender.computeIfAbsent(message[0], (k) -> new ArrayList<>()).add(message[1]);
			}
			received.complete(bySender);
		});
		for (int s = 0; s < senders; s++) {
			int sender = s;
			this.berlin.spawn((ctx) -> {
				for (int i = 0; i < each; i++) {
					ctx.runtime().send(receiver, new int[] { sender, i });
				}
			});
		}
		Map<Integer, List<Integer>> bySender = Await.result(received);
		assertThat(bySender).hasSize(senders);
		List<Integer> expected = java.util.stream.IntStream.range(0, each).boxed().toList();
		bySender.values().forEach((sequence) -> assertThat(sequence).isEqualTo(expected));
	}

	@Test
	void aRemoteCallRunsOnTheServersOwnThreadAndSeesNothingOfTheCaller() throws Exception {
		Pid server = startEcho(this.paris);
		Echo.CALLERS_LOCAL.set("caller's secret");
		try {
			List<?> fromThread = this.berlin.call(server, "where", Await.LONG);
			assertThat((String) fromThread.get(0)).doesNotStartWith("procreg-network-");
			assertThat(fromThread.get(1)).as("the server's own virtual thread").isEqualTo(true);
			assertThat(fromThread.get(2)).as("the caller's thread-local").isEqualTo("null");
			assertThat(fromThread.get(3)).as("a plain thread has no pid").isEqualTo("null");
		}
		finally {
			Echo.CALLERS_LOCAL.remove();
		}
		CompletableFuture<Object[]> fromProcess = inProcess(this.berlin,
				(ctx) -> new Object[] { ctx.self(), ctx.runtime().call(server, "where", Await.LONG) });
		Object[] answer = Await.result(fromProcess);
		assertThat(((List<?>) answer[1]).get(3)).as("the caller a handler sees").isEqualTo(answer[0].toString());
		assertThat(this.berlin.<String>call(server, "hello", Await.LONG)).isEqualTo("hello");
	}

	@Test
	void aRemoteCallTimesOutAtItsDeadlineAndTheLateReplyIsDropped() {
		Pid server = startEcho(this.paris);
		Gate gate = new Gate();
		assertThatExceptionOfType(CallTimeoutException.class)
			.isThrownBy(() -> this.berlin.call(server, gate, Duration.ofMillis(100)));
		gate.release.countDown();
		assertThat(this.berlin.<String>call(server, "next", Await.LONG)).as("the late reply went nowhere")
			.isEqualTo("next");
	}

	@Test
	void aRemoteCallFailsAsALocalOneWould() {
		Pid server = startEcho(this.paris);
		Pid plain = this.paris.spawn((ctx) -> ctx.receive());
		Pid dead = this.paris.spawn((ctx) -> {
		});
		await().atMost(Await.LONG).until(() -> !this.paris.isAlive(dead));
		assertThatExceptionOfType(NoProcessException.class).isThrownBy(() -> this.berlin.call(dead, "x", Await.LONG))
			.withMessageContaining("not alive");
		assertThatIllegalArgumentException().isThrownBy(() -> this.berlin.call(plain, "x", Await.LONG))
			.withMessageContaining("is not a GenServer");
		assertThatExceptionOfType(ProcessExitException.class)
			.isThrownBy(() -> this.berlin.call(server, "crash", Await.LONG))
			.satisfies((ex) -> assertThat(ex.reason()).isInstanceOf(ExitReason.Crash.class));
	}

	@Test
	void aLostConnectionFailsAWaitingCallAtOnceWithNoconnection() {
		Pid server = startEcho(this.paris);
		Gate gate = new Gate();
		CompletableFuture<Object> call = CompletableFuture
			.supplyAsync(() -> this.berlin.call(server, gate, Duration.ofMinutes(10)));
		Await.latch(gate.entered);
		this.network.cut(this.berlin, this.paris);
		assertThatExceptionOfType(ProcessExitException.class).isThrownBy(() -> Await.result(call))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ExitReason.NOCONNECTION));
		gate.release.countDown();
		assertThatExceptionOfType(ProcessExitException.class)
			.as("a call to a node without a connection fails at once")
			.isThrownBy(() -> this.berlin.call(server, "x", Duration.ofMinutes(10)))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ExitReason.NOCONNECTION));
		this.network.heal(this.berlin, this.paris);
		assertThat(this.berlin.<String>call(server, "again", Await.LONG)).isEqualTo("again");
	}

	@Test
	void aRemoteCallIsExecutedAtMostOnceEvenWhenItsConnectionIsLost() {
		java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
		Pid counter = GenServer.start(this.paris, new GenServer<Object>() {
			@Override
			protected Init<Object> init(@Nullable Object arg) {
				return ok("state");
			}

			@Override
			protected Result<Object> handleCall(Object request, dev.procreg.process.From from, Object state) {
				runs.incrementAndGet();
				Gate gate = (Gate) request;
				gate.entered.countDown();
				Await.latch(gate.release);
				return reply("done", state);
			}
		}, null).orThrow();
		Gate gate = new Gate();
		CompletableFuture<Object> call = CompletableFuture
			.supplyAsync(() -> this.berlin.call(counter, gate, Duration.ofMinutes(10)));
		Await.latch(gate.entered);
		this.network.cut(this.berlin, this.paris);
		assertThatExceptionOfType(ProcessExitException.class).isThrownBy(() -> Await.result(call))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ExitReason.NOCONNECTION));
		gate.release.countDown();
		this.network.heal(this.berlin, this.paris);
		Gate next = new Gate();
		next.release.countDown();
		assertThat(this.berlin.<String>call(counter, next, Await.LONG)).isEqualTo("done");
		assertThat(runs).as("the lost call ran once, and was not sent again").hasValue(2);
	}

	@Test
	void aRemoteMonitorGetsExactlyOneDownWithTheReason() {
		Pid target = this.paris.spawn((ctx) -> {
			Object reason = ctx.receive();
			ctx.runtime().exit(ctx.self(), ExitReason.of(reason)); // exits with that reason
			ctx.receive();
		});
		CompletableFuture<List<Object>> downs = inProcess(this.berlin, (ctx) -> {
			MonitorRef ref = ctx.monitor(target);
			ctx.runtime().send(target, "payment-timeout");
			Down down = ctx.receive(Down.class, Await.LONG).orElseThrow();
			List<Object> seen = new ArrayList<>(List.of(down.ref() == ref, down.pid(), down.reason()));
			ctx.receive(Down.class, Duration.ofMillis(200)).ifPresent(seen::add);
			return seen;
		});
		List<Object> seen = Await.result(downs);
		assertThat(seen).hasSize(3);
		assertThat(seen.get(0)).isEqualTo(true);
		assertThat(seen.get(1)).isEqualTo(target);
		assertThat(seen.get(2)).isEqualTo(ExitReason.of("payment-timeout"));
	}

	@Test
	void aMonitorOfADeadRemotePidSaysNoprocAndALostConnectionSaysNoconnection() {
		Pid dead = this.paris.spawn((ctx) -> {
		});
		await().atMost(Await.LONG).until(() -> !this.paris.isAlive(dead));
		Pid alive = this.paris.spawn((ctx) -> ctx.receive());
		CompletableFuture<ExitReason> noproc = inProcess(this.berlin,
				(ctx) -> {
					ctx.monitor(dead);
					return ctx.receive(Down.class, Await.LONG).orElseThrow().reason();
				});
		assertThat(Await.result(noproc)).isEqualTo(ExitReason.NOPROC);
		CountDownLatch monitoring = new CountDownLatch(1);
		CompletableFuture<Down> lost = inProcess(this.berlin, (ctx) -> {
			ctx.monitor(alive);
			monitoring.countDown();
			return ctx.receive(Down.class, Await.LONG).orElseThrow();
		});
		Await.latch(monitoring);
		await().atMost(Await.LONG).until(() -> this.paris.processInfo(alive).orElseThrow().monitoredBy().size() == 1);
		this.network.cut(this.berlin, this.paris);
		Down down = Await.result(lost);
		assertThat(down.reason()).isEqualTo(ExitReason.NOCONNECTION);
		assertThat(down.pid()).isEqualTo(alive);
		await().atMost(Await.LONG)
			.untilAsserted(() -> assertThat(this.paris.processInfo(alive).orElseThrow().monitoredBy())
				.as("the watcher's node is gone: its monitor with it")
				.isEmpty());
	}

	@Test
	void aDemonitoredRemoteProcessSendsNoDown() {
		Pid target = this.paris.spawn((ctx) -> ctx.receive());
		CompletableFuture<Object> next = inProcess(this.berlin, (ctx) -> {
			MonitorRef ref = ctx.monitor(target);
			assertThat(ctx.demonitor(ref, false)).isTrue();
			ctx.runtime().exit(target, ExitReason.KILL);
			// a marker sent by paris after the death: a Down, had it been sent, would come first
			Pid marker = ctx.self();
			ctx.runtime().call(startEchoThatForwards(marker), "marker", Await.LONG);
			return ctx.receive(Await.LONG).orElseThrow();
		});
		assertThat(Await.result(next)).isEqualTo("marker");
	}

	private Pid startEchoThatForwards(Pid to) {
		return GenServer.start(this.paris, new GenServer<Object>() {
			@Override
			protected Init<Object> init(@Nullable Object arg) {
				return ok("state");
			}

			@Override
			protected Result<Object> handleCall(Object request, dev.procreg.process.From from, Object state) {
				runtime().send(to, request);
				return reply("sent", state);
			}
		}, null).orThrow();
	}

	@Test
	void aRemoteLinkCarriesTheExitBothWays() {
		Pid worker = this.paris.spawn((ctx) -> {
			Object reason = ctx.receive();
			ctx.runtime().exit(ctx.self(), ExitReason.of(reason)); // exits with that reason
			ctx.receive();
		});
		CountDownLatch linked = new CountDownLatch(1);
		CompletableFuture<Exit> trapped = inProcess(this.berlin, (ctx) -> {
			ctx.trapExits(true);
			ctx.link(worker);
			linked.countDown();
			return ctx.receive(Exit.class, Await.LONG).orElseThrow();
		});
		Await.latch(linked);
		await().atMost(Await.LONG).until(() -> this.paris.processInfo(worker).orElseThrow().links().size() == 1);
		this.berlin.spawn((ctx) -> ctx.runtime().send(worker, "db-down"));
		Exit exit = Await.result(trapped);
		assertThat(exit.from()).isEqualTo(worker);
		assertThat(exit.reason()).isEqualTo(ExitReason.of("db-down"));

		Pid partner = this.paris.spawn((ctx) -> ctx.receive());
		CountDownLatch linkedToo = new CountDownLatch(1);
		Pid dying = this.berlin.spawn((ctx) -> {
			ctx.link(partner);
			linkedToo.countDown();
			ctx.receive();
			throw new IllegalStateException("berlin's side crashes");
		});
		Await.latch(linkedToo);
		await().atMost(Await.LONG).until(() -> this.paris.processInfo(partner).orElseThrow().links().size() == 1);
		this.berlin.send(dying, "go");
		await().atMost(Await.LONG).until(() -> !this.paris.isAlive(partner));
	}

	@Test
	void aLostConnectionBreaksLinksWithNoconnectionAndALinkToTheDeadSaysNoproc() {
		Pid partner = this.paris.spawn((ctx) -> ctx.receive());
		Pid dead = this.paris.spawn((ctx) -> {
		});
		await().atMost(Await.LONG).until(() -> !this.paris.isAlive(dead));
		CountDownLatch linked = new CountDownLatch(1);
		CompletableFuture<List<Exit>> exits = inProcess(this.berlin, (ctx) -> {
			ctx.trapExits(true);
			ctx.link(dead);
			Exit first = ctx.receive(Exit.class, Await.LONG).orElseThrow();
			ctx.link(partner);
			linked.countDown();
			return List.of(first, ctx.receive(Exit.class, Await.LONG).orElseThrow());
		});
		Await.latch(linked);
		await().atMost(Await.LONG).until(() -> this.paris.processInfo(partner).orElseThrow().links().size() == 1);
		this.network.cut(this.berlin, this.paris);
		List<Exit> seen = Await.result(exits);
		assertThat(seen.get(0).reason()).isEqualTo(ExitReason.NOPROC);
		assertThat(seen.get(0).from()).isEqualTo(dead);
		assertThat(seen.get(1).reason()).isEqualTo(ExitReason.NOCONNECTION);
		assertThat(seen.get(1).from()).isEqualTo(partner);
		assertThat(this.paris.isAlive(partner)).as("paris's side traps nothing, but noconnection is its own too")
			.isFalse();
	}

	@Test
	void anExitSignalAndACastReachAnotherNode() {
		CompletableFuture<Object> trapped = new CompletableFuture<>();
		Pid trapping = this.paris.spawn((ctx) -> {
			ctx.trapExits(true);
			trapped.complete(ctx.receive());
		});
		await().atMost(Await.LONG).until(() -> this.paris.processInfo(trapping).orElseThrow().trapExits());
		this.berlin.exit(trapping, ExitReason.of("please"));
		assertThat(Await.result(trapped)).isEqualTo(new Exit(null, ExitReason.of("please")));

		Pid victim = this.paris.spawn((ctx) -> {
			ctx.trapExits(true);
			for (;;) {
				ctx.receive();
			}
		});
		this.berlin.exit(victim, ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> !this.paris.isAlive(victim));

		Pid server = startEcho(this.paris);
		CompletableFuture<Object> cast = new CompletableFuture<>();
		Pid plain = this.paris.spawn((ctx) -> cast.complete(ctx.receive()));
		this.berlin.cast(plain, "cast to a plain process");
		this.berlin.cast(server, "cast to a server");
		assertThat(Await.result(cast)).isEqualTo("cast to a plain process");
	}

	@Test
	void theEarlierRunOfARestartedNodeIsNobody() {
		Pid old = this.paris.spawn((ctx) -> ctx.receive());
		NodeId oldParis = this.paris.nodeId();
		this.network.leave(this.paris);
		this.paris.close();
		this.paris = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("paris"));
		this.network.join(this.paris);
		assertThat(this.paris.nodeId()).isNotEqualTo(oldParis);
		assertThat(this.berlin.connectedNodes()).containsExactly(this.paris.nodeId());
		Pid sameSerialLater = Pid.of(this.paris.nodeId(), old.serial());
		assertThat(sameSerialLater).isNotEqualTo(old);
		CompletableFuture<ExitReason> down = inProcess(this.berlin, (ctx) -> {
			ctx.monitor(old);
			return ctx.receive(Down.class, Await.LONG).orElseThrow().reason();
		});
		assertThat(Await.result(down)).isEqualTo(ExitReason.NOPROC);
		assertThatExceptionOfType(NoProcessException.class).isThrownBy(() -> this.berlin.call(old, "x", Await.LONG));
	}

	@Test
	void aPidTypedAsTextResolvesAgainstTheConnectedRunOfItsNode() {
		Pid server = startEcho(this.paris);
		Pid typed = Pid.parse(server.toString());
		assertThat(typed.resolve(this.berlin)).isEqualTo(server);
		assertThat(this.berlin.<String>call(typed, "typed", Await.LONG)).isEqualTo("typed");
	}

	@Test
	void badUseIsRefusedClearly() {
		assertThatIllegalStateException().isThrownBy(() -> this.berlin.distribute((node, signal) -> true))
			.withMessageContaining("distributed already");
		ProcessRuntime twin = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("paris"));
		try {
			assertThatIllegalArgumentException().isThrownBy(() -> this.network.join(twin))
				.withMessageContaining("has a node named 'paris'");
			assertThatIllegalArgumentException().isThrownBy(() -> this.network.cut(this.berlin, twin))
				.withMessageContaining("is not in this network");
			assertThatIllegalArgumentException().isThrownBy(() -> this.network.cut(this.berlin, this.berlin))
				.withMessageContaining("no connection to itself");
			assertThat(twin.connectedNodes()).as("a refused join leaves the runtime alone").isEmpty();
		}
		finally {
			twin.close();
		}
	}

}
