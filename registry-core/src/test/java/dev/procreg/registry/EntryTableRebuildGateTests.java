package dev.procreg.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Owner;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static dev.procreg.registry.RegistryTestSupport.idleOwner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writers that come while an {@link EntryTable} rebuilds wait at its gate, holding nothing, and
 * go on together once the new table is out: none queues on a stripe's monitor to be let in one
 * at a time (for virtual threads, through the JDK's one unblocker thread), an interrupt that
 * comes meanwhile stays the writer's, and every write lands.
 */
@ExtendWith(RuntimeExtension.class)
class EntryTableRebuildGateTests {

	private static final int WRITERS = 6;

	private final ProcessRuntime runtime;

	EntryTableRebuildGateTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@AfterEach
	void reset() {
		RegistryFaults.reset();
	}

	@Test
	void writersDuringARebuildWaitAtTheGateAndAllLandAfterIt() throws Exception {
		EntryTable<String, Boolean> table = new EntryTable<>(2);
		List<Owner> owners = new ArrayList<>();
		for (int w = 0; w < WRITERS; w++) {
			owners.add(idleOwner(this.runtime)); // one each: a writer holds its owner's monitor
		}
		Owner filler = idleOwner(this.runtime);
		List<Thread> writers = new ArrayList<>();
		List<Thread.State> statesDuringTheRebuild = new ArrayList<>();
		Map<String, Boolean> interruptedAfterTheWrite = new ConcurrentHashMap<>();
		AtomicBoolean paused = new AtomicBoolean();
		RegistryFaults.beforeRebuildPublished = () -> {
			if (!paused.compareAndSet(false, true)) {
				return;
			}
			for (int w = 0; w < WRITERS; w++) {
				String key = "writer-" + w;
				Owner owner = owners.get(w);
				writers.add(Thread.ofPlatform().start(() -> {
					insert(table, owner, key);
					interruptedAfterTheWrite.put(key, Thread.currentThread().isInterrupted());
				}));
			}
			await().atMost(Await.LONG)
				.until(() -> writers.stream()
					.allMatch((writer) -> writer.getState() == Thread.State.WAITING
							|| writer.getState() == Thread.State.BLOCKED));
			writers.forEach((writer) -> statesDuringTheRebuild.add(writer.getState()));
			writers.get(0).interrupt();
		};
		int fillers = 0;
		while (!paused.get()) {
			insert(table, filler, "filler-" + fillers++);
		}
		for (Thread writer : writers) {
			writer.join(Await.LONG.toMillis());
			assertThat(writer.isAlive()).as("a writer still stuck").isFalse();
		}

		assertThat(statesDuringTheRebuild).as("each writer waits at the gate, none on a stripe's monitor")
			.hasSize(WRITERS)
			.containsOnly(Thread.State.WAITING);
		for (int w = 0; w < WRITERS; w++) {
			String key = "writer-" + w;
			assertThat(table.livePid(key)).as(key).isEqualTo(owners.get(w).pid());
			assertThat(interruptedAfterTheWrite).as("the writer keeps its interrupt").containsEntry(key, w == 0);
		}
		assertThat(table.size()).isEqualTo(fillers + WRITERS);
	}

	private static void insert(EntryTable<String, Boolean> table, Owner owner, String key) {
		Registration<String, Boolean> entry = new Registration<>(null, key, owner, Boolean.TRUE);
		synchronized (owner) {
			assertThat(table.compute(key, null, (existing, given) -> (existing != null) ? existing : entry)).isSameAs(entry);
		}
	}

}
