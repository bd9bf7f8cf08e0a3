package dev.procreg.cluster.transport;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.procreg.cluster.transport.TransportFixture.PATIENCE;
import static dev.procreg.cluster.transport.TransportFixture.connect;
import static dev.procreg.cluster.transport.TransportFixture.options;
import static dev.procreg.cluster.transport.TransportFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer that stops reading: its socket buffers fill, then the sender's queue reaches the high
 * water mark and senders block, as Erlang's busy distribution port suspends them.
 */
class BackPressureTests {

	private static final int LOW = 16 * 1024;

	private static final int HIGH = 64 * 1024;

	private final TransportFixture nodes = new TransportFixture();

	private final RecordingLink aLink = new RecordingLink("a");

	private final RecordingLink bLink = new RecordingLink("b");

	private final NodeTransport a = this.nodes.start(this.aLink, options().withWriteBufferWaterMarks(LOW, HIGH));

	private final NodeTransport b = this.nodes.start(this.bLink);

	private final AtomicLong sent = new AtomicLong();

	private final AtomicBoolean stop = new AtomicBoolean();

	private final CompletableFuture<Boolean> lastSend = new CompletableFuture<>();

	@AfterEach
	void close() {
		this.stop.set(true);
		this.nodes.close();
	}

	@Test
	void aSenderBlocksAtTheWaterMarkAndResumesWhenThePeerReadsAgain() throws Exception {
		connect(this.a, this.b);
		stopReading();
		Thread sender = startSending();
		awaitBlocked(sender);
		long atBlock = this.sent.get();

		readAgain();
		await().atMost(PATIENCE).until(() -> this.sent.get() > atBlock + 1000);
		this.stop.set(true);
		assertThat(this.lastSend.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		await().atMost(PATIENCE).until(() -> this.bLink.received.size() == this.sent.get());
		List<Object> arrived = this.bLink.messages();
		for (int i = 0; i < arrived.size(); i++) {
			assertThat(((Object[]) arrived.get(i))[0]).isEqualTo((long) i);
		}
	}

	@Test
	void aBlockedSenderIsReleasedWithFalseWhenTheConnectionCloses() throws Exception {
		connect(this.a, this.b);
		stopReading();
		Thread sender = startSending();
		awaitBlocked(sender);

		this.b.close();
		assertThat(this.lastSend.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isFalse();
		await().atMost(PATIENCE).until(() -> this.aLink.downs.size() == 1);
	}

	@Test
	void aBlockedSenderIsReleasedWithFalseWhenTheMembershipDropsThePeer() throws Exception {
		connect(this.a, this.b);
		stopReading();
		Thread sender = startSending();
		awaitBlocked(sender);

		this.a.disconnect(this.b.node());
		assertThat(this.lastSend.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isFalse();
		await().atMost(PATIENCE).until(() -> this.aLink.downs.size() == 1);
	}

	@Test
	void anEventLoopThreadNeverBlocksOnACongestedConnection() throws Exception {
		connect(this.a, this.b);
		stopReading();
		Thread sender = startSending();
		awaitBlocked(sender);

		// a's runtime answering b from a's event loop, as a reply to a signal would
		CountDownLatch answered = new CountDownLatch(1);
		AtomicBoolean accepted = new AtomicBoolean();
		this.aLink.onReceive = (from, signal) -> {
			accepted.set(this.a.send(this.b.node(), send(this.b, new Object[] { -1L, "reply" })));
			answered.countDown();
		};
		long sentWhileBlocked = this.sent.get();
		assertThat(this.b.send(this.a.node(), send(this.a, "ask"))).isTrue();
		assertThat(answered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(accepted).isTrue();
		// the ordinary sender is still held: its send has not returned (it may wake to look
		// again at the connection's state for a moment, and waits again)
		assertThat(this.lastSend).isNotDone();
		assertThat(this.sent.get()).isEqualTo(sentWhileBlocked);
		awaitBlocked(sender);
		assertThat(this.sent.get()).isEqualTo(sentWhileBlocked);
	}

	private void stopReading() {
		this.b.connectionTo("a").channel().config().setAutoRead(false);
	}

	private void readAgain() {
		this.b.connectionTo("a").channel().config().setAutoRead(true);
	}

	private Thread startSending() {
		byte[] payload = new byte[1024];
		return Thread.ofPlatform().name("sender").start(() -> {
			try {
				for (long i = 0; !this.stop.get(); i++) {
					if (!this.a.send(this.b.node(), send(this.b, new Object[] { i, payload }))) {
						this.lastSend.complete(false);
						return;
					}
					this.sent.set(i + 1);
				}
				this.lastSend.complete(true);
			}
			catch (Throwable ex) {
				this.lastSend.completeExceptionally(ex);
			}
		});
	}

	private void awaitBlocked(Thread sender) {
		await().atMost(PATIENCE)
			.until(() -> sender.getState() == Thread.State.WAITING
					// Netty counts its per-write overhead too, so fewer payload bytes than the mark
					&& this.a.connections().get(0).bytesQueued() >= LOW);
		assertThat(this.lastSend).isNotDone();
	}

}
