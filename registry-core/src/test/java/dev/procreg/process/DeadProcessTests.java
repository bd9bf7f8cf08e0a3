package dev.procreg.process;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.group.ProcessGroups;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryEvent;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dead act no more: a killed process whose code swallows the kill's interrupt and goes on
 * gets a {@link ProcessExitException} (with its own exit reason, {@code killed}) from every
 * operation it attempts, and nothing observable is done in its name.
 */
@ExtendWith(RuntimeExtension.class)
class DeadProcessTests {

	private final ProcessRuntime runtime;

	DeadProcessTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@Test
	void aKilledProcessThatSwallowsTheInterruptCanDoNothingMore() {
		List<RegistryEvent<?, ?>> events = new CopyOnWriteArrayList<>();
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("dead-act").withListener(events::add));
		ProcessGroups groups = ProcessGroups.start(this.runtime);
		Pid target = this.runtime.spawn(ReceivingContext::receive);
		Pid victim = this.runtime.spawn(ReceivingContext::receive);
		Counting server = new Counting();
		Pid serverPid = ((StartResult.Started) GenServer.start(this.runtime, server, null)).pid();
		AtomicBoolean lockRan = new AtomicBoolean();

		CountDownLatch waiting = new CountDownLatch(1);
		CountDownLatch go = new CountDownLatch(1);
		CompletableFuture<Map<String, @Nullable Throwable>> outcomes = new CompletableFuture<>();
		Pid zombie = this.runtime.spawn((ctx) -> {
			waiting.countDown();
			for (;;) {
				try {
					go.await();
					break;
				}
				catch (InterruptedException swallowed) {
					// the mistake this test is about: the kill's interrupt is ignored
				}
			}
			Map<String, @Nullable Throwable> seen = new LinkedHashMap<>();
			attempt(seen, "registry.register", () -> registry.register("zombie", "value"));
			attempt(seen, "registry.lock", () -> registry.lock("key", () -> lockRan.getAndSet(true)));
			attempt(seen, "registry.putMeta", () -> registry.putMeta("owner", "zombie"));
			attempt(seen, "runtime.register", () -> this.runtime.register("zombie", ctx.self()));
			attempt(seen, "send", () -> this.runtime.send(target, "from the dead"));
			attempt(seen, "cast", () -> this.runtime.cast(serverPid, "from the dead"));
			attempt(seen, "call", () -> this.runtime.call(serverPid, "ping", Duration.ofSeconds(1)));
			attempt(seen, "exit", () -> this.runtime.exit(victim, ExitReason.KILL));
			attempt(seen, "spawn", () -> this.runtime.spawn(ReceivingContext::receive));
			attempt(seen, "spawnLink", () -> this.runtime.spawnLink(ReceivingContext::receive));
			attempt(seen, "spawnMonitor", () -> this.runtime.spawnMonitor(ReceivingContext::receive));
			attempt(seen, "GenServer.start", () -> GenServer.start(this.runtime, new Counting(), null));
			attempt(seen, "groups.join", () -> groups.join("workers", ctx.self()));
			attempt(seen, "groups.monitor", () -> groups.monitor("workers"));
			attempt(seen, "ctx.monitor", () -> ctx.monitor(target));
			attempt(seen, "ctx.link", () -> ctx.link(target));
			outcomes.complete(seen);
		});
		Await.latch(waiting);
		List<Pid> before = this.runtime.processes();

		this.runtime.exit(zombie, ExitReason.KILL);
		assertThat(this.runtime.isAlive(zombie)).isFalse();
		go.countDown();

		Map<String, @Nullable Throwable> seen = Await.result(outcomes);
		assertThat(seen).hasSize(16);
		seen.forEach((operation, thrown) -> assertThat(thrown).as(operation)
			.isInstanceOfSatisfying(ProcessExitException.class, (ex) -> {
				assertThat(ex.pid()).isEqualTo(zombie);
				assertThat(ex.reason()).isEqualTo(ExitReason.KILLED);
				assertThat(ex).hasMessageContaining("has exited");
			}));

		// nothing was done in its name
		assertThat(registry.whereis("zombie")).isEmpty();
		assertThat(registry.meta("owner")).isEmpty();
		assertThat(lockRan).isFalse();
		assertThat(this.runtime.whereis("zombie")).isEmpty();
		assertThat(this.runtime.isAlive(victim)).isTrue();
		assertThat(this.runtime.processes()).containsExactlyInAnyOrderElementsOf(
				before.stream().filter((pid) -> !pid.equals(zombie)).toList());
		assertThat(groups.members("workers")).isEmpty();
		ProcessInfo targetInfo = this.runtime.processInfo(target).orElseThrow();
		assertThat(targetInfo.mailboxLength()).isZero();
		assertThat(targetInfo.links()).isEmpty();
		assertThat(targetInfo.monitoredBy()).isEmpty();
		assertThat(server.handled).hasValue(0);
		// listeners hear of nothing the dead process did: a later registration's event comes alone
		Pid marker = this.runtime.spawn((ctx) -> {
			registry.register("marker", "m");
			ctx.receive();
		});
		await().atMost(Await.LONG).until(() -> events.stream().anyMatch((e) -> e.pid().equals(marker)));
		assertThat(events).noneMatch((event) -> event.pid().equals(zombie));
	}

	private static void attempt(Map<String, @Nullable Throwable> seen, String operation, Runnable action) {
		try {
			action.run();
			seen.put(operation, null);
		}
		catch (Throwable ex) {
			seen.put(operation, ex);
		}
	}

	/** A server that counts the requests it handled. */
	static final class Counting extends GenServer<Integer> {

		final AtomicInteger handled = new AtomicInteger();

		@Override
		protected Init<Integer> init(@Nullable Object arg) {
			return ok(0);
		}

		@Override
		protected Result<Integer> handleCall(Object request, From from, Integer state) {
			this.handled.incrementAndGet();
			return reply(request, state + 1);
		}

		@Override
		protected Result<Integer> handleCast(Object request, Integer state) {
			this.handled.incrementAndGet();
			return noReply(state + 1);
		}

	}

}
