package dev.procreg.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A segment of an {@link EntryTable} is rebuilt by the writer that finds it full, under its
 * stripe: the other segments' writers go on meanwhile, its own wait for the new table, its
 * readers read the old one, and a rebuild that fails leaves the segment as it was.
 */
@ExtendWith(RuntimeExtension.class)
class EntryTableRebuildTests {

	private final ProcessRuntime runtime;

	EntryTableRebuildTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@AfterEach
	void reset() {
		RegistryFaults.reset();
	}

	/**
	 * A rebuild of segment 0, stopped before it publishes its table: a writer of segment 1 lands
	 * meanwhile, segment 0's keys are read from the old table, and a writer and a pid clear of
	 * segment 0 wait for the new table and write it. A table that stops every writer for a
	 * rebuild (the gate it had before) keeps the writer of segment 1 waiting too.
	 */
	@Test
	void aRebuildStopsOnlyTheWritersOfItsOwnSegment() throws Exception {
		EntryTable<String, Boolean> table = new EntryTable<>(2);
		List<String> zero = keysOf(2, 0, 40);
		String other = keysOf(2, 1, 1).get(0);
		Owner filler = idleOwner(this.runtime);
		Owner writerOwner = idleOwner(this.runtime);
		Owner otherOwner = idleOwner(this.runtime);
		Owner dying = idleOwner(this.runtime);
		Registration<String, Boolean> dyingEntry = insert(table, dying, zero.get(0));
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean paused = new AtomicBoolean();
		List<Thread> waiting = new ArrayList<>();
		List<Boolean> otherLandedDuringTheRebuild = new ArrayList<>();
		List<Integer> readDuringTheRebuild = new ArrayList<>();
		int[] inserted = { 1 };
		RegistryFaults.beforeRebuildPublished = () -> {
			if (inserted[0] < 8 || !paused.compareAndSet(false, true)) {
				return;
			}
			Thread otherWriter = Thread.ofPlatform().start(() -> insert(table, otherOwner, other));
			waiting.add(Thread.ofPlatform().start(() -> insert(table, writerOwner, zero.get(39))));
			waiting.add(Thread.ofPlatform().start(() -> table.clearPid(dyingEntry)));
			try {
				otherWriter.join(Await.LONG.toMillis());
			}
			catch (InterruptedException ex) {
				throw new AssertionError(ex);
			}
			otherLandedDuringTheRebuild.add(!otherWriter.isAlive() && table.livePid(other) == otherOwner.pid());
			await().atMost(Await.LONG).until(() -> waiting.stream().allMatch((t) -> t.getState() == Thread.State.BLOCKED));
			readDuringTheRebuild.add((int) zero.subList(1, inserted[0]).stream()
				.filter((key) -> table.livePid(key) == filler.pid())
				.count());
			release.countDown();
		};
		for (int i = 1; !paused.get(); i++) {
			insert(table, filler, zero.get(i));
			inserted[0] = i + 1;
		}
		for (Thread thread : waiting) {
			thread.join(Await.LONG.toMillis());
			assertThat(thread.isAlive()).as("a writer of the rebuilt segment still waits").isFalse();
		}

		assertThat(release.getCount()).isZero();
		assertThat(otherLandedDuringTheRebuild).as("the other segment's writer landed while the rebuild stood still")
			.containsExactly(true);
		assertThat(readDuringTheRebuild).as("the rebuilt segment's keys read from its old table")
			.containsExactly(inserted[0] - 2);
		assertThat(table.livePid(zero.get(39))).isEqualTo(writerOwner.pid());
		assertThat(table.livePid(zero.get(0))).as("the pid cleared in the new table").isSameAs(EntryTable.ASK_THE_ENTRY);
		assertThat(table.get(zero.get(0))).isSameAs(dyingEntry);
		for (String key : zero.subList(1, inserted[0])) {
			assertThat(table.livePid(key)).as(key).isEqualTo(filler.pid());
		}
		assertThat(table.size()).isEqualTo(inserted[0] - 1 + 2 + 1);
	}

