package dev.procreg.process;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(RuntimeExtension.class)
class LinkTests {

	private final ProcessRuntime runtime;

	sealed interface Order permits Crash, Finish {
	}

	LinkTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	record Crash(String why) implements Order {
	}

	record Finish() implements Order {
	}

	/** A process that crashes or finishes when told. */
	private Pid worker() {
		return this.runtime.spawn((ctx) -> {
			switch ((Order) ctx.receive()) {
				case Crash(String why) -> throw new IllegalStateException(why);
				case Finish() -> {
				}
			}
		});
	}

	/** A process linked to {@code other}, that waits for ever and reports a trapped exit. */
	private Pid linkedTo(Pid other, boolean trap, CompletableFuture<Exit> trapped, CountDownLatch linked) {
		return this.runtime.spawn((ctx) -> {
			ctx.trapExits(trap);
			ctx.link(other);
			linked.countDown();
			trapped.complete(ctx.receive(Exit.class, Await.LONG).orElseThrow());
			ctx.receive();
		});
	}

	private ExitReason exitReasonOf(Pid pid) {
		return ((LocalProcess) pid.process).exitReason();
	}

	@Test
	void aCrashPropagatesToLinkedProcessesWithTheSameReason() {
		Pid worker = worker();
		CountDownLatch linked = new CountDownLatch(1);
		Pid partner = linkedTo(worker, false, new CompletableFuture<>(), linked);
		Await.latch(linked);
		this.runtime.send(worker, new Crash("db down"));
		await().until(() -> !this.runtime.isAlive(partner));
		assertThat(exitReasonOf(partner)).isInstanceOfSatisfying(ExitReason.Crash.class,
				(crash) -> assertThat(crash.error()).hasMessage("db down"));
		assertThat(exitReasonOf(partner)).isEqualTo(exitReasonOf(worker));
	}

	@Test
	void linksAreBidirectional() {
		Pid worker = this.runtime.spawn((ctx) -> ctx.receive());
		CountDownLatch linked = new CountDownLatch(1);
		Pid partner = this.runtime.spawn((ctx) -> {
			ctx.link(worker);
			linked.countDown();
			if (ctx.receive() instanceof Crash(String why)) {
				throw new IllegalStateException(why);
			}
		});
		Await.latch(linked);
		assertThat(this.runtime.processInfo(worker).orElseThrow().links()).containsExactly(partner);
		this.runtime.send(partner, new Crash("partner fails"));
		await().until(() -> !this.runtime.isAlive(worker));
		assertThat(exitReasonOf(worker)).isInstanceOf(ExitReason.Crash.class);
	}

	@Test
	void aNormalExitDoesNotTakeLinkedProcessesDown() {
		Pid worker = worker();
		CountDownLatch linked = new CountDownLatch(1);
		CompletableFuture<Object> later = new CompletableFuture<>();
		Pid partner = this.runtime.spawn((ctx) -> {
			ctx.link(worker);
			linked.countDown();
			later.complete(ctx.receive());
		});
		Await.latch(linked);
		this.runtime.send(worker, new Finish());
		await().until(() -> !this.runtime.isAlive(worker));
		assertThat(this.runtime.isAlive(partner)).isTrue();
		assertThat(this.runtime.processInfo(partner).orElseThrow().links()).isEmpty();
		this.runtime.send(partner, "still alive");
		assertThat(Await.result(later)).isEqualTo("still alive");
	}

	@Test
	void aTrappingProcessReceivesExitMessagesAndLives() {
		Pid worker = worker();
		CountDownLatch linked = new CountDownLatch(1);
		CompletableFuture<Exit> trapped = new CompletableFuture<>();
		Pid partner = linkedTo(worker, true, trapped, linked);
		Await.latch(linked);
		this.runtime.send(worker, new Crash("trapped crash"));
		Exit exit = Await.result(trapped);
		assertThat(exit.from()).isEqualTo(worker);
		assertThat(exit.reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
				(crash) -> assertThat(crash.error()).hasMessage("trapped crash"));
		assertThat(this.runtime.isAlive(partner)).isTrue();
	}

	@Test
	void aTrappingProcessAlsoSeesNormalExitsOfLinkedProcesses() {
		Pid worker = worker();
		CountDownLatch linked = new CountDownLatch(1);
		CompletableFuture<Exit> trapped = new CompletableFuture<>();
		linkedTo(worker, true, trapped, linked);
		Await.latch(linked);
		this.runtime.send(worker, new Finish());
		assertThat(Await.result(trapped)).isEqualTo(new Exit(worker, ExitReason.NORMAL));
	}

