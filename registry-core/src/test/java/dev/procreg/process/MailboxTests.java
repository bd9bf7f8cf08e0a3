package dev.procreg.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

@ExtendWith(RuntimeExtension.class)
class MailboxTests {

	private final ProcessRuntime runtime;

	sealed interface Msg permits Numbered, Done, Urgent, Plain {
	}

	MailboxTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	record Numbered(String sender, int seq) implements Msg {
	}

	record Done(String sender) implements Msg {
	}

	record Urgent(int n) implements Msg {
	}

	record Plain(int n) implements Msg {
	}

	@Test
	void messagesFromOneSenderArriveInSendOrder() throws Exception {
		int senders = 6;
		int perSender = 5_000;
		CompletableFuture<Map<String, Integer>> result = new CompletableFuture<>();
		Pid receiver = this.runtime.spawn((ctx) -> {
			Map<String, Integer> next = new HashMap<>();
			int done = 0;
			while (done < senders) {
				switch ((Msg) ctx.receive()) {
					case Numbered(String sender, int seq) -> {
						int expected = next.getOrDefault(sender, 0);
						if (seq != expected) {
							result.completeExceptionally(
									new AssertionError(sender + " sent " + expected + " before " + seq));
							return;
						}
						next.put(sender, seq + 1);
					}
					case Done(String sender) -> done++;
					case Urgent u -> throw new IllegalStateException("unexpected " + u);
					case Plain p -> throw new IllegalStateException("unexpected " + p);
				}
			}
			result.complete(next);
		});
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int s = 0; s < senders; s++) {
			String name = "sender-" + s;
			if (s % 2 == 0) {
				// half the senders are processes, half are plain threads
				this.runtime.spawn((ctx) -> {
					Await.blockOn(start);
					for (int i = 0; i < perSender; i++) {
						ctx.send(receiver, new Numbered(name, i));
					}
					ctx.send(receiver, new Done(name));
				});
			}
			else {
				threads.add(Thread.ofPlatform().start(() -> {
					try {
						Await.blockOn(start);
					}
					catch (InterruptedException ex) {
						return;
					}
					for (int i = 0; i < perSender; i++) {
						this.runtime.send(receiver, new Numbered(name, i));
					}
					this.runtime.send(receiver, new Done(name));
				}));
			}
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		Map<String, Integer> counts = Await.result(result);
		assertThat(counts).hasSize(senders).allSatisfy((sender, next) -> assertThat(next).isEqualTo(perSender));
	}

