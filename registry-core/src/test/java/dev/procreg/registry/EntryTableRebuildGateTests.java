package dev.procreg.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Owner;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static dev.procreg.registry.RegistryTestSupport.idleOwner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Writers that come while an {@link EntryTable} rebuilds help copy the table, then wait at its
 * gate, holding nothing, and go on together once the new table is out: none queues on a stripe's
 * monitor to be let in one at a time (for virtual threads, through the JDK's one unblocker
 * thread), an interrupt that comes meanwhile stays the writer's, and every write lands. A helper
 * that fails as it takes a chunk or in the middle of one costs the rebuild its shared copy, not an
 * entry.
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
		List<Owner> owners = idleOwners(WRITERS);
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
					.allMatch((writer) -> writer.getState() == Thread.State.TIMED_WAITING
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

		// the first writer parked at the gate looks at it every few milliseconds, so it may be caught running
		assertThat(statesDuringTheRebuild).as("each writer waits at the gate, none on a stripe's monitor")
			.hasSize(WRITERS)
			.doesNotContain(Thread.State.BLOCKED);
		for (int w = 0; w < WRITERS; w++) {
			String key = "writer-" + w;
			assertThat(table.livePid(key)).as(key).isEqualTo(owners.get(w).pid());
			assertThat(interruptedAfterTheWrite).as("the writer keeps its interrupt").containsEntry(key, w == 0);
		}
		assertThat(table.size()).isEqualTo(fillers + WRITERS);
	}

	@Test
	void aWriterThatComesDuringTheCopyCopiesWhatTheRebuildHasNotYet() throws Exception {
		EntryTable<String, Boolean> table = new EntryTable<>(2);
		Owner filler = idleOwner(this.runtime);
		Owner writerOwner = idleOwner(this.runtime);
		AtomicBoolean paused = new AtomicBoolean();
		List<Integer> copiedByOthersWhilePaused = new ArrayList<>();
		List<Thread> writer = new ArrayList<>();
		RegistryFaults.afterChunkCopied = () -> {
			EntryTable.Copy copy = table.copyUnderWay();
			if (copy == null || copy.chunks() < 4 || !paused.compareAndSet(false, true)) {
				return;
			}
			// the rebuild stands still after its first chunk, and a writer comes
			writer.add(Thread.ofPlatform().start(() -> insert(table, writerOwner, "writer")));
			await().atMost(Await.LONG).until(() -> copy.copiedChunks() == copy.chunks() - 1);
			copiedByOthersWhilePaused.add(copy.copiedChunks());
		};
		int fillers = fillUntil(table, filler, paused);
		writer.get(0).join(Await.LONG.toMillis());

		assertThat(copiedByOthersWhilePaused).as("chunks the writer copied while the rebuild stood still").hasSize(1);
		assertThat(writer.get(0).isAlive()).as("the writer still waits").isFalse();
		assertThat(table.livePid("writer")).isEqualTo(writerOwner.pid());
		for (int i = 0; i < fillers; i++) {
			assertThat(table.livePid("filler-" + i)).as("filler-" + i).isEqualTo(filler.pid());
		}
		assertThat(table.size()).isEqualTo(fillers + 1);
	}

	@Test
	void aHelperThatFailsInTheMiddleOfAChunkLosesNoEntry() throws Exception {
		assertAFailingHelperLosesNoEntry(false);
	}

	@Test
	void aHelperThatFailsAsItTakesAChunkLosesNoEntry() throws Exception {
		// a chunk taken and never counted would leave the rebuild waiting for it for ever
		assertAFailingHelperLosesNoEntry(true);
	}

	/**
	 * A writer that comes while the rebuild stands still after its first chunk helps, and its
	 * stack runs out: as it takes a chunk, or at the end of the chunk it copied.
	 */
	private void assertAFailingHelperLosesNoEntry(boolean asItTakesAChunk) throws Exception {
		EntryTable<String, Boolean> table = new EntryTable<>(2);
		// the filler in a runtime of its own: a rebuild stuck for good would hold the filler's lock,
		// and closing the runtime that has it would wait for ever instead of letting the test fail
		ProcessRuntime fillers = ProcessRuntime.start();
		Owner filler = idleOwner(fillers);
		Owner writerOwner = idleOwner(this.runtime);
		AtomicBoolean paused = new AtomicBoolean();
		List<Throwable> writerFailures = new ArrayList<>();
		List<Thread> writer = new ArrayList<>();
		Runnable failTheHelper = () -> {
			if (writer.size() == 1 && Thread.currentThread() == writer.get(0)) {
				throw new StackOverflowError("planted: the helper's stack ran out "
						+ (asItTakesAChunk ? "as it took a chunk" : "in the middle of its chunk"));
			}
		};
		if (asItTakesAChunk) {
			RegistryFaults.afterChunkClaimed = failTheHelper;
		}
		RegistryFaults.afterChunkCopied = () -> {
			if (!asItTakesAChunk) {
				failTheHelper.run();
			}
			EntryTable.Copy copy = table.copyUnderWay();
			if (copy == null || copy.chunks() < 4 || !paused.compareAndSet(false, true)) {
				return;
			}
			Thread helper = Thread.ofPlatform().unstarted(() -> {
				try {
					insert(table, writerOwner, "writer");
				}
				catch (StackOverflowError ex) {
					writerFailures.add(ex);
				}
			});
			writer.add(helper);
			helper.start();
			await().atMost(Await.LONG).until(() -> !helper.isAlive());
		};
		Thread filling = Thread.ofPlatform().daemon().start(() -> fillUntil(table, filler, paused));
		filling.join(Await.LONG.toMillis());
		boolean stuck = filling.isAlive();
		if (!stuck) {
			fillers.close();
		}

		assertThat(stuck).as("the rebuild waits for the failed helper's chunk").isFalse();
		assertThat(writerFailures).as("the helper's failure, its own").hasSize(1);
		assertThat(table.livePid("writer")).isNull();
		int inserted = table.size();
		for (int i = 0; i < inserted; i++) {
			assertThat(table.livePid("filler-" + i)).as("filler-" + i).isEqualTo(filler.pid());
		}
		insert(table, writerOwner, "writer");
		assertThat(table.livePid("writer")).isEqualTo(writerOwner.pid());
	}

	@Test
	void writersThatFindTheTableFullAtOnceLeaveTheNewTableToOneOfThem() throws Exception {
		EntryTable<String, Boolean> table = new EntryTable<>(2);
		Owner filler = idleOwner(this.runtime);
		// up to the brim of a table whose next one holds every writer: each insert rebuilds first
		for (int i = 0; table.capacity() < 16 * WRITERS || table.size() < table.capacity() / 2; i++) {
			insert(table, filler, "filler-" + i);
		}
		int capacity = table.capacity();
		List<Thread> allocating = new CopyOnWriteArrayList<>();
		AtomicInteger waiting = new AtomicInteger();
		RegistryFaults.awaitingPreparation = waiting::incrementAndGet;
		RegistryFaults.beforeRebuildAllocates = () -> {
			allocating.add(Thread.currentThread());
			if (allocating.size() == 1) {
				// the first stands still until every other writer waits for it, or allocates too
				await().atMost(Await.LONG).until(() -> waiting.get() == WRITERS - 1 || allocating.size() > 1);
			}
		};
		List<Thread> writers = new ArrayList<>();
		for (int w = 0; w < WRITERS; w++) {
			Owner owner = idleOwner(this.runtime);
			String key = "writer-" + w;
			writers.add(Thread.ofPlatform().start(() -> insert(table, owner, key)));
		}
		for (Thread writer : writers) {
			writer.join(Await.LONG.toMillis());
		}

		assertThat(allocating).as("writers that allocated a new table").hasSize(1);
		assertThat(waiting.get()).as("writers that waited for it").isEqualTo(WRITERS - 1);
		assertThat(table.capacity()).isGreaterThan(capacity);
		for (int w = 0; w < WRITERS; w++) {
			assertThat(table.get("writer-" + w)).as("writer-" + w).isNotNull();
		}
	}

	/**
	 * A death clears its entry's pid while a rebuild copies the table: the clear passed the gate
	 * while it was open and took its stripe just as the rebuild closed it. It must see the closed
	 * gate then, wait, and clear the pid in the table the rebuild publishes; a clear made in the
	 * table being copied would leave the dead owner's pid in the new one, for every read to return.
	 */
	@Test
	void aClearThatTakesItsStripeAsTheGateClosesClearsThePidInTheNewTable() throws Exception {
		assertThatAClearMeetingTheClosingGateLeavesNoPid(false);
	}

	/** The same with a planted table whose writers ignore the gate once they hold their stripe. */
	@Test
	void theTestCatchesAClearThatIgnoresTheGate() throws Exception {
		assertThatThrownBy(() -> assertThatAClearMeetingTheClosingGateLeavesNoPid(true)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("the dead owner's pid");
	}

	private void assertThatAClearMeetingTheClosingGateLeavesNoPid(boolean gateless) throws Exception {
		AtomicReference<@Nullable Thread> clearing = new AtomicReference<>();
		CountDownLatch atItsStripe = new CountDownLatch(1);
		CountDownLatch gateClosed = new CountDownLatch(1);
		CountDownLatch looked = new CountDownLatch(1);
		EntryTable<String, Boolean> table = new EntryTable<>(2) {

			@Override
			boolean enter(EntryTable.Stripe stripe) {
				if (Thread.currentThread() == clearing.get() && atItsStripe.getCount() > 0) {
					atItsStripe.countDown();
					Await.latch(gateClosed);
				}
				boolean open = super.enter(stripe);
				if (Thread.currentThread() == clearing.get()) {
					looked.countDown();
				}
				if (gateless && !open) {
					stripe.inside = true; // the planted bug: in anyway
					return true;
				}
				return open;
			}

		};
		Owner owner = idleOwner(this.runtime);
		Owner filler = idleOwner(this.runtime);
		String key = "k"; // hash code 107: stripe 1 of 2
		insert(table, owner, key);
		Registration<String, Boolean> entry = table.get(key);
		assertThat(table.livePid(key)).isEqualTo(owner.pid());
		Thread clear = Thread.ofPlatform().unstarted(() -> table.clearPid(entry));
		clearing.set(clear);
		clear.start();
		Await.latch(atItsStripe); // it holds stripe 1, and the gate is open
		List<Boolean> clearWhileTheRebuildWaited = new ArrayList<>();
		RegistryFaults.beforeRebuildPublished = () -> {
			if (gateClosed.getCount() == 0) {
				return;
			}
			gateClosed.countDown();
			// the table is copied, the pid with it: the clear now looks at the gate
			Await.latch(looked);
			await().atMost(Await.LONG)
				.until(() -> clear.getState() == Thread.State.TIMED_WAITING || !clear.isAlive());
			clearWhileTheRebuildWaited.add(clear.isAlive());
		};
		// fillers of stripe 0 only (even hash codes): none waits for the clear's stripe
		for (int i = 0; gateClosed.getCount() > 0; i++) {
			String fill = "f" + i;
			if ((fill.hashCode() & 1) == 0) {
				insert(table, filler, fill);
			}
		}
		clear.join(Await.LONG.toMillis());
		assertThat(clear.isAlive()).as("the clear still waits").isFalse();
		assertThat(table.livePid(key)).as("the dead owner's pid, in the new table").isSameAs(EntryTable.ASK_THE_ENTRY);
		assertThat(clearWhileTheRebuildWaited).as("the clear waited at the gate, alive while the rebuild stood still")
			.containsExactly(true);
	}

	/**
	 * A function given to a write that writes the table again, in the same stripe, is refused:
	 * its write would mark the stripe's writer out while the outer write still runs, and a rebuild
	 * could then copy the table without the outer write. Neither write lands.
	 */
	@Test
	void aWriteFromInsideAWriteOfTheSameStripeIsRefused() throws Exception {
		EntryTable<String, Boolean> table = new EntryTable<>(2);
		Owner owner = idleOwner(this.runtime);
		Registration<String, Boolean> inner = new Registration<>(null, "m", owner, Boolean.TRUE); // 109: stripe 1
		Registration<String, Boolean> outer = new Registration<>(null, "k", owner, Boolean.TRUE); // 107: stripe 1
		synchronized (owner) {
			assertThatThrownBy(() -> table.compute("k", outer, (existing, given) -> {
				table.compute("m", inner, (e, g) -> g);
				return given;
			})).isInstanceOf(IllegalStateException.class).hasMessageContaining("from inside another write of the same stripe");
		}
		assertThat(table.get("k")).isNull();
		assertThat(table.get("m")).isNull();
		assertThat(table.size()).isZero();
		insert(table, owner, "k");
		assertThat(table.livePid("k")).as("the stripe is free again").isEqualTo(owner.pid());
	}

	/**
	 * A writer that stays in its stripe long (here its function waits on a latch) keeps a rebuild
	 * waiting for it: the rebuild spins, then waits on the stripe's monitor, and copies the table
	 * only once the write is in. A rebuild that went on without it would lose the write.
	 */
	@Test
	void aRebuildWaitsForAWriterThatStaysInItsStripe() throws Exception {
		EntryTable<String, Boolean> table = new EntryTable<>(2);
		Owner owner = idleOwner(this.runtime);
		Owner filler = idleOwner(this.runtime);
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Registration<String, Boolean> slow = new Registration<>(null, "k", owner, Boolean.TRUE); // 107: stripe 1
		Thread writer = Thread.ofPlatform().start(() -> {
			synchronized (owner) {
				table.compute("k", slow, (existing, given) -> {
					inside.countDown();
					Await.latch(release);
					return given;
				});
			}
		});
		Await.latch(inside);
		int capacity = table.capacity();
		// fillers of stripe 0 only (even hash codes), until one of them starts a rebuild
		Thread filling = Thread.ofPlatform().start(() -> {
			for (int i = 0; table.capacity() == capacity; i++) {
				String fill = "f" + i;
				if ((fill.hashCode() & 1) == 0) {
					insert(table, filler, fill);
				}
			}
		});
		await().atMost(Await.LONG).until(() -> filling.getState() == Thread.State.BLOCKED);
		assertThat(table.capacity()).as("rebuilt while the writer was inside").isEqualTo(capacity);
		release.countDown();
		writer.join(Await.LONG.toMillis());
		filling.join(Await.LONG.toMillis());
		assertThat(filling.isAlive()).as("the rebuild still waits").isFalse();
		assertThat(table.capacity()).isGreaterThan(capacity);
		assertThat(table.get("k")).as("the slow write, in the new table").isSameAs(slow);
		assertThat(table.livePid("k")).isEqualTo(owner.pid());
	}

	/**
	 * A write from inside a write of another stripe is refused when it would rebuild the table
	 * (or wait for a rebuild): the rebuild would wait for the outer writer to leave its stripe,
	 * which it cannot while the inner one waits. Neither write lands, and the table grows on the
	 * next write.
	 */
	@Test
	void aWriteFromInsideAWriteOfAnotherStripeIsRefusedWhenItWouldRebuild() throws Exception {
		EntryTable<String, Boolean> table = new EntryTable<>(2);
		Owner owner = idleOwner(this.runtime);
		Owner filler = idleOwner(this.runtime);
		insert(table, owner, "k"); // 107: stripe 1
		insert(table, filler, "f0"); // 3210: stripe 0; two of four slots, so the next insert rebuilds
		Registration<String, Boolean> held = table.get("k");
		int capacity = table.capacity();
		Registration<String, Boolean> replacement = new Registration<>(null, "k", owner, Boolean.FALSE);
		Registration<String, Boolean> inner = new Registration<>(null, "f2", filler, Boolean.TRUE); // 3212: stripe 0
		synchronized (owner) {
			assertThatThrownBy(() -> table.compute("k", replacement, (existing, given) -> {
				synchronized (filler) {
					table.compute("f2", inner, (e, g) -> g);
				}
				return given;
			})).isInstanceOf(IllegalStateException.class).hasMessageContaining("from inside another write");
		}
		assertThat(table.get("k")).isSameAs(held);
		assertThat(table.get("f2")).isNull();
		assertThat(table.capacity()).isEqualTo(capacity);
		insert(table, filler, "f2");
		assertThat(table.capacity()).as("rebuilt on the next write").isGreaterThan(capacity);
		assertThat(table.get("k")).isSameAs(held);
		assertThat(table.livePid("k")).isEqualTo(owner.pid());
	}

	@Test
	void aWriterParkedAtTheGateLeavesWhenTheRebuildsWakeUpIsLost() throws Exception {
		EntryTable<String, Boolean> table = new EntryTable<>(2);
		Owner filler = idleOwner(this.runtime);
		Owner writerOwner = idleOwner(this.runtime);
		AtomicBoolean paused = new AtomicBoolean();
		List<Thread> writer = new ArrayList<>();
		RegistryFaults.beforeRebuildPublished = () -> {
			if (!paused.compareAndSet(false, true)) {
				return;
			}
			// a daemon that holds no owner's lock: on a build where it never wakes, the runtime still
			// closes (a kill takes the owner's lock) and the JVM still ends
			Registration<String, Boolean> entry = new Registration<>(null, "writer", writerOwner, Boolean.TRUE);
			writer.add(Thread.ofPlatform().daemon().start(() -> table.compute("writer", null, (existing, given) -> entry)));
			await().atMost(Await.LONG).until(() -> writer.get(0).getState() == Thread.State.TIMED_WAITING
					|| writer.get(0).getState() == Thread.State.WAITING);
		};
		AtomicBoolean lose = new AtomicBoolean(true);
		RegistryFaults.beforeWaitersWoken = () -> {
			if (paused.get() && lose.compareAndSet(true, false)) {
				throw new StackOverflowError("planted: the rebuild's stack ran out as it woke the writers at the gate");
			}
		};
		List<StackOverflowError> lost = new ArrayList<>();
		int fillers = 0;
		while (!paused.get() || lose.get()) {
			try {
				insert(table, filler, "filler-" + fillers);
				fillers++;
			}
			catch (StackOverflowError ex) {
				lost.add(ex); // the rebuild's own write: it failed after the publication, and is retried
			}
		}
		writer.get(0).join(Await.LONG.toMillis());

		assertThat(lost).as("the rebuilds whose wake-up was lost").hasSize(1);
		assertThat(writer.get(0).isAlive()).as("the writer still parked at a gate that is open").isFalse();
		assertThat(table.livePid("writer")).isEqualTo(writerOwner.pid());
		assertThat(table.size()).isEqualTo(fillers + 1);
	}

	@Test
	void severalWritersParkedAtTheGateAllLeaveWhenTheRebuildsWakeUpIsLost() throws Exception {
		int parked = 3;
		EntryTable<String, Boolean> table = new EntryTable<>(2);
		// the writers but the first would look only after the test gives up: the first wakes them
		table.lateLookMillis = 10 * Await.LONG.toMillis();
		Owner filler = idleOwner(this.runtime);
		List<Owner> owners = idleOwners(parked);
		AtomicBoolean paused = new AtomicBoolean();
		List<Thread> writers = new CopyOnWriteArrayList<>();
		RegistryFaults.beforeRebuildPublished = () -> {
			if (!paused.compareAndSet(false, true)) {
				return;
			}
			startWriters(table, owners, writers);
			await().atMost(Await.LONG).until(() -> writers.stream().allMatch((writer) -> writer.getState() == Thread.State.TIMED_WAITING));
		};
		AtomicBoolean lose = new AtomicBoolean(true);
		RegistryFaults.beforeWaitersWoken = () -> {
			if (paused.get() && lose.compareAndSet(true, false)) {
				throw new StackOverflowError("planted: the rebuild's stack ran out as it woke the writers at the gate");
			}
		};
		int fillers = 0;
		while (!paused.get() || lose.get()) {
			try {
				insert(table, filler, "filler-" + fillers);
				fillers++;
			}
			catch (StackOverflowError ex) {
				// the rebuild's own write: it failed after the publication, and is retried
			}
		}
		for (Thread writer : writers) {
			writer.join(Await.LONG.toMillis());
			assertThat(writer.isAlive()).as("a writer still parked at a gate that is open").isFalse();
		}
		assertWritersLanded(table, owners);
		assertThat(table.size()).isEqualTo(fillers + parked);
	}

	/**
	 * Hundreds of writers parked through a rebuild that stands still: one of them looks at the
	 * gate now and then, the others stay parked until the rebuild wakes them. When each looked
	 * every few milliseconds, and each look was a timed wait on a latch (whose timeout walks the
	 * latch's whole queue), 80,000 registering processes at a slowed rebuild kept every carrier
	 * busy and the rebuild never got one back.
	 */
	@Test
	void writersParkedThroughAStandingRebuildLeaveTheCarriersAloneButOne() throws Exception {
		int parked = 500;
		EntryTable<String, Boolean> table = new EntryTable<>(2);
		// however slow the machine, the writers but the first would look only after the test gives up
		table.lateLookMillis = 10 * Await.LONG.toMillis();
		Owner filler = idleOwner(this.runtime);
		List<Owner> owners = idleOwners(parked);
		Set<Thread> woke = ConcurrentHashMap.newKeySet();
		AtomicInteger wakeUps = new AtomicInteger();
		RegistryFaults.afterGatePark = () -> {
			woke.add(Thread.currentThread());
			wakeUps.incrementAndGet();
		};
		AtomicBoolean paused = new AtomicBoolean();
		List<Thread> writers = new CopyOnWriteArrayList<>();
		List<Thread> wokeWhileClosed = new CopyOnWriteArrayList<>();
		RegistryFaults.beforeRebuildPublished = () -> {
			if (!paused.compareAndSet(false, true)) {
				return;
			}
			startWriters(table, owners, writers);
			// every writer parked, and the gate looked at four times: 150 ms and more of a rebuild standing still
			await().atMost(Await.LONG)
				.until(() -> wakeUps.get() >= 4 && writers.stream().allMatch((writer) -> writer.getState() == Thread.State.TIMED_WAITING));
			wokeWhileClosed.addAll(woke);
		};
		int fillers = 0;
		while (!paused.get()) {
			insert(table, filler, "filler-" + fillers++);
		}
		for (Thread writer : writers) {
			writer.join(Await.LONG.toMillis());
			assertThat(writer.isAlive()).as("a writer still parked").isFalse();
		}

		assertThat(wokeWhileClosed).as("writers that woke while the gate was closed").hasSize(1);
		assertWritersLanded(table, owners);
		assertThat(table.size()).isEqualTo(fillers + parked);
	}

	@Test
	void theLargestTableDropsItsTombstonesAndRefusesAKeyPastHalf() {
		// 2 stripes, 16 slots at most: 8 keys fill half of the largest table
		EntryTable<String, Boolean> table = new EntryTable<>(2, EntryTable.Copy.CHUNK, false, 16);
		Owner owner = idleOwner(this.runtime);
		// keys that come and go leave tombstones, which only a rebuild at the same size can drop; a
		// table that never dropped them would run out of null slots, and a probe would never end.
		// Written without the owner's lock (the owner lives throughout), so that a probe that never
		// ends holds no lock the runtime's close needs
		assertTimeoutPreemptively(Await.LONG, () -> {
			for (int i = 0; i < 1_000; i++) {
				String key = "session-" + i;
				Registration<String, Boolean> entry = new Registration<>(null, key, owner, Boolean.TRUE);
				assertThat(table.compute(key, null, (existing, given) -> entry)).isSameAs(entry);
				assertThat(table.compute(key, null, (existing, given) -> null)).isNull();
			}
		}, "keys coming and going in the largest table");
		assertThat(table.capacity()).isEqualTo(16);
		for (int i = 0; i < 8; i++) {
			insert(table, owner, "held-" + i);
		}
		Registration<String, Boolean> ninth = new Registration<>(null, "held-8", owner, Boolean.TRUE);

		// a table that took it would have no null slot; one that only rebuilt would rebuild for ever
		assertTimeoutPreemptively(Await.LONG,
				() -> assertThatThrownBy(() -> table.compute("held-8", null, (existing, given) -> ninth))
					.isInstanceOf(IllegalStateException.class)
					.hasMessage("a registry's unique keys are full: 8 keys in 16 slots, the most one table holds"),
				"the key past half of the largest table");
		assertThat(table.get("held-8")).as("the refused key").isNull();
		assertThat(table.size()).isEqualTo(8);
		for (int i = 0; i < 8; i++) {
			assertThat(table.livePid("held-" + i)).as("held-" + i).isEqualTo(owner.pid());
		}
		// a removal takes no slot: one of an absent key is neither refused nor waits for a rebuild
		assertThat(table.remove("gone", null, (existing, given) -> existing)).isNull();
		assertThatThrownBy(() -> table.remove("held-8", null, (existing, given) -> ninth))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("a removal cannot put an entry under absent key held-8");
		assertThat(table.size()).isEqualTo(8);
		// a key that leaves makes room again
		assertThat(table.remove("held-0", null, (existing, given) -> null)).isNull();
		insert(table, owner, "held-8");
		assertThat(table.livePid("held-8")).isEqualTo(owner.pid());
	}

	/** Inserts fillers until {@code paused}; @return how many */
	private static int fillUntil(EntryTable<String, Boolean> table, Owner filler, AtomicBoolean paused) {
		int fillers = 0;
		while (!paused.get()) {
			insert(table, filler, "filler-" + fillers++);
		}
		return fillers;
	}

	private List<Owner> idleOwners(int count) {
		List<Owner> owners = new ArrayList<>();
		for (int w = 0; w < count; w++) {
			owners.add(idleOwner(this.runtime)); // one each: a writer holds its owner's monitor
		}
		return owners;
	}

	/**
	 * Starts a writer of {@code writer-N} for the N-th owner, each on a daemon platform thread: a
	 * virtual one parked inside its owner's monitor holds its carrier before Java 24, and two
	 * would hold them all.
	 */
	private static void startWriters(EntryTable<String, Boolean> table, List<Owner> owners, List<Thread> writers) {
		for (int w = 0; w < owners.size(); w++) {
			Owner owner = owners.get(w);
			String key = "writer-" + w;
			writers.add(Thread.ofPlatform().daemon().start(() -> insert(table, owner, key)));
		}
	}

	private static void assertWritersLanded(EntryTable<String, Boolean> table, List<Owner> owners) {
		for (int w = 0; w < owners.size(); w++) {
			assertThat(table.livePid("writer-" + w)).as("writer-" + w).isEqualTo(owners.get(w).pid());
		}
	}

	private static void insert(EntryTable<String, Boolean> table, Owner owner, String key) {
		Registration<String, Boolean> entry = new Registration<>(null, key, owner, Boolean.TRUE);
		synchronized (owner) {
			assertThat(table.compute(key, null, (existing, given) -> (existing != null) ? existing : entry)).isSameAs(entry);
		}
	}

}
