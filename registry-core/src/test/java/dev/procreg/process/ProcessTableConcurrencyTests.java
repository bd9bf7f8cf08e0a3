package dev.procreg.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.procreg.testing.Await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The runtime's process table under concurrent spawns, exits and a close: a process spawned is
 * always visible to {@code close()} (so a close racing spawns never leaves one running),
 * {@code processCount()} and {@code processes()} are exact once things settle, and a pid read
 * back from its text finds its live process. The table itself is model-checked in
 * {@link ProcessTableLincheckTests}.
 */
// each test builds and closes its own runtimes, not RuntimeExtension's: closing is what they test
class ProcessTableConcurrencyTests {

	@AfterEach
	void resetFaults() {
		ProcessFaults.reset();
	}

	@Test
	void aSpawnOvertakenByACloseFailsAndLeavesNoProcess() {
		ProcessRuntime runtime = ProcessRuntime.start();
		AtomicBoolean bodyRan = new AtomicBoolean();
		// the runtime closes after the spawn checked that it is open, before the process enters the table
		ProcessFaults.beforeAdmit = () -> {
			ProcessFaults.reset();
			runtime.close();
		};
		assertThatIllegalStateException().isThrownBy(() -> runtime.spawn((ctx) -> {
			bodyRan.set(true);
			ctx.receive();
		})).withMessageContaining("is closed");
		assertThat(runtime.processCount()).isZero();
		assertThat(runtime.processes()).isEmpty();
		assertThat(bodyRan).isFalse();
	}

	@Test
	void aServerStartOvertakenByACloseFailsAndLeavesNoProcess() {
		ProcessRuntime runtime = ProcessRuntime.start();
		ProcessFaults.beforeAdmit = () -> {
			ProcessFaults.reset();
			runtime.close();
		};
		assertThatIllegalStateException().isThrownBy(() -> GenServer.start(runtime, new Echo(), null))
			.withMessageContaining("is closed");
		assertThat(runtime.processCount()).isZero();
		assertThat(runtime.processes()).isEmpty();
	}

	@Test
	void closeRacingSpawnsNeverLeavesAProcessRunning() throws Exception {
		for (int round = 0; round < 100; round++) {
			ProcessRuntime runtime = ProcessRuntime
				.start(ProcessRuntime.Options.defaults().withShutdownTimeout(Duration.ofSeconds(5)));
			ConcurrentLinkedQueue<Pid> spawned = new ConcurrentLinkedQueue<>();
			CountDownLatch someSpawned = new CountDownLatch(200);
			List<CompletableFuture<Throwable>> spawners = new ArrayList<>();
			for (int s = 0; s < 3; s++) {
				CompletableFuture<Throwable> ended = new CompletableFuture<>();
				spawners.add(ended);
				Thread.ofPlatform().start(() -> {
					try {
						while (true) {
							spawned.add(runtime.spawn(ReceivingContext::receive));
							someSpawned.countDown();
						}
					}
					catch (Throwable ex) {
						ended.complete(ex);
					}
				});
			}
			Await.latch(someSpawned);
			runtime.close();
			for (CompletableFuture<Throwable> ended : spawners) {
				assertThat(Await.result(ended)).isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("is closed");
			}
			for (Pid pid : spawned) {
				assertThat(runtime.isAlive(pid)).as("%s alive after close", pid).isFalse();
				assertThat(runtime.awaitThreadLeft(pid, Await.LONG)).as("%s still runs its code", pid).isTrue();
			}
			assertThat(runtime.processCount()).isZero();
			assertThat(runtime.processes()).isEmpty();
		}
	}

	@Test
	void countAndListAreExactAfterConcurrentSpawnsAndExits() throws Exception {
		try (ProcessRuntime runtime = ProcessRuntime.start()) {
			int spawners = 4;
			int perSpawner = 5_000;
			ConcurrentLinkedQueue<Pid> kept = new ConcurrentLinkedQueue<>();
			ConcurrentLinkedQueue<Pid> ended = new ConcurrentLinkedQueue<>();
			List<CompletableFuture<Void>> done = new ArrayList<>();
			for (int s = 0; s < spawners; s++) {
				long seed = 31L * s + 7;
				done.add(CompletableFuture.runAsync(() -> {
					Random random = new Random(seed);
					List<Pid> mine = new ArrayList<>();
					for (int i = 0; i < perSpawner; i++) {
						switch (random.nextInt(3)) {
							// exits at once, on its own thread
							case 0 -> ended.add(runtime.spawn((ctx) -> {
							}));
							// kept, waiting
							case 1 -> {
								Pid pid = runtime.spawn(ReceivingContext::receive);
								mine.add(pid);
							}
							// killed by the spawner, maybe before its thread ran
							default -> {
								Pid pid = runtime.spawn(ReceivingContext::receive);
								runtime.exit(pid, ExitReason.KILL);
								ended.add(pid);
							}
						}
						// a reader walks the table while it grows and loses tombstones
						if (i % 500 == 0) {
							assertThat(runtime.processes()).doesNotHaveDuplicates();
						}
					}
					kept.addAll(mine);
				}, (task) -> Thread.ofPlatform().start(task)));
			}
			for (CompletableFuture<Void> future : done) {
				Await.result(future);
			}
			for (Pid pid : ended) {
				assertThat(runtime.awaitExit(pid, Await.LONG)).isTrue();
			}
			Set<Pid> expected = new HashSet<>(kept);
			assertThat(runtime.processCount()).isEqualTo(expected.size());
			assertThat(runtime.processes()).containsExactlyInAnyOrderElementsOf(expected);
			for (Pid pid : kept) {
				// a pid read back from text is bound to no process: the table finds it
				assertThat(runtime.isAlive(Pid.parse(pid.toString()))).isTrue();
			}
			for (Pid pid : ended) {
				assertThat(runtime.isAlive(Pid.parse(pid.toString()))).isFalse();
			}
			for (Pid pid : kept) {
				runtime.exit(pid, ExitReason.KILL);
			}
			assertThat(runtime.processCount()).isZero();
			assertThat(runtime.processes()).isEmpty();
		}
	}

	static final class Echo extends GenServer<Integer> {

		@Override
		protected Init<Integer> init(Object arg) {
			return ok(0);
		}

	}

}
