package dev.procreg.cluster.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.procreg.process.Down;
import dev.procreg.process.ExitReason;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessException;
import dev.procreg.process.ProcessExitException;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.RemoteCrashException;

import static dev.procreg.cluster.transport.TransportFixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** Two real runtimes, each with its transport, on loopback: what a user sees across nodes. */
class RuntimesOverTransportTests {

	private ProcessRuntime berlin;

	private ProcessRuntime paris;

	private NodeTransport berlinTransport;

	private NodeTransport parisTransport;

	@BeforeEach
	void start() throws Exception {
		this.berlin = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("berlin"));
		this.paris = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("paris"));
		this.berlinTransport = NodeTransport.start(TransportOptions.defaults("test"), this.berlin::distribute);
		this.parisTransport = NodeTransport.start(TransportOptions.defaults("test"), this.paris::distribute);
		this.berlinTransport.connect(this.paris.nodeId(), this.parisTransport.boundAddress())
			.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		await().atMost(PATIENCE).until(() -> this.paris.connectedNodes().contains(this.berlin.nodeId()));
		assertThat(this.berlin.connectedNodes()).containsExactly(this.paris.nodeId());
	}

	@AfterEach
	void stop() {
		this.berlinTransport.close();
		this.parisTransport.close();
		this.berlin.close();
		this.paris.close();
	}

	/** Replies with the request; holds "hold" until released (both nodes share this JVM). */
	static final class Echo extends GenServer<Object> {

		static final CountDownLatch entered = new CountDownLatch(1);

		static final CountDownLatch release = new CountDownLatch(1);

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			return ok("state");
		}

		@Override
		protected Result<Object> handleCall(Object request, From from, Object state) {
			if ("big".equals(request)) {
				return reply("x".repeat(9 * 1024 * 1024), state); // over the 8 MiB frame limit
			}
			if ("hold".equals(request)) {
				entered.countDown();
				try {
					release.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return reply(request, state);
		}

	}

	@Test
	void messagesFromEachSenderArriveInOrder() throws Exception {
		int senders = 4;
		int each = 2_000;
		CompletableFuture<List<List<Integer>>> received = new CompletableFuture<>();
		Pid receiver = this.paris.spawn((ctx) -> {
			List<List<Integer>> bySender = new ArrayList<>();
			for (int s = 0; s < senders; s++) {
				bySender.add(new ArrayList<>());
			}
			for (int i = 0; i < senders * each; i++) {
				int[] message = (int[]) ctx.receive();
				bySender.get(message[0]).add(message[1]);
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
		List<Integer> expected = java.util.stream.IntStream.range(0, each).boxed().toList();
		assertThat(received.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
			.allSatisfy((sequence) -> assertThat(sequence).isEqualTo(expected));
	}

	@Test
	void aReplyTooLargeToTravelFailsTheCallAndNotTheServer() {
		Pid server = GenServer.start(this.paris, new Echo(), null).orThrow();
		assertThatExceptionOfType(ProcessException.class).isThrownBy(() -> this.berlin.call(server, "big", PATIENCE))
			.withMessageContaining("could not be sent");
		assertThat(this.paris.isAlive(server)).isTrue();
		assertThat(this.berlin.<String>call(server, "after", PATIENCE)).isEqualTo("after");
	}

	/** An exception whose class the receiving node does not accept (not in its allow-list). */
	static final class SecretException extends RuntimeException {

		SecretException(String message) {
			super(message);
		}

	}

	@Test
	void aCrashWithAClassTheOtherNodeRefusesStillReachesItsMonitorAsARemoteCrash() throws Exception {
		CountDownLatch go = new CountDownLatch(1);
		Pid crasher = this.paris.spawn((ctx) -> {
			go.await();
			throw new SecretException("card declined");
		});
		CompletableFuture<ExitReason> down = new CompletableFuture<>();
		CountDownLatch watching = new CountDownLatch(1);
		this.berlin.spawn((ctx) -> {
			ctx.monitor(crasher);
			watching.countDown();
			down.complete(ctx.receive(Down.class, PATIENCE).orElseThrow().reason());
		});
		assertThat(watching.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// a remote monitor is asynchronous, as in Erlang: crash only once paris has it
		await().atMost(PATIENCE).until(() -> !this.paris.processInfo(crasher).orElseThrow().monitoredBy().isEmpty());
		go.countDown();
		assertThat(down.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isInstanceOfSatisfying(ExitReason.Crash.class,
				(crash) -> assertThat(crash.error()).isInstanceOfSatisfying(RemoteCrashException.class, (remote) -> {
					assertThat(remote.className()).isEqualTo(SecretException.class.getName());
					assertThat(remote.getMessage()).contains("card declined");
				}));
	}

	@Test
	void aRemoteCallGetsItsReply() {
		Pid server = GenServer.start(this.paris, new Echo(), null).orThrow();
		assertThat(this.berlin.<String>call(server, "hello", PATIENCE)).isEqualTo("hello");
		assertThat(this.berlin.<List<Integer>>call(server, List.of(1, 2, 3), PATIENCE)).containsExactly(1, 2, 3);
	}

	@Test
	void aLostConnectionGivesNoconnectionToMonitorsAndCalls() throws Exception {
		Pid target = this.paris.spawn((ctx) -> ctx.receive());
		CountDownLatch monitoring = new CountDownLatch(1);
		CompletableFuture<Down> down = new CompletableFuture<>();
		this.berlin.spawn((ctx) -> {
			ctx.monitor(target);
			monitoring.countDown();
			down.complete(ctx.receive(Down.class, PATIENCE).orElseThrow());
		});
		assertThat(monitoring.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		await().atMost(PATIENCE).until(() -> this.paris.processInfo(target).orElseThrow().monitoredBy().size() == 1);

		Pid server = GenServer.start(this.paris, new Echo(), null).orThrow();
		try {
			CompletableFuture<Object> call = CompletableFuture
				.supplyAsync(() -> this.berlin.call(server, "hold", Duration.ofMinutes(10)));
			assertThat(Echo.entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
			this.parisTransport.close();
			assertThat(down.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).reason()).isEqualTo(ExitReason.NOCONNECTION);
			assertThat(call).failsWithin(PATIENCE)
				.withThrowableThat()
				.havingRootCause()
				.isInstanceOfSatisfying(ProcessExitException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(ExitReason.NOCONNECTION));
			assertThatExceptionOfType(ProcessExitException.class)
				.isThrownBy(() -> this.berlin.call(server, "after", Duration.ofMinutes(10)))
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ExitReason.NOCONNECTION));
			assertThat(this.berlin.connectedNodes()).isEmpty();
		}
		finally {
			Echo.release.countDown();
		}
	}

}
