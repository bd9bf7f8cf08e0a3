package dev.procreg.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.internal.Owner;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a thread finds the spawned process whose code it runs ({@link ThreadProcess#ofThread}): its own
 * process while it runs it, nothing on any other thread, and nothing once the thread has left
 * the process's code.
 */
@ExtendWith(RuntimeExtension.class)
class ProcessThreadTests {

	private final ProcessRuntime runtime;

	ProcessThreadTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@Test
	void aProcessFindsItselfOnItsOwnThreadAndAnotherThreadDoesNot() throws Exception {
		int count = 2_000;
		List<Pid> pids = new ArrayList<>();
		List<@Nullable Pid> found = new ArrayList<>();
		CountDownLatch done = new CountDownLatch(count);
		Object lock = new Object();
		for (int i = 0; i < count; i++) {
			pids.add(this.runtime.spawn((ctx) -> {
				Owner current = Owner.current();
				synchronized (lock) {
					found.add((current != null && current.pid().equals(ctx.self())) ? null : ctx.self());
				}
				done.countDown();
				ctx.receive();
			}));
		}
		Await.latch(done);
		AtomicReference<@Nullable Owner> onAPlainVirtualThread = new AtomicReference<>();
		Thread.ofVirtual().start(() -> onAPlainVirtualThread.set(Owner.current())).join();

		assertThat(found).as("processes that did not find themselves").hasSize(count).containsOnlyNulls();
		assertThat(onAPlainVirtualThread.get()).as("the process of a virtual thread that runs none").isNull();
	}

	@Test
	void aThreadThatLeftItsProcessFindsItNoMore() {
		int count = 2_000;
		List<ThreadProcess> processes = new ArrayList<>();
		CountDownLatch ran = new CountDownLatch(count);
		for (int i = 0; i < count; i++) {
			this.runtime.spawn((ctx) -> {
				synchronized (processes) {
					processes.add((ThreadProcess) Owner.current());
				}
				ran.countDown();
			});
		}
		Await.latch(ran);
		List<Pid> stillFound = new ArrayList<>();
		synchronized (processes) {
			for (ThreadProcess process : processes) {
				assertThat(this.runtime.awaitThreadLeft(process.pid(), Duration.ofSeconds(20))).isTrue();
				if (ThreadProcess.ofThread(process.thread) != null) {
					stillFound.add(process.pid());
				}
			}
		}
		assertThat(processes).hasSize(count);
		assertThat(stillFound).as("processes still found by their thread after it left their code").isEmpty();
	}

}
