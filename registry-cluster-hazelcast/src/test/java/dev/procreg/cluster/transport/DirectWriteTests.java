package dev.procreg.cluster.transport;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.procreg.cluster.transport.TransportFixture.PATIENCE;
import static dev.procreg.cluster.transport.TransportFixture.connect;
import static dev.procreg.cluster.transport.TransportFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A sender writes its frame to a plaintext connection's socket itself when nothing else waits
 * (see {@link Connection}): without its event loop, whole, in order, and untouched by the
 * sender's interrupt.
 */
class DirectWriteTests {

	private final TransportFixture nodes = new TransportFixture();

	private final RecordingLink aLink = new RecordingLink("a");

	private final RecordingLink bLink = new RecordingLink("b");

	private final NodeTransport a = this.nodes.start(this.aLink);

	private final NodeTransport b = this.nodes.start(this.bLink);

	@AfterEach
	void close() {
		this.nodes.close();
	}

	@Test
	void aSignalArrivesWhileTheSendersEventLoopIsBusy() throws Exception {
		connect(this.a, this.b);
		EventLoop loop = this.a.connectionTo("b").channel().eventLoop();
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch busy = new CountDownLatch(1);
		loop.execute(() -> {
			busy.countDown();
			awaitQuietly(release);
		});
		try {
			assertThat(busy.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(this.a.send(this.b.node(), send(this.b, "while the loop is busy"))).isTrue();
			await().atMost(PATIENCE).until(() -> this.bLink.messages().contains("while the loop is busy"));
			assertThat(release.getCount()).as("the loop was still busy").isEqualTo(1);
		}
		finally {
			release.countDown();
		}
		assertThat(this.a.send(this.b.node(), send(this.b, "after"))).isTrue();
		await().atMost(PATIENCE).until(() -> this.bLink.messages().size() == 2);
		assertThat(this.bLink.messages()).containsExactly("while the loop is busy", "after");
	}

	@Test
	void anInterruptedSenderKeepsItsInterruptAndTheConnectionStaysUp() throws Exception {
		connect(this.a, this.b);
		CompletableFuture<Boolean> kept = new CompletableFuture<>();
		Thread.ofPlatform().start(() -> {
			Thread.currentThread().interrupt();
			boolean sent = this.a.send(this.b.node(), send(this.b, "from an interrupted thread"));
			kept.complete(sent && Thread.currentThread().isInterrupted());
		});
		assertThat(kept.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("sent, and still interrupted").isTrue();
		await().atMost(PATIENCE).until(() -> this.bLink.messages().contains("from an interrupted thread"));
		assertThat(this.a.send(this.b.node(), send(this.b, "later"))).isTrue();
		await().atMost(PATIENCE).until(() -> this.bLink.messages().contains("later"));
		assertThat(this.aLink.downs).isEmpty();
		assertThat(this.a.connections()).singleElement()
			.satisfies((stats) -> assertThat(stats.state()).isEqualTo(ConnectionState.UP));
	}

	@Test
	void senderThreadsInterruptedOverAndOverLoseNothingAndKeepTheirOrder() throws Exception {
		connect(this.a, this.b);
		int senders = 4;
		int each = 5_000;
		AtomicBoolean done = new AtomicBoolean();
		Thread[] threads = new Thread[senders];
		CompletableFuture<?>[] finished = new CompletableFuture<?>[senders];
		for (int s = 0; s < senders; s++) {
			int sender = s;
			CompletableFuture<Void> end = new CompletableFuture<>();
			finished[s] = end;
			threads[s] = Thread.ofPlatform().name("sender-" + s).start(() -> {
				try {
					for (int i = 0; i < each; i++) {
						if (!this.a.send(this.b.node(), send(this.b, new int[] { sender, i }))) {
							throw new AssertionError("send " + i + " of sender " + sender + " refused");
						}
					}
					end.complete(null);
				}
				catch (Throwable ex) {
					end.completeExceptionally(ex);
				}
			});
		}
		Thread interrupter = Thread.ofPlatform().name("interrupter").start(() -> {
			while (!done.get()) {
				for (Thread thread : threads) {
					thread.interrupt();
				}
				Thread.onSpinWait();
			}
		});
		try {
			CompletableFuture.allOf(finished).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		}
		finally {
			done.set(true);
			interrupter.join();
		}
		await().atMost(PATIENCE).until(() -> this.bLink.received.size() == senders * each);
		int[] next = new int[senders];
		List<Object> arrived = this.bLink.messages();
		for (Object message : arrived) {
			int[] pair = (int[]) message;
			assertThat(pair[1]).as("next of sender %d", pair[0]).isEqualTo(next[pair[0]]);
			next[pair[0]]++;
		}
		assertThat(this.aLink.downs).isEmpty();
		assertThat(this.bLink.downs).isEmpty();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
