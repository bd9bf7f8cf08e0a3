package dev.procreg.registry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.Down;
import dev.procreg.process.ExitReason;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.registry.RegistryTestSupport.Agent;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** Via names accepted wherever a name is; listeners told every registration and unregistration. */
@ExtendWith(RuntimeExtension.class)
class ViaNameAndListenerTests {

	private final ProcessRuntime runtime;

	/** Counts its inits; echoes calls; records casts and infos. */
	ViaNameAndListenerTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	static final class Echo extends GenServer<List<Object>> {

		static final AtomicInteger inits = new AtomicInteger();

		@Override
		protected Init<List<Object>> init(@Nullable Object arg) {
			inits.incrementAndGet();
			return ok(new CopyOnWriteArrayList<>());
		}

		@Override
		protected Result<List<Object>> handleCall(Object request, From from, List<Object> state) {
			if (request.equals("seen")) {
				return reply(List.copyOf(state), state);
			}
			return reply("echo:" + request, state);
		}

		@Override
		protected Result<List<Object>> handleCast(Object request, List<Object> state) {
			state.add("cast:" + request);
			return noReply(state);
		}

		@Override
		protected Result<List<Object>> handleInfo(Object message, List<Object> state) {
			state.add("info:" + message);
			return noReply(state);
		}

	}