	@Test
	void exitSignalsSentWithExitArriveAsMessagesWhenTrapped() {
		CountDownLatch linked = new CountDownLatch(1);
		CompletableFuture<Exit> trapped = new CompletableFuture<>();
		Pid target = this.runtime.spawn((ctx) -> {
			ctx.trapExits(true);
			linked.countDown();
			trapped.complete(ctx.receive(Exit.class, Await.LONG).orElseThrow());
			ctx.receive();
		});
		Await.latch(linked);
		this.runtime.exit(target, ExitReason.SHUTDOWN);
		assertThat(Await.result(trapped)).isEqualTo(new Exit(null, ExitReason.SHUTDOWN));
		assertThat(this.runtime.isAlive(target)).isTrue();
	}

	@Test
	void killCannotBeTrapped() {
		CountDownLatch trapping = new CountDownLatch(1);
		Pid target = this.runtime.spawn((ctx) -> {
			ctx.trapExits(true);
			trapping.countDown();
			while (true) {
				ctx.receive();
			}
		});
		Await.latch(trapping);
		this.runtime.exit(target, ExitReason.KILL);
		assertThat(this.runtime.isAlive(target)).isFalse();
		assertThat(exitReasonOf(target)).isEqualTo(ExitReason.KILLED);
	}

	@Test
	void linkedProcessesSeeKilledNotKill() {
		Pid target = this.runtime.spawn((ctx) -> ctx.receive());
		CountDownLatch linked = new CountDownLatch(2);
		CompletableFuture<Exit> trapped = new CompletableFuture<>();
		Pid trapping = linkedTo(target, true, trapped, linked);
		Pid plain = linkedTo(target, false, new CompletableFuture<>(), linked);
		Await.latch(linked);
		this.runtime.exit(target, ExitReason.KILL);
		assertThat(Await.result(trapped)).isEqualTo(new Exit(target, ExitReason.KILLED));
		assertThat(this.runtime.isAlive(trapping)).as("killed from a link is trappable").isTrue();
		assertThat(this.runtime.isAlive(plain)).isFalse();
		assertThat(exitReasonOf(plain)).isEqualTo(ExitReason.KILLED);
	}

	@Test
	void unlinkStopsPropagation() {
		Pid worker = worker();
		CountDownLatch unlinked = new CountDownLatch(1);
		CompletableFuture<Object> later = new CompletableFuture<>();
		Pid partner = this.runtime.spawn((ctx) -> {
			ctx.link(worker);
			ctx.unlink(worker);
			unlinked.countDown();
			later.complete(ctx.receive());
		});
		Await.latch(unlinked);
		assertThat(this.runtime.processInfo(worker).orElseThrow().links()).isEmpty();
		this.runtime.send(worker, new Crash("alone"));
		await().until(() -> !this.runtime.isAlive(worker));
		this.runtime.send(partner, "unharmed");
		assertThat(Await.result(later)).isEqualTo("unharmed");
	}

	@Test
	void linkingToADeadProcessDeliversNoprocToATrappingProcess() {
		Pid dead = this.runtime.spawn((ctx) -> {
		});
		await().until(() -> !this.runtime.isAlive(dead));
		CompletableFuture<Exit> trapped = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			ctx.trapExits(true);
			ctx.link(dead);
			ctx.link(Pid.of("local", Long.MAX_VALUE - 1));
			trapped.complete(ctx.receive(Exit.class, Await.LONG).orElseThrow());
		});
		assertThat(Await.result(trapped)).isEqualTo(new Exit(dead, ExitReason.NOPROC));
	}

	@Test
	void spawnLinkTiesTheChildToItsParent() {
		CompletableFuture<Pid> child = new CompletableFuture<>();
		Pid parent = this.runtime.spawn((ctx) -> {
			child.complete(ctx.runtime().spawnLink((c) -> c.receive()));
			if (ctx.receive() instanceof Crash(String why)) {
				throw new IllegalStateException(why);
			}
		});
		Pid childPid = Await.result(child);
		assertThat(this.runtime.processInfo(childPid).orElseThrow().parent()).isEqualTo(parent);
		this.runtime.send(parent, new Crash("parent fails"));
		await().until(() -> !this.runtime.isAlive(childPid));
		assertThat(exitReasonOf(childPid)).isInstanceOf(ExitReason.Crash.class);
	}

	@Test
	void exitPropagatesAlongAChain() {
		Pid head = this.runtime.spawn((ctx) -> ctx.receive());
		Pid previous = head;
		java.util.List<Pid> chain = new java.util.ArrayList<>();
		for (int i = 0; i < 20; i++) {
			Pid link = previous;
			CountDownLatch linked = new CountDownLatch(1);
			previous = this.runtime.spawn((ctx) -> {
				ctx.link(link);
				linked.countDown();
				ctx.receive();
			});
			Await.latch(linked);
			chain.add(previous);
		}
		this.runtime.exit(head, ExitReason.of("cascade"));
		await().until(() -> chain.stream().noneMatch(this.runtime::isAlive));
		assertThat(chain).allSatisfy((pid) -> assertThat(exitReasonOf(pid)).isEqualTo(ExitReason.of("cascade")));
	}

}