	/** A rebuild that fails before it publishes (a stack running out) leaves the segment as it was, and writable. */
	@Test
	void aRebuildThatFailsLeavesItsSegmentAsItWas() {
		EntryTable<String, Boolean> table = new EntryTable<>(1);
		Owner owner = idleOwner(this.runtime);
		insert(table, owner, "a");
		insert(table, owner, "b");
		int capacity = table.capacity();
		AtomicBoolean failed = new AtomicBoolean();
		RegistryFaults.beforeRebuildPublished = () -> {
			if (failed.compareAndSet(false, true)) {
				throw new StackOverflowError("planted: the rebuilding writer's stack ran out");
			}
		};
		Registration<String, Boolean> c = new Registration<>(null, "c", owner, Boolean.TRUE);
		synchronized (owner) {
			assertThatThrownBy(() -> table.compute("c", null, (existing, given) -> c)).isInstanceOf(StackOverflowError.class);
		}

		assertThat(table.capacity()).isEqualTo(capacity);
		assertThat(table.get("c")).isNull();
		assertThat(table.size()).isEqualTo(2);
		insert(table, owner, "c");
		assertThat(table.capacity()).isGreaterThan(capacity);
		assertThat(List.of("a", "b", "c")).allMatch((key) -> table.livePid(key) == owner.pid());
	}

	/**
	 * A function given to a write that writes the same segment again is refused: it would write
	 * the table the outer write is probing, or rebuild it from under the outer write. Neither
	 * write lands.
	 */
	@Test
	void aWriteFromInsideAWriteOfTheSameSegmentIsRefused() {
		EntryTable<String, Boolean> table = new EntryTable<>(2);
		Owner owner = idleOwner(this.runtime);
		List<String> keys = keysOf(2, 1, 2);
		Registration<String, Boolean> outer = new Registration<>(null, keys.get(0), owner, Boolean.TRUE);
		Registration<String, Boolean> inner = new Registration<>(null, keys.get(1), owner, Boolean.TRUE);
		synchronized (owner) {
			assertThatThrownBy(() -> table.compute(keys.get(0), outer, (existing, given) -> {
				table.compute(keys.get(1), inner, (e, g) -> g);
				return given;
			})).isInstanceOf(IllegalStateException.class).hasMessageContaining("from inside another write of the same stripe");
		}
		assertThat(table.get(keys.get(0))).isNull();
		assertThat(table.get(keys.get(1))).isNull();
		assertThat(table.size()).isZero();
		insert(table, owner, keys.get(0));
		assertThat(table.livePid(keys.get(0))).as("the segment is free again").isEqualTo(owner.pid());
	}

	@Test
	void theLargestTableDropsItsTombstonesAndRefusesAKeyPastHalf() {
		// 1 segment of 16 slots at most: 8 keys fill half of the largest table
		EntryTable<String, Boolean> table = new EntryTable<>(1, false, 16);
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
					.hasMessage("a registry's unique keys are full: 8 keys in 16 slots of one of its segments, the most one segment holds"),
				"the key past half of the largest table");
		assertThat(table.get("held-8")).as("the refused key").isNull();
		assertThat(table.size()).isEqualTo(8);
		for (int i = 0; i < 8; i++) {
			assertThat(table.livePid("held-" + i)).as("held-" + i).isEqualTo(owner.pid());
		}
		// a removal takes no slot: one of an absent key is neither refused nor rebuilds
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

	/** @return the first {@code count} keys {@code key-N} whose hashes take {@code segment} of {@code stripes} (their top bits) */
	static List<String> keysOf(int stripes, int segment, int count) {
		List<String> keys = new ArrayList<>();
		for (int i = 0; keys.size() < count; i++) {
			String key = "key-" + i;
			if (((EntryTable.spread(key.hashCode()) >>> 26) & (stripes - 1)) == segment) {
				keys.add(key);
			}
		}
		return keys;
	}

	private static Registration<String, Boolean> insert(EntryTable<String, Boolean> table, Owner owner, String key) {
		Registration<String, Boolean> entry = new Registration<>(null, key, owner, Boolean.TRUE);
		synchronized (owner) {
			assertThat(table.compute(key, null, (existing, given) -> (existing != null) ? existing : entry)).isSameAs(entry);
		}
		return entry;
	}

}
