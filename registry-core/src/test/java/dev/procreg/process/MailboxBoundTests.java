package dev.procreg.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The mailbox as an operator sees it (length and drops in {@link ProcessInfo}), its optional
 * bound with the drop-newest policy, and the deadline of a selective receive.
 */
@ExtendWith(RuntimeExtension.class)
class MailboxBoundTests {

	private final ProcessRuntime runtime;

	MailboxBoundTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@Test
	void lengthCountsQueuedAndSetAsideMessages() {
		CountDownLatch go = new CountDownLatch(1);
		CountDownLatch tookOne = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(1);
		Pid pid = this.runtime.spawn((ctx) -> {
			Await.blockOn(go);
			// takes the 5th message: the four before it are set aside and still count
			ctx.receive((m) -> m.equals(5), Await.LONG).orElseThrow();
			tookOne.countDown();
			Await.blockOn(done);
		});
		for (int i = 1; i <= 10; i++) {
			this.runtime.send(pid, i);
		}
		assertThat(info(pid).mailboxLength()).isEqualTo(10);
		assertThat(this.runtime.mailboxLength(pid)).hasValue(10);
		go.countDown();
		Await.latch(tookOne);
		assertThat(info(pid).mailboxLength()).isEqualTo(9);
		done.countDown();
		await().atMost(Await.LONG).until(() -> this.runtime.mailboxLength(pid).isEmpty());
	}

	@Test
	void aFullMailboxDropsTheNewestUserMessagesAndCountsThem() {
		CountDownLatch limited = new CountDownLatch(1);
		CountDownLatch drain = new CountDownLatch(1);
		CompletableFuture<List<Object>> received = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> {
			ctx.limitMailbox(3);
			limited.countDown();
			Await.blockOn(drain);
			List<Object> all = new ArrayList<>();
			for (Optional<Object> m = ctx.receive(Duration.ZERO); m.isPresent(); m = ctx.receive(Duration.ZERO)) {
				all.add(m.get());
			}
			received.complete(all);
		});
		Await.latch(limited);
		for (int i = 1; i <= 5; i++) {
			this.runtime.send(pid, i);
		}
		ProcessInfo info = info(pid);
		assertThat(info.mailboxLength()).isEqualTo(3);
		assertThat(info.mailboxLimit()).isEqualTo(3);
		assertThat(info.droppedMessages()).isEqualTo(2);
		drain.countDown();
		assertThat(Await.result(received)).containsExactly(1, 2, 3);
	}

	@Test
	void signalsAreNeverDroppedByTheBound() {
		CountDownLatch limited = new CountDownLatch(1);
		CompletableFuture<Object> lastSeen = new CompletableFuture<>();
		CountDownLatch drain = new CountDownLatch(1);
		Pid watched = this.runtime.spawn((ctx) -> ctx.receive());
		Pid watcher = this.runtime.spawn((ctx) -> {
			ctx.limitMailbox(1);
			ctx.monitor(watched);
			limited.countDown();
			Await.blockOn(drain);
			ctx.receive();
			lastSeen.complete(ctx.receive(Down.class, Await.LONG).orElse(null));
		});
		Await.latch(limited);
		this.runtime.send(watcher, "fills the mailbox");
		this.runtime.send(watcher, "dropped");
		this.runtime.exit(watched, ExitReason.KILL);
		assertThat(info(watcher).mailboxLength()).isEqualTo(2);
		assertThat(info(watcher).droppedMessages()).isEqualTo(1);
		drain.countDown();
		assertThat(Await.result(lastSeen)).isInstanceOfSatisfying(Down.class,
				(down) -> assertThat(down.reason()).isEqualTo(ExitReason.KILLED));
	}

	@Test
	void aBoundedMailboxHoldsItsBoundUnderConcurrentSenders() throws Exception {
		int limit = 100;
		CountDownLatch limited = new CountDownLatch(1);
		CountDownLatch drain = new CountDownLatch(1);
		CompletableFuture<Integer> received = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> {
			ctx.limitMailbox(limit);
			limited.countDown();
			Await.blockOn(drain);
			int count = 0;
			while (ctx.receive(Duration.ZERO).isPresent()) {
				count++;
			}
			received.complete(count);
		});
		Await.latch(limited);
		int senders = 4;
		int each = 5_000;
		List<Thread> threads = new ArrayList<>();
		AtomicInteger maxSeen = new AtomicInteger();
		for (int s = 0; s < senders; s++) {
			threads.add(Thread.startVirtualThread(() -> {
				for (int i = 0; i < each; i++) {
					this.runtime.send(pid, i);
					if (i % 500 == 0) {
						maxSeen.accumulateAndGet(info(pid).mailboxLength(), Math::max);
					}
				}
			}));
		}
		for (Thread thread : threads) {
			thread.join();
		}
		ProcessInfo info = info(pid);
		assertThat(info.mailboxLength()).isEqualTo(limit);
		assertThat(info.droppedMessages()).isEqualTo((long) senders * each - limit);
		assertThat(maxSeen.get()).isLessThanOrEqualTo(limit);
		drain.countDown();
		assertThat(Await.result(received)).isEqualTo(limit);
	}

	@Test
	void aNegativeLimitIsRefused() {
		CompletableFuture<Throwable> failure = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			try {
				ctx.limitMailbox(-1);
				failure.complete(null);
			}
			catch (Throwable ex) {
				failure.complete(ex);
			}
		});
		assertThatIllegalArgumentException().isThrownBy(() -> {
			throw Await.result(failure);
		}).withMessageContaining("must not be negative: -1");
	}

	@Test
	void aSelectiveReceiveHonoursItsDeadlineUnderAStreamOfNonMatchingMessages() {
		// the matcher keeps the mailbox non-empty for ever: each message it rejects brings another
		CompletableFuture<Optional<Object>> result = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			ctx.send(ctx.self(), 0);
			result.complete(ctx.receive((m) -> {
				ctx.send(ctx.self(), ((Integer) m) + 1);
				return false;
			}, Duration.ofMillis(100)));
		});
		assertThat(Await.result(result)).isEmpty();
	}

	@Test
	void aSelectiveReceivePastItsDeadlineStillFindsAMatchThatHadArrived() throws Exception {
		CountDownLatch sent = new CountDownLatch(1);
		CompletableFuture<Optional<Object>> result = new CompletableFuture<>();
		Pid receiver = this.runtime.spawn((ctx) -> {
			sent.await();
			// its deadline passes as it looks at the first message; the match waits behind 1,000 others
			result.complete(ctx.receive((m) -> m.equals("match"), Duration.ofNanos(1)));
		});
		for (int i = 0; i < 1_000; i++) {
			this.runtime.send(receiver, i);
		}
		this.runtime.send(receiver, "match");
		sent.countDown();
		assertThat(Await.result(result)).contains("match");
	}

	@Test
	void aZeroTimeoutSelectiveReceiveLooksOnlyAtWhatIsWaiting() {
		CompletableFuture<Optional<Object>> result = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			ctx.send(ctx.self(), 0);
			result.complete(ctx.receive((m) -> {
				ctx.send(ctx.self(), ((Integer) m) + 1);
				return false;
			}, Duration.ZERO));
		});
		assertThat(Await.result(result)).isEmpty();
	}

	private ProcessInfo info(Pid pid) {
		return this.runtime.processInfo(pid).orElseThrow();
	}

}
