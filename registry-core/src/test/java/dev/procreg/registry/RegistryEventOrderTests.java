package dev.procreg.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listener events replay each key's true owner history, and {@code count()} agrees with the
 * lookups, also in the window between an owner's death and its cleanup.
 */
@ExtendWith(RuntimeExtension.class)
class RegistryEventOrderTests {

	private final ProcessRuntime runtime;

	private final Map<Object, List<RegistryEvent<?, ?>>> events = new ConcurrentHashMap<>();

	private final ProcessRegistry<Integer, String> registry;

	RegistryEventOrderTests(ProcessRuntime runtime) {
		this.runtime = runtime;
		this.registry = ProcessRegistry.start(runtime,
				RegistryOptions.unique("order").withListener((event) -> this.events
					.computeIfAbsent(event.key(), (key) -> new CopyOnWriteArrayList<>())
					.add(event)));
	}

	@AfterEach
	void resetFaults() {
		RegistryFaults.reset();
	}

	@Test
	void aNewOwnerReplacingADeadOneBeforeItsCleanupIsHeardAfterTheDeadOneLeft() {
		Pid p = owner(1, "p");
		CountDownLatch inWindow = new CountDownLatch(1);
		CountDownLatch replaced = new CountDownLatch(1);
		AtomicReference<Pid> q = new AtomicReference<>();
		q.set(this.runtime.spawn((ctx) -> {
			awaitLatch(inWindow);
			if (!(this.registry.register(1, "q") instanceof RegisterResult.Registered)) {
				throw new IllegalStateException("q could not replace the dead owner");
			}
			replaced.countDown();
			ctx.receive();
		}));
		// between p's death and its cleanup, q takes the key
		RegistryFaults.beforeCleanup = () -> {
			inWindow.countDown();
			awaitLatch(replaced);
		};
		this.runtime.exit(p, ExitReason.KILL);
		assertThat(this.registry.whereis(1)).contains(q.get());

		List<RegistryEvent<?, ?>> history = history(1, 3);
		assertThat(history).containsExactly(new RegistryEvent.Registered<>("order", 1, p, "p"),
				new RegistryEvent.Unregistered<>("order", 1, p, ExitReason.KILLED),
				new RegistryEvent.Registered<>("order", 1, q.get(), "q"));
	}

	@Test
	void manyReplacementsOfDeadOwnersEachReplayTheTrueHistory() {
		int trials = 500;
		List<Pid[]> owners = new ArrayList<>();
		for (int key = 0; key < trials; key++) {
			int k = key;
			CountDownLatch pRegistered = new CountDownLatch(1);
			Pid p = this.runtime.spawn((ctx) -> {
				this.registry.register(k, "p");
				pRegistered.countDown();
				ctx.receive();
			});
			awaitLatch(pRegistered);
			Pid q = this.runtime.spawn((ctx) -> {
				while (!(this.registry.register(k, "q") instanceof RegisterResult.Registered)) {
					Thread.onSpinWait();
				}
				ctx.receive();
			});
			this.runtime.exit(p, ExitReason.KILL);
			owners.add(new Pid[] { p, q });
		}
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
			.until(() -> this.events.values().stream().mapToInt(List::size).sum() >= 3 * trials);
		for (int key = 0; key < trials; key++) {
			Pid p = owners.get(key)[0];
			Pid q = owners.get(key)[1];
			assertThat(history(key, 3)).as("events of key %d", key)
				.containsExactly(new RegistryEvent.Registered<>("order", key, p, "p"),
						new RegistryEvent.Unregistered<>("order", key, p, ExitReason.KILLED),
						new RegistryEvent.Registered<>("order", key, q, "q"));
		}
	}

	@Test
	void countNeverIncludesAnOwnerThatIsNotAlive() {
		Pid p = owner(7, "p");
		Pid bystander = owner(8, "b");
		AtomicLong countInWindow = new AtomicLong(-1);
		AtomicReference<Boolean> aliveInWindow = new AtomicReference<>();
		RegistryFaults.beforeCleanup = () -> {
			if (countInWindow.get() < 0) {
				aliveInWindow.set(this.runtime.isAlive(p));
				countInWindow.set(this.registry.count());
			}
		};
		this.runtime.exit(p, ExitReason.KILL);
		assertThat(aliveInWindow.get()).isFalse();
		assertThat(countInWindow.get()).as("count between the death and its cleanup").isOne();
		assertThat(this.registry.count()).isOne();
		assertThat(this.registry.whereis(8)).contains(bystander);
	}

	private Pid owner(int key, String value) {
		CountDownLatch registered = new CountDownLatch(1);
		Pid pid = this.runtime.spawn((ctx) -> {
			this.registry.register(key, value);
			registered.countDown();
			ctx.receive();
		});
		awaitLatch(registered);
		return pid;
	}

	private List<RegistryEvent<?, ?>> history(int key, int size) {
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
			.until(() -> this.events.getOrDefault(key, List.of()).size() >= size);
		return List.copyOf(this.events.get(key));
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			if (!latch.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("latch never released");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