	@Test
	void selectiveReceiveTakesTheOldestMatchAndLeavesTheRestInOrder() {
		CountDownLatch sent = new CountDownLatch(1);
		CompletableFuture<List<Object>> order = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> {
			Await.blockOn(sent);
			List<Object> got = new ArrayList<>();
			got.add(ctx.receive(Urgent.class, Await.LONG).orElseThrow());
			got.add(ctx.receive(Urgent.class, Await.LONG).orElseThrow());
			// nothing matches: waits out the timeout, keeps the rest
			got.add(ctx.receive((m) -> m instanceof Done, Duration.ofMillis(20)));
			for (int i = 0; i < 4; i++) {
				got.add(ctx.receive());
			}
			got.add(ctx.receive(Duration.ZERO));
			order.complete(got);
		});
		this.runtime.send(pid, new Plain(1));
		this.runtime.send(pid, new Urgent(1));
		this.runtime.send(pid, new Plain(2));
		this.runtime.send(pid, new Plain(3));
		this.runtime.send(pid, new Urgent(2));
		this.runtime.send(pid, new Plain(4));
		sent.countDown();
		assertThat(Await.result(order)).containsExactly(new Urgent(1), new Urgent(2), Optional.empty(), new Plain(1),
				new Plain(2), new Plain(3), new Plain(4), Optional.empty());
	}

	@Test
	void selectiveReceiveSeesMessagesThatArriveWhileItWaits() {
		CountDownLatch waiting = new CountDownLatch(1);
		CompletableFuture<List<Object>> order = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> {
			Await.blockOn(waiting);
			Urgent urgent = ctx.receive(Urgent.class, Await.LONG).orElseThrow();
			order.complete(List.of(urgent, ctx.receive(), ctx.receive()));
		});
		this.runtime.send(pid, new Plain(1));
		waiting.countDown();
		this.runtime.send(pid, new Plain(2));
		this.runtime.send(pid, new Urgent(7));
		assertThat(Await.result(order)).containsExactly(new Urgent(7), new Plain(1), new Plain(2));
	}

	@Test
	void receiveWithATimeoutReturnsEmptyWhenNothingComes() {
		CompletableFuture<List<Optional<?>>> results = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> results.complete(List.of(ctx.receive(Duration.ofMillis(30)),
				ctx.receive(Duration.ZERO), ctx.receive(Plain.class, Duration.ofMillis(10)))));
		assertThat(Await.result(results)).containsOnly(Optional.empty());
	}

	@Test
	void receiveZeroTakesWhatIsAlreadyThere() {
		CountDownLatch sent = new CountDownLatch(1);
		CompletableFuture<Optional<Object>> result = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> {
			Await.blockOn(sent);
			result.complete(ctx.receive(Duration.ZERO));
		});
		this.runtime.send(pid, new Plain(5));
		sent.countDown();
		assertThat(Await.result(result)).contains(new Plain(5));
	}

	@Test
	void aTimedReceiveReturnsAMessageThatComesInTime() {
		CountDownLatch waiting = new CountDownLatch(1);
		CompletableFuture<Optional<Object>> result = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> {
			waiting.countDown();
			result.complete(ctx.receive(Await.LONG));
		});
		Await.latch(waiting);
		this.runtime.send(pid, new Plain(9));
		assertThat(Await.result(result)).contains(new Plain(9));
	}

	@Test
	void sendingToADeadPidIsSilent() {
		Pid pid = this.runtime.spawn((ctx) -> {
		});
		await().until(() -> !this.runtime.isAlive(pid));
		this.runtime.send(pid, new Plain(1));
		this.runtime.send(Pid.of("local", Long.MAX_VALUE), new Plain(2));
		this.runtime.cast(pid, new Plain(3));
		assertThat(this.runtime.isAlive(pid)).isFalse();
	}

	@Test
	void sendingToAnUnknownRegisteredNameThrowsNamingIt() {
		assertThatExceptionOfType(NoProcessException.class)
			.isThrownBy(() -> this.runtime.send(Name.of("no-such-thing"), new Plain(1)))
			.withMessageContaining("no-such-thing")
			.satisfies((ex) -> assertThat(ex.name()).isEqualTo(Name.of("no-such-thing")));
	}

	@Test
	void nullMessagesAndNamesAreRefused() {
		Pid pid = this.runtime.spawn((ctx) -> ctx.receive());
		assertThatNullPointerException().isThrownBy(() -> this.runtime.send(pid, null))
			.withMessageContaining("message must not be null");
		assertThatNullPointerException().isThrownBy(() -> this.runtime.send(null, "x"))
			.withMessageContaining("name must not be null");
		assertThatNullPointerException().isThrownBy(() -> this.runtime.cast(pid, null))
			.withMessageContaining("request must not be null");
		assertThat(this.runtime.processInfo(pid).orElseThrow().mailboxLength()).isZero();
	}

	@Test
	void aNegativeReceiveTimeoutIsRefused() {
		CompletableFuture<Throwable> error = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			try {
				ctx.receive(Duration.ofMillis(-1));
				error.complete(null);
			}
			catch (RuntimeException ex) {
				error.complete(ex);
			}
		});
		assertThat(Await.result(error)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("timeout must not be negative");
	}

	@Test
	void onlyTheProcessItselfMayReceive() {
		CompletableFuture<ReceivingContext> context = new CompletableFuture<>();
		CountDownLatch done = new CountDownLatch(1);
		this.runtime.spawn((ctx) -> {
			context.complete(ctx);
			Await.blockOn(done);
		});
		ReceivingContext ctx = Await.result(context);
		assertThatIllegalStateException().isThrownBy(() -> ctx.receive(Duration.ZERO))
			.withMessageContaining("receive must be called by the process " + ctx.self() + " itself");
		done.countDown();
	}

	@Test
	void aReceivingProcessThatIsKilledUnwindsWithAnExceptionThatNamesItAndItsReason() {
		CompletableFuture<Throwable> unwound = new CompletableFuture<>();
		CountDownLatch receiving = new CountDownLatch(1);
		Pid pid = this.runtime.spawn((ctx) -> {
			try {
				receiving.countDown();
				ctx.receive();
			}
			catch (Throwable ex) {
				unwound.complete(ex);
				throw ex;
			}
		});
		Await.latch(receiving);
		this.runtime.exit(pid, ExitReason.KILL);
		Throwable thrown = Await.result(unwound);
		assertThat(thrown).isInstanceOf(ProcessExitException.class);
		ProcessExitException ex = (ProcessExitException) thrown;
		assertThat(ex.pid()).isEqualTo(pid);
		assertThat(ex.reason()).isEqualTo(ExitReason.KILLED);
		// written only when asked for, as it is here
		assertThat(ex.getMessage()).isEqualTo(pid + " exited: killed");
		assertThat(ex).hasToString(ProcessExitException.class.getName() + ": " + pid + " exited: killed");
		assertThat(ex.getStackTrace()).as("an unwinding exception captures no trace").isEmpty();
	}

	/**
	 * An interrupt that is not a kill (the body handed its thread to code that interrupts it)
	 * ends the receive with an exception that says so, leaves the interrupt set for the body, and
	 * the process alive and able to receive again; with and without a timeout, whose waits park
	 * in different frames.
	 */
	@Test
	void anInterruptThatIsNotAKillEndsAReceiveAndStaysForTheBody() {
		for (boolean timed : new boolean[] { false, true }) {
			CompletableFuture<Thread> thread = new CompletableFuture<>();
			CompletableFuture<String> seen = new CompletableFuture<>();
			CompletableFuture<Object> next = new CompletableFuture<>();
			Pid pid = this.runtime.spawn((ctx) -> {
				thread.complete(Thread.currentThread());
				try {
					seen.complete("received " + (timed ? ctx.receive(Await.LONG).orElseThrow() : ctx.receive()));
				}
				catch (ProcessException ex) {
					seen.complete(ex.getMessage() + ", interrupted " + Thread.interrupted());
				}
				next.complete(timed ? ctx.receive(Await.LONG).orElseThrow() : ctx.receive());
				ctx.receive();
			});
			Thread receiver = Await.result(thread);
			await().atMost(Await.LONG)
				.until(() -> this.runtime.processInfo(pid).orElseThrow().status() == ProcessInfo.Status.WAITING);
			receiver.interrupt();

			assertThat(Await.result(seen)).as("timed " + timed)
				.isEqualTo(pid + " was interrupted while receiving, interrupted true");
			this.runtime.send(pid, "again");
			assertThat(Await.result(next)).as("timed " + timed).isEqualTo("again");
			assertThat(this.runtime.isAlive(pid)).isTrue();
		}
	}

	// ---- a mailbox made by the first message

	@Test
	void aProcessWaitingForItsFirstMessageHasNoMailboxUntilOneIsSent() {
		CompletableFuture<Object> received = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> received.complete(ctx.receive()));
		await().atMost(Await.LONG)
			.until(() -> this.runtime.processInfo(pid).orElseThrow().status() == ProcessInfo.Status.WAITING);
		LocalProcess process = this.runtime.local(pid);
		assertThat(process.mailbox()).as("before any message").isNull();
		ProcessInfo info = this.runtime.processInfo(pid).orElseThrow();
		assertThat(info.mailboxLength()).isZero();
		assertThat(info.mailboxLimit()).isZero();
		assertThat(info.droppedMessages()).isZero();

		this.runtime.send(pid, "first");
		assertThat(Await.result(received)).isEqualTo("first");
		assertThat(process.mailbox()).as("after the first message").isNotNull();
	}

	@Test
	void liftingABoundOrRefusingANegativeOneMakesNoMailboxAndSettingOneDoes() {
		CompletableFuture<List<Boolean>> made = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> {
			LocalProcess self = LocalProcess.current();
			List<Boolean> steps = new ArrayList<>();
			ctx.limitMailbox(0);
			steps.add(self.mailbox() != null);
			try {
				ctx.limitMailbox(-1);
			}
			catch (IllegalArgumentException expected) {
				steps.add(self.mailbox() != null);
			}
			ctx.limitMailbox(2);
			steps.add(self.mailbox() != null);
			made.complete(steps);
			ctx.receive();
		});
		assertThat(Await.result(made)).containsExactly(false, false, true);
		assertThat(this.runtime.processInfo(pid).orElseThrow().mailboxLimit()).isEqualTo(2);
	}

	@Test
	void firstMessagesRacingToMakeTheMailboxAllArriveAndWakeTheReceiver() throws Exception {
		int senders = 3;
		try (ExecutorService pool = Executors.newFixedThreadPool(senders)) {
			for (int round = 0; round < 300; round++) {
				CompletableFuture<Set<Object>> received = new CompletableFuture<>();
				Pid pid = this.runtime.spawn((ctx) -> {
					Set<Object> got = ConcurrentHashMap.newKeySet();
					for (int i = 0; i < senders; i++) {
						got.add(ctx.receive());
					}
					received.complete(got);
				});
				// the senders race each other to install the mailbox; the receiver's first park falls
				// somewhere among them, a different place each round (a smoke test of the wake-up:
				// the install's own race is model-checked in MailboxLincheckTests)
				CyclicBarrier start = new CyclicBarrier(senders);
				List<Future<?>> sends = new ArrayList<>();
				for (int s = 0; s < senders; s++) {
					int message = s;
					sends.add(pool.submit(() -> {
						start.await();
						this.runtime.send(pid, message);
						return null;
					}));
				}
				for (Future<?> send : sends) {
					send.get();
				}
				assertThat(Await.result(received)).as("round " + round).containsExactlyInAnyOrder(0, 1, 2);
			}
		}
	}

	// ---- the walk a dying server's exit hook makes

	@Test
	void aWalkMeetsTheQueuedMessagesAfterTheFirstWasTaken() {
		Mailbox mailbox = new Mailbox();
		mailbox.offer("a", false);
		mailbox.offer("b", false);
		mailbox.offer("c", false);
		assertThat(mailbox.poll()).isEqualTo("a"); // unlinks the mailbox's own first stub

		List<Object> seen = new ArrayList<>();
		mailbox.forEachQueued(seen::add);
		assertThat(seen).containsExactly("b", "c");
	}

	@Test
	void aWalkWaitsForASenderThatSwungTheTailAndHasNotLinkedItsNodeYet() {
		Mailbox mailbox = new Mailbox();
		mailbox.offer("queued", false);
		Mailbox.Node late = new Mailbox.Node("late");
		MailboxLink previous = mailbox.swingTail(late, 0);
		CompletableFuture<List<Object>> walked = CompletableFuture.supplyAsync(() -> {
			List<Object> seen = new ArrayList<>();
			mailbox.forEachQueued(seen::add);
			return seen;
		});
		// the sender may already be checking its server alive: a walk that stopped here would lose its call
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !walked.isDone());

		MailboxLink.NEXT.setRelease(previous, late);
		assertThat(Await.result(walked)).containsExactly("queued", "late");
	}

	// ---- a receiver looks at the link, and decides on the tail

	@Test
	void aTimedReceiveTakesAMessageWhoseSenderSwungTheTailAndHasNotLinkedItYet() throws Exception {
		CountDownLatch swung = new CountDownLatch(1);
		CompletableFuture<Optional<Object>> received = new CompletableFuture<>();
		Pid receiver = this.runtime.spawn((ctx) -> {
			swung.await();
			received.complete(ctx.receive(Duration.ofMillis(50)));
		});
		Mailbox mailbox = this.runtime.local(receiver).mailboxToFill(); // as a sender makes it
		Mailbox.Node late = new Mailbox.Node("sent in time");
		MailboxLink previous = mailbox.swingTail(late, 0);
		swung.countDown();
		// the message is in (the tail counts it) before the deadline: the receive waits for its link
		// past the deadline instead of reporting that nothing came
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !received.isDone());

		MailboxLink.NEXT.setRelease(previous, late);
		assertThat(Await.result(received)).contains("sent in time");
	}

}