	@Test
	void viaNamesStartAndAddressAServer() {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("servers"));
		Pid pid = GenServer.start(this.runtime, new Echo(), null, registry.via("s1")).orThrow();
		assertThat(registry.whereis("s1")).contains(pid);
		assertThat(registry.lookup("s1")).containsExactly(new RegistryEntry<>("s1", pid, null));
		assertThat(this.runtime.<String>call(registry.via("s1"), "hi")).isEqualTo("echo:hi");
		assertThat(this.runtime.<String>call(ViaName.of("servers", "s1"), "by name")).isEqualTo("echo:by name");
		this.runtime.cast(registry.via("s1"), "c");
		this.runtime.send(ViaName.of("servers", "s1"), "m");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.runtime.<List<Object>>call(registry.via("s1"), "seen"), (seen) -> seen.size() == 2);
		assertThat(this.runtime.<List<Object>>call(registry.via("s1"), "seen")).containsExactly("cast:c", "info:m");

		CompletableFuture<Object> message = new CompletableFuture<>();
		Pid receiver = this.runtime.spawn((ctx) -> {
			ctx.monitor(registry.via("s1"));
			message.complete(ctx.receive());
		});
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.runtime.processInfo(pid).orElseThrow().monitoredBy().contains(receiver));
		this.runtime.exit(registry.via("s1"), ExitReason.of("bye"));
		assertThat(Await.result(message)).isInstanceOfSatisfying(Down.class, (d) -> {
			assertThat(d.pid()).isEqualTo(pid);
			assertThat(d.reason()).isEqualTo(ExitReason.of("bye"));
		});
		assertThat(this.runtime.isAlive(pid)).isFalse();
		assertThat(registry.whereis("s1")).isEmpty();
		assertThatExceptionOfType(NoProcessException.class)
			.isThrownBy(() -> this.runtime.call(registry.via("s1"), "hi"));
	}

	@Test
	void viaWithAValueStoresIt() {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("servers"));
		Pid pid = GenServer.start(this.runtime, new Echo(), null, registry.via("s1", "meta")).orThrow();
		assertThat(registry.lookup("s1")).containsExactly(new RegistryEntry<>("s1", pid, "meta"));
	}

	@Test
	void startingUnderATakenViaNameReturnsAlreadyStartedAndTheLoserNeverInits() {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("servers"));
		Pid first = GenServer.start(this.runtime, new Echo(), null, registry.via("s1")).orThrow();
		int before = Echo.inits.get();
		int processesBefore = this.runtime.processCount();
		StartResult second = GenServer.start(this.runtime, new Echo(), null, registry.via("s1"));
		assertThat(second).isEqualTo(new StartResult.AlreadyStarted(first));
		assertThat(Echo.inits.get()).as("the loser never ran init").isEqualTo(before);
		assertThat(this.runtime.processCount()).isEqualTo(processesBefore);
		assertThat(registry.count()).isEqualTo(1);
		StartResult byName = GenServer.start(this.runtime, new Echo(), null, ViaName.of("servers", "s1"));
		assertThat(byName).isEqualTo(new StartResult.AlreadyStarted(first));
	}

	@Test
	void aServerWhoseInitFailsLeavesNoEntry() {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("servers"));
		GenServer<Object> failing = new GenServer<>() {
			@Override
			protected Init<Object> init(@Nullable Object arg) {
				throw new IllegalStateException("no");
			}
		};
		assertThat(GenServer.start(this.runtime, failing, null, registry.via("s1")))
			.isInstanceOf(StartResult.Failed.class);
		assertThat(registry.whereis("s1")).isEmpty();
		assertThat(registry.count()).isZero();
		assertThat(GenServer.start(this.runtime, new Echo(), null, registry.via("s1")))
			.isInstanceOf(StartResult.Started.class);
	}

	@Test
	void listenersAreToldOfRegistrationsAndUnregistrationsIncludingDeathWithTheReason() {
		List<RegistryEvent<String, String>> callback = new CopyOnWriteArrayList<>();
		CompletableFuture<List<Object>> received = new CompletableFuture<>();
		Pid auditor = this.runtime.spawn((ctx) -> {
			List<Object> got = new java.util.ArrayList<>();
			for (int i = 0; i < 4; i++) {
				got.add(ctx.receive());
			}
			received.complete(got);
		});
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("audited")
					.withListener((RegistryListener<String, String>) callback::add)
					.withListener(RegistryListener.process(this.runtime, auditor)));
		Agent a = new Agent(this.runtime);
		a.run(() -> {
			registry.register("k1", "v1");
			registry.register("k2", "v2");
			registry.unregister("k1");
		});
		a.kill();
		List<RegistryEvent<String, String>> expected = List.of(new RegistryEvent.Registered<>("audited", "k1", a.pid, "v1"),
				new RegistryEvent.Registered<>("audited", "k2", a.pid, "v2"),
				new RegistryEvent.Unregistered<>("audited", "k1", a.pid, null),
				new RegistryEvent.Unregistered<>("audited", "k2", a.pid, ExitReason.KILLED));
		await().atMost(Duration.ofSeconds(10)).until(() -> callback.size() == 4);
		assertThat(callback).containsExactlyElementsOf(expected);
		assertThat(Await.result(received)).containsExactlyElementsOf(expected);
		assertThat(((RegistryEvent.Unregistered<String, String>) callback.get(3)).byExit()).isTrue();
		assertThat(((RegistryEvent.Unregistered<String, String>) callback.get(2)).byExit()).isFalse();
	}

	@Test
	void duplicateListenersSeeDeathWithACrashReason() {
		List<RegistryEvent<String, String>> events = new CopyOnWriteArrayList<>();
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.duplicate("flows").withListener((RegistryListener<String, String>) events::add));
		Pid pid = this.runtime.spawn((ctx) -> {
			registry.register("d", "f1");
			registry.register("d", "f2");
			throw new IllegalStateException("flow crashed");
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 4);
		assertThat(events.subList(2, 4)).allSatisfy((event) -> assertThat(event)
			.isInstanceOfSatisfying(RegistryEvent.Unregistered.class, (u) -> {
				assertThat(u.pid()).isEqualTo(pid);
				assertThat(u.exitReason()).isInstanceOfSatisfying(ExitReason.Crash.class,
						(c) -> assertThat(c.error()).hasMessage("flow crashed"));
			}));
	}

	@Test
	void aFailingListenerDoesNotStopTheOthers() {
		List<RegistryEvent<String, String>> events = new CopyOnWriteArrayList<>();
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("audited").withListener((event) -> {
					throw new IllegalStateException("listener bug");
				}).withListener((RegistryListener<String, String>) events::add));
		Agent a = new Agent(this.runtime);
		a.call(() -> registry.register("k", "v"));
		await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
	}

}
