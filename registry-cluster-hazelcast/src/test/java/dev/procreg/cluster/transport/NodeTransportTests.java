package dev.procreg.cluster.transport;

import java.io.DataInputStream;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.procreg.process.ExitReason;
import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;
import dev.procreg.process.Signal;

import static dev.procreg.cluster.transport.TransportFixture.PATIENCE;
import static dev.procreg.cluster.transport.TransportFixture.connect;
import static dev.procreg.cluster.transport.TransportFixture.options;
import static dev.procreg.cluster.transport.TransportFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class NodeTransportTests {

	private final TransportFixture nodes = new TransportFixture();

	@AfterEach
	void close() {
		this.nodes.close();
	}

	@Test
	void handshakeConnectsBothNodesAndSignalsArriveOnATransportThread() {
		RecordingLink aLink = new RecordingLink("a");
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport a = this.nodes.start(aLink);
		NodeTransport b = this.nodes.start(bLink);
		assertThat(a.boundAddress().getPort()).isPositive();

		assertThat(connect(a, b)).isEqualTo(b.node());
		await().atMost(PATIENCE).until(() -> bLink.ups.size() == 1);
		assertThat(aLink.ups).containsExactly(b.node());
		assertThat(bLink.ups).containsExactly(a.node());

		Pid target = Pid.of(b.node(), 7);
		assertThat(a.send(b.node(), new Signal.ExitSignal(null, target, ExitReason.NORMAL, true))).isTrue();
		assertThat(b.send(a.node(), send(a, "hello"))).isTrue();
		await().atMost(PATIENCE).until(() -> bLink.received.size() == 1 && aLink.received.size() == 1);

		RecordingLink.Received exit = bLink.received.peek();
		assertThat(exit.from()).isEqualTo(a.node());
		assertThat(exit.thread()).startsWith("procreg-transport");
		Signal.ExitSignal signal = (Signal.ExitSignal) exit.signal();
		assertThat(signal.to()).isEqualTo(target);
		assertThat(signal.reason()).isSameAs(ExitReason.NORMAL);
		assertThat(aLink.messages()).containsExactly("hello");

		assertThat(a.connections()).singleElement().satisfies((stats) -> {
			assertThat(stats.peer()).isEqualTo(b.node());
			assertThat(stats.state()).isEqualTo(ConnectionState.UP);
			assertThat(stats.dialed()).isTrue();
			assertThat(stats.tls()).isFalse();
			assertThat(stats.signalsSent()).isEqualTo(1);
			assertThat(stats.signalsReceived()).isEqualTo(1);
			assertThat(stats.bytesSent()).isPositive();
		});
		assertThat(b.connections()).singleElement().satisfies((stats) -> assertThat(stats.dialed()).isFalse());
	}

	@Test
	void sendToAnUnconnectedNodeOrAnotherIncarnationReturnsFalse() {
		RecordingLink aLink = new RecordingLink("a");
		NodeTransport a = this.nodes.start(aLink);
		NodeTransport b = this.nodes.start(new RecordingLink("b"));
		NodeId nobody = NodeId.newIncarnation("nobody");
		assertThat(a.send(nobody, new Signal.SendNamed("x", "lost"))).isFalse();
		connect(a, b);
		NodeId oldB = new NodeId("b", b.node().incarnation() + 1);
		assertThat(a.send(oldB, new Signal.SendNamed("x", "lost"))).isFalse();
		assertThat(a.send(b.node(), new Signal.SendNamed("x", "kept"))).isTrue();
	}

	@Test
	void keepsPerSenderOrderOfAHundredThousandSignalsFromEightThreads() throws Exception {
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport a = this.nodes.start(new RecordingLink("a"));
		NodeTransport b = this.nodes.start(bLink);
		connect(a, b);
		int senders = 8;
		int each = 12_500;
		CountDownLatch go = new CountDownLatch(1);
		List<CompletableFuture<Void>> done = new ArrayList<>();
		for (int s = 0; s < senders; s++) {
			long sender = s;
			CompletableFuture<Void> finished = new CompletableFuture<>();
			done.add(finished);
			Thread.ofPlatform().start(() -> {
				try {
					go.await();
					for (long i = 0; i < each; i++) {
						if (!a.send(b.node(), send(b, (sender << 32) | i))) {
							throw new AssertionError("send refused at " + i);
						}
					}
					finished.complete(null);
				}
				catch (Throwable ex) {
					finished.completeExceptionally(ex);
				}
			});
		}
		go.countDown();
		CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(120)).until(() -> bLink.received.size() >= senders * each);

		Map<Long, Long> next = new HashMap<>();
		for (Object message : bLink.messages()) {
			long value = (Long) message;
			long sender = value >>> 32;
			long seq = value & 0xFFFF_FFFFL;
			long expected = next.getOrDefault(sender, 0L);
			assertThat(seq).as("sender %d", sender).isEqualTo(expected);
			next.put(sender, expected + 1);
		}
		assertThat(next).hasSize(senders).allSatisfy((sender, count) -> assertThat(count).isEqualTo(each));
		assertThat(bLink.received).hasSize(senders * each);
		assertThat(a.connections()).singleElement()
			.satisfies((stats) -> assertThat(stats.signalsSent()).isEqualTo(senders * each));
	}

	@Test
	void aSignalOverTheFrameLimitFailsItsSendAndTheConnectionStaysUp() {
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport a = this.nodes.start(new RecordingLink("a"), options().withMaxFrameSize(2048));
		NodeTransport b = this.nodes.start(bLink);
		connect(a, b);

		assertThatExceptionOfType(FrameTooLargeException.class)
			.isThrownBy(() -> a.send(b.node(), send(b, "x".repeat(10_000))))
			.withMessageContaining("2048 bytes")
			.withMessageContaining("Send")
			.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(2048));
		assertThat(a.send(b.node(), send(b, "small"))).isTrue();
		await().atMost(PATIENCE).until(() -> bLink.received.size() == 1);
		assertThat(bLink.messages()).containsExactly("small");
		assertThat(a.connections()).singleElement()
			.satisfies((stats) -> assertThat(stats.state()).isEqualTo(ConnectionState.UP));
	}

	@Test
	void aSignalThatCannotBeEncodedFailsItsSendAndTheConnectionStaysUp() {
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport a = this.nodes.start(new RecordingLink("a"));
		NodeTransport b = this.nodes.start(bLink);
		connect(a, b);
		assertThatExceptionOfType(SignalEncodingException.class)
			.isThrownBy(() -> a.send(b.node(), send(b, new Object())))
			.withMessageContaining("java.lang.Object");
		assertThat(a.send(b.node(), send(b, "after"))).isTrue();
		await().atMost(PATIENCE).until(() -> bLink.received.size() == 1);
	}

	@Test
	void aFrameOverTheReceiversLimitClosesTheConnectionAndBothNodesGoDownOnce() {
		RecordingLink aLink = new RecordingLink("a");
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport a = this.nodes.start(aLink, options().withMaxFrameSize(64 * 1024));
		NodeTransport b = this.nodes.start(bLink, options().withMaxFrameSize(4096));
		connect(a, b);
		try (LogCapture log = new LogCapture(Connection.class)) {
			assertThat(a.send(b.node(), send(b, "x".repeat(10_000)))).isTrue();
			await().atMost(PATIENCE).until(() -> aLink.downs.size() == 1 && bLink.downs.size() == 1);
			assertThat(log.messages()).anyMatch((line) -> line.contains("over the limit of 4096 bytes"));
		}
		assertThat(a.send(b.node(), send(b, "later"))).isFalse();
		assertThat(bLink.received).isEmpty();
		await().atMost(PATIENCE).until(() -> a.connections().isEmpty() && b.connections().isEmpty());
		assertThat(aLink.downs).containsExactly(b.node());
		assertThat(bLink.downs).containsExactly(a.node());
	}

	@Test
	void aClassOutsideTheAllowListIsDroppedAndCountedAndLaterSignalsArrive() {
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport a = this.nodes.start(new RecordingLink("a"));
		NodeTransport b = this.nodes.start(bLink);
		connect(a, b);
		assertThat(a.send(b.node(), send(b, new TestMessage("refused")))).isTrue();
		assertThat(a.send(b.node(), send(b, "after"))).isTrue();
		await().atMost(PATIENCE).until(() -> bLink.received.size() == 1);
		assertThat(bLink.messages()).containsExactly("after");
		assertThat(b.codec().rejections().count()).isEqualTo(1);
		assertThat(b.codec().rejections().recentClasses()).containsExactly(TestMessage.class.getName());
		assertThat(b.connections()).singleElement().satisfies((stats) -> {
			assertThat(stats.state()).isEqualTo(ConnectionState.UP);
			assertThat(stats.signalsDropped()).isEqualTo(1);
			assertThat(stats.signalsReceived()).isEqualTo(1);
		});
	}

	@Test
	void aConfiguredPackageIsAccepted() {
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport a = this.nodes.start(new RecordingLink("a"));
		NodeTransport b = this.nodes.start(bLink,
				options().withAllowedPackages(List.of(TestMessage.class.getPackageName())));
		connect(a, b);
		assertThat(a.send(b.node(), send(b, new TestMessage("welcome")))).isTrue();
		await().atMost(PATIENCE).until(() -> bLink.received.size() == 1);
		assertThat(bLink.messages()).containsExactly(new TestMessage("welcome"));
	}

	@Test
	void aConnectionKilledMidStreamGoesDownOnceAndWhatArrivedIsAPrefix() throws Exception {
		RecordingLink aLink = new RecordingLink("a");
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport a = this.nodes.start(aLink);
		NodeTransport b = this.nodes.start(bLink);
		connect(a, b);
		AtomicLong sent = new AtomicLong();
		CompletableFuture<Long> refusedAt = new CompletableFuture<>();
		Thread sender = Thread.ofPlatform().start(() -> {
			for (long i = 0;; i++) {
				if (!a.send(b.node(), send(b, i))) {
					refusedAt.complete(i);
					return;
				}
				sent.set(i + 1);
			}
		});
		await().atMost(PATIENCE).until(() -> bLink.received.size() >= 2000);
		b.close();
		long refused = refusedAt.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		sender.join();
		await().atMost(PATIENCE).until(() -> aLink.downs.size() == 1);
		assertThat(a.send(b.node(), send(b, -1L))).isFalse();
		assertThat(a.connections()).isEmpty();
		assertThat(aLink.downs).containsExactly(b.node());
		assertThat(bLink.downs).containsExactly(a.node());

		List<Object> arrived = bLink.messages();
		assertThat(arrived.size()).isGreaterThanOrEqualTo(2000).isLessThanOrEqualTo((int) refused);
		for (int i = 0; i < arrived.size(); i++) {
			assertThat(arrived.get(i)).isEqualTo((long) i);
		}
	}

	@Test
	void disconnectRefusesSendsThenReportsTheNodeDownOnce() {
		RecordingLink aLink = new RecordingLink("a");
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport a = this.nodes.start(aLink);
		NodeTransport b = this.nodes.start(bLink);
		connect(a, b);
		a.disconnect(b.node());
		assertThat(a.send(b.node(), send(b, "refused"))).isFalse();
		await().atMost(PATIENCE).until(() -> aLink.downs.size() == 1 && bLink.downs.size() == 1);
		a.disconnect(b.node());
		assertThat(aLink.events).containsExactly("up " + b.node(), "down " + b.node());
		assertThat(bLink.events).containsExactly("up " + a.node(), "down " + a.node());
	}

	@Test
	void aPeerOfAnotherClusterIsRefusedNamingTheDifference() {
		RecordingLink aLink = new RecordingLink("a");
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport a = this.nodes.start(aLink, TransportOptions.defaults("one"));
		NodeTransport b = this.nodes.start(bLink, TransportOptions.defaults("two"));
		try (LogCapture log = new LogCapture(NodeTransport.class)) {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> a.connect(b.node(), b.boundAddress()).get(30, TimeUnit.SECONDS))
				.withCauseInstanceOf(ConnectException.class)
				.withMessageContaining("cluster name 'one' differs from this node's 'two'");
			assertThat(log.messages())
				.anyMatch((line) -> line.startsWith("Refused the connection from")
						&& line.contains("cluster name 'one' differs from this node's 'two'"));
		}
		await().atMost(PATIENCE).until(() -> a.connections().isEmpty() && b.connections().isEmpty());
		assertThat(aLink.ups).isEmpty();
		assertThat(bLink.ups).isEmpty();
		assertThat(a.send(b.node(), send(b, "x"))).isFalse();
	}

	@Test
	void aPeerSpeakingAnotherProtocolVersionIsRefused() throws Exception {
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport b = this.nodes.start(bLink);
		Frames.Hello future = new Frames.Hello(Frames.MAGIC, 99, "test", NodeId.newIncarnation("a"));
		try (LogCapture log = new LogCapture(NodeTransport.class);
				Socket socket = new Socket(b.boundAddress().getAddress(), b.boundAddress().getPort())) {
			ByteBuf hello = future.frame(Frames.HELLO);
			byte[] bytes = new byte[hello.readableBytes()];
			hello.readBytes(bytes);
			socket.getOutputStream().write(bytes);
			DataInputStream in = new DataInputStream(socket.getInputStream());
			int length = in.readInt();
			assertThat(in.readByte()).isEqualTo(Frames.REFUSE);
			assertThat(in.readByte()).isEqualTo(Frames.REFUSED_MISMATCH);
			byte[] reason = new byte[in.readUnsignedShort()];
			in.readFully(reason);
			assertThat(length).isEqualTo(1 + 1 + 2 + reason.length);
			assertThat(new String(reason, StandardCharsets.UTF_8))
				.isEqualTo("protocol version 99 differs from this node's " + Frames.PROTOCOL_VERSION);
			assertThat(in.read()).as("closed after the refusal").isEqualTo(-1);
			assertThat(log.messages()).anyMatch((line) -> line.contains("protocol version 99 differs"));
		}
		assertThat(bLink.ups).isEmpty();
	}

	@Test
	void aGiantFrameBeforeTheHandshakeIsRefusedAsSoonAsItsLengthIsRead() throws Exception {
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport b = this.nodes.start(bLink);
		// lengths a node takes once the peer is known (8 MiB by default), and one no node takes
		for (int length : new int[] { Frames.HANDSHAKE_FRAME_LIMIT + 1, options().maxFrameSize(), Integer.MAX_VALUE }) {
			try (LogCapture log = new LogCapture(Connection.class);
					Socket socket = new Socket(b.boundAddress().getAddress(), b.boundAddress().getPort())) {
				// only the length: the node must not wait for (and keep) the frame's bytes
				new java.io.DataOutputStream(socket.getOutputStream()).writeInt(length);
				socket.setSoTimeout((int) PATIENCE.toMillis());
				assertThat(socket.getInputStream().read()).as("closed at once, frame of %d bytes", length).isEqualTo(-1);
				assertThat(log.messages()).anyMatch((line) -> line.contains("a frame of " + length
						+ " bytes before the handshake, over its limit of " + Frames.HANDSHAKE_FRAME_LIMIT + " bytes"));
			}
		}
		assertThat(bLink.ups).isEmpty();
		await().atMost(PATIENCE).until(() -> b.connections().isEmpty());
	}

	@Test
	void aDialerRefusesAGiantFrameBeforeTheWelcome() throws Exception {
		NodeTransport a = this.nodes.start(new RecordingLink("a"));
		try (java.net.ServerSocket impostor = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			CompletableFuture<NodeId> dial = a.connect(NodeId.newIncarnation("b"),
					new InetSocketAddress(impostor.getInetAddress(), impostor.getLocalPort()));
			try (Socket accepted = impostor.accept()) {
				new java.io.DataOutputStream(accepted.getOutputStream()).writeInt(64 * 1024 * 1024);
				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> dial.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
					.withMessageContaining("before the handshake, over its limit of " + Frames.HANDSHAKE_FRAME_LIMIT);
			}
		}
		assertThat(a.connections()).isEmpty();
	}

	@Test
	void onceThePeerIsKnownFramesUpToTheConfiguredLimitArrive() {
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport a = this.nodes.start(new RecordingLink("a"));
		NodeTransport b = this.nodes.start(bLink);
		connect(a, b);
		String large = "x".repeat(200_000);
		assertThat(a.send(b.node(), send(b, large))).isTrue();
		assertThat(b.send(a.node(), send(a, large))).isTrue();
		await().atMost(PATIENCE).until(() -> bLink.received.size() == 1);
		assertThat(bLink.messages()).containsExactly(large);
	}

	@Test
	void aStrangerOnThePortIsRefused() throws Exception {
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport b = this.nodes.start(bLink);
		try (Socket socket = new Socket(b.boundAddress().getAddress(), b.boundAddress().getPort())) {
			socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			assertThat(in.readAllBytes()).as("closed without a handshake").isNotNull();
		}
		assertThat(bLink.ups).isEmpty();
		await().atMost(PATIENCE).until(() -> b.connections().isEmpty());
	}

	@Test
	void bothNodesDialingAtOnceKeepOneConnection() throws Exception {
		for (int round = 0; round < 10; round++) {
			try (TransportFixture pair = new TransportFixture()) {
				RecordingLink aLink = new RecordingLink("a");
				RecordingLink bLink = new RecordingLink("b");
				NodeTransport a = pair.start(aLink);
				NodeTransport b = pair.start(bLink);
				CountDownLatch go = new CountDownLatch(1);
				CompletableFuture<CompletableFuture<NodeId>> fromA = CompletableFuture.supplyAsync(() -> {
					awaitLatch(go);
					return a.connect(b.node(), b.boundAddress());
				});
				CompletableFuture<CompletableFuture<NodeId>> fromB = CompletableFuture.supplyAsync(() -> {
					awaitLatch(go);
					return b.connect(a.node(), a.boundAddress());
				});
				go.countDown();
				assertThat(fromA.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS)).isEqualTo(b.node());
				assertThat(fromB.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS)).isEqualTo(a.node());
				await().atMost(PATIENCE).until(() -> a.connections().size() == 1 && b.connections().size() == 1);
				assertThat(a.connections().get(0).dialed()).isNotEqualTo(b.connections().get(0).dialed());
				NodeId smaller = (a.node().name().compareTo(b.node().name()) < 0) ? a.node() : b.node();
				NodeTransport keeper = smaller.equals(a.node()) ? a : b;
				assertThat(keeper.connections().get(0).dialed()).as("the smaller node's dial is kept").isTrue();
				assertThat(aLink.events).containsExactly("up " + b.node());
				assertThat(bLink.events).containsExactly("up " + a.node());
				assertThat(a.send(b.node(), send(b, "ab"))).isTrue();
				assertThat(b.send(a.node(), send(a, "ba"))).isTrue();
				await().atMost(PATIENCE).until(() -> aLink.received.size() == 1 && bLink.received.size() == 1);
			}
		}
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void aNewIncarnationReplacesTheOldConnectionAfterItsNodeDown() {
		RecordingLink aLink = new RecordingLink("a");
		NodeTransport a = this.nodes.start(aLink);
		NodeTransport oldB = this.nodes.start(new RecordingLink("b"));
		connect(oldB, a);
		RecordingLink newBLink = new RecordingLink("b");
		NodeTransport newB = this.nodes.start(newBLink);
		connect(newB, a);
		await().atMost(PATIENCE).until(() -> aLink.events.size() == 3);
		assertThat(aLink.events).containsExactly("up " + oldB.node(), "down " + oldB.node(), "up " + newB.node());
		assertThat(a.send(oldB.node(), send(oldB, "old"))).isFalse();
		assertThat(a.send(newB.node(), send(newB, "new"))).isTrue();
		await().atMost(PATIENCE).until(() -> newBLink.received.size() == 1);

		// and the other way: the membership tells this node of a newer incarnation first
		RecordingLink newestBLink = new RecordingLink("b");
		NodeTransport newestB = this.nodes.start(newestBLink);
		connect(a, newestB);
		await().atMost(PATIENCE).until(() -> aLink.events.size() == 5);
		assertThat(aLink.events.subList(3, 5)).containsExactly("down " + newB.node(), "up " + newestB.node());

		// now the membership knows b as newestB: the older incarnations, still running, are refused
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> newB.connect(a.node(), a.boundAddress()).get(30, TimeUnit.SECONDS))
			.withMessageContaining("not the incarnation this node's membership knows, " + newestB.node());
		assertThat(aLink.events).hasSize(5);
	}

	@Test
	void aNodeTheMembershipDroppedCannotDialBackUntilTheMembershipConnectsToIt() throws Exception {
		RecordingLink aLink = new RecordingLink("a");
		NodeTransport a = this.nodes.start(aLink);
		NodeTransport b = this.nodes.start(new RecordingLink("b"));
		connect(a, b);
		a.disconnect(b.node());
		await().atMost(PATIENCE).until(() -> aLink.downs.size() == 1);
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> b.connect(a.node(), a.boundAddress()).get(30, TimeUnit.SECONDS))
			.withMessageContaining("has left the cluster");
		assertThat(connect(a, b)).as("the membership took it back (a healed split)").isEqualTo(b.node());
		assertThat(aLink.events).containsExactly("up " + b.node(), "down " + b.node(), "up " + b.node());
	}

	@Test
	void measuresRoundTripsOnDemand() throws Exception {
		NodeTransport a = this.nodes.start(new RecordingLink("a"), options().withPingInterval(Duration.ZERO));
		NodeTransport b = this.nodes.start(new RecordingLink("b"));
		connect(a, b);
		assertThat(a.connections().get(0).roundTrip()).isNull();
		Duration roundTrip = a.measureRoundTrip(b.node()).get(30, TimeUnit.SECONDS);
		assertThat(roundTrip).isPositive();
		assertThat(a.connections().get(0).roundTrip()).isEqualTo(roundTrip);
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> a.measureRoundTrip(NodeId.newIncarnation("c")).get(30, TimeUnit.SECONDS));
	}

	@Test
	void pingsEveryInterval() {
		NodeTransport a = this.nodes.start(new RecordingLink("a"), options().withPingInterval(Duration.ofMillis(50)));
		NodeTransport b = this.nodes.start(new RecordingLink("b"));
		connect(a, b);
		await().atMost(PATIENCE).until(() -> a.connections().get(0).roundTrip() != null);
	}

	@Test
	void connectingToNothingFails() throws Exception {
		NodeTransport a = this.nodes.start(new RecordingLink("a"));
		NodeTransport b = this.nodes.start(new RecordingLink("b"));
		InetSocketAddress gone = b.boundAddress();
		NodeId bNode = b.node();
		b.close();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> a.connect(bNode, gone).get(30, TimeUnit.SECONDS))
			.withCauseInstanceOf(ConnectException.class)
			.withMessageContaining("cannot connect to node " + bNode);
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> a.connect(NodeId.newIncarnation("a"), gone))
			.withMessageContaining("this node's own name");
	}

	@Test
	void closeReportsEveryConnectedNodeDown() {
		RecordingLink aLink = new RecordingLink("a");
		NodeTransport a = this.nodes.start(aLink);
		NodeTransport b = this.nodes.start(new RecordingLink("b"));
		NodeTransport c = this.nodes.start(new RecordingLink("c"));
		connect(a, b);
		connect(c, a);
		await().atMost(PATIENCE).until(() -> aLink.ups.size() == 2);
		a.close();
		assertThat(aLink.downs).containsExactlyInAnyOrder(b.node(), c.node());
		assertThat(a.send(b.node(), send(b, "x"))).isFalse();
		AtomicBoolean refused = new AtomicBoolean();
		a.connect(b.node(), b.boundAddress()).whenComplete((node, failure) -> refused.set(failure != null));
		assertThat(refused).isTrue();
	}

}
