package dev.procreg.registry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.Down;
import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessExitException;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Owner;
import dev.procreg.process.internal.OwnerFaults;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static dev.procreg.registry.RegistryTestSupport.idleOwner;
import static dev.procreg.registry.RegistryTestSupport.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Failures in one place must not take the registry's promises with them: a key whose
 * {@code toString} throws while its owner's crash is reported, a listener that throws an
 * {@code Error}, a lock taker that dies between taking and holding the lock, an unregister whose
 * write fails at a rebuild's gate.
 */
@ExtendWith(RuntimeExtension.class)
class RegistryFailureIsolationTests {

	private final ProcessRuntime runtime;

	RegistryFailureIsolationTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@AfterEach
	void reset() {
		RegistryFaults.reset();
		OwnerFaults.reset();
	}

	/**
	 * A register whose attach to its owner fails after the write (a call past the end of the
	 * stack) takes its entry out again: left in its slot and not attached, it kept the owner's pid
	 * after the owner's death, and every later lookup returned the dead pid.
	 */
	@Test
	void aRegisterWhoseAttachFailsLeavesNoEntry() throws Exception {
		List<String> events = new CopyOnWriteArrayList<>();
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("a")
			.withListener((RegistryListener<String, String>) (event) -> events
				.add(event.getClass().getSimpleName() + " " + event.key())));
		Owner owner = idleOwner(this.runtime);
		Owner next = idleOwner(this.runtime);
		RegistryFaults.afterWrite = overflowOnce("the register's stack ran out between its write and its attach");
		assertThatThrownBy(() -> registry.register(owner, "k", "v")).isInstanceOf(StackOverflowError.class);
		RegistryFaults.reset();

		assertThat(registry.whereisOrNull("k")).as("the key of the register that failed").isNull();
		assertThat(registry.count()).isZero();
		this.runtime.exit(owner.pid(), ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> !owner.isAlive());
		assertThat(registry.whereisOrNull("k")).as("the key, after its would-be owner's death").isNull();
		assertThat(registry.register(next, "k", "v")).isNull();
		assertThat(registry.whereisOrNull("k")).isEqualTo(next.pid());
		await().atMost(Await.LONG).until(() -> events.size() == 3);
		assertThat(events).containsExactly("Registered k", "Unregistered k", "Registered k");
	}

	/**
	 * The same for a duplicate key: a register that fails between its bucket's write and its
	 * attach takes its entry out of the bucket. Left there, it was found by lookups while its
	 * owner lived, though the register had failed, and no death ever took it out.
	 */
	@Test
	void aDuplicateRegisterWhoseAttachFailsLeavesNoEntry() throws Exception {
		List<String> events = new CopyOnWriteArrayList<>();
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("dup")
			.withListener((RegistryListener<String, String>) (event) -> events
				.add(event.getClass().getSimpleName() + " " + event.key())));
		Owner owner = idleOwner(this.runtime);
		Owner other = idleOwner(this.runtime);
		registry.register(other, "k", "v");
		RegistryFaults.afterWrite = overflowOnce("the register's stack ran out between its write and its attach");
		assertThatThrownBy(() -> registry.register(owner, "k", "v")).isInstanceOf(StackOverflowError.class);
		RegistryFaults.reset();

		assertThat(registry.lookup("k")).as("the entries of k").extracting(RegistryEntry::pid).containsExactly(other.pid());
		assertThat(registry.count()).isEqualTo(1);
		assertThat(registry.keyCount()).isEqualTo(1);
		assertEveryDeathCountsOut(registry, other.pid());
		await().atMost(Await.LONG).until(() -> events.size() == 4);
		assertThat(events).containsExactly("Registered k", "Registered k", "Unregistered k", "Unregistered k");
	}

	/**
	 * A duplicate register whose owner dies on another thread just after the attach, and which
	 * then fails (a call past the end of the stack), leaves {@code count()} exact: the death counts
	 * the entry out, so it must have been counted in by then. Counted after the attach, without
	 * the owner's lock, the count was one short for good.
	 */
	@Test
	void aDuplicateRegisterThatFailsAsItsOwnerDiesElsewhereLeavesTheCountExact() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("dup3"));
		Owner owner = idleOwner(this.runtime);
		Owner other = idleOwner(this.runtime);
		registry.register(other, "k", "v");
		RegistryFaults.afterDuplicateAttach = () -> {
			RegistryFaults.afterDuplicateAttach = () -> {
			};
			Thread killer = Thread.ofPlatform().start(() -> this.runtime.exit(owner.pid(), ExitReason.KILL));
			try {
				killer.join(Await.LONG.toMillis());
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
			throw new StackOverflowError("the register's stack ran out as its owner died elsewhere");
		};
		assertThatThrownBy(() -> registry.register(owner, "k", "v")).isInstanceOf(StackOverflowError.class);
		RegistryFaults.reset();
		await().atMost(Await.LONG).until(() -> !owner.isAlive());

		await().atMost(Await.LONG)
			.untilAsserted(() -> assertThat(registry.lookup("k")).extracting(RegistryEntry::pid).containsExactly(other.pid()));
		assertThat(registry.count()).isEqualTo(1);
		assertEveryDeathCountsOut(registry, other.pid());
	}

	/**
	 * An unregister whose count of the entry out fails (a call past the end of the stack) leaves
	 * the entry attached and counted, for the next unregister or the owner's death: counted out
	 * after the detach, the entry was taken out and {@code count()} stayed one high for good. A
	 * unique key's entry stays in its slot too (the count fails inside the slot's removal, which
	 * then does not happen). A duplicate key's entry is already out of its bucket, taken out before
	 * the detach (see the next test): it is counted until the owner's next unregister of the key,
	 * or its death, counts it out.
	 */
	@Test
	void anUnregisterWhoseCountFailsLeavesTheUniqueEntryRegisteredAndCounted() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("out1"));
		Owner owner = idleOwner(this.runtime);
		failTheCountOut(registry, owner);

		assertThat(registry.lookup("k")).as("the entries of k").extracting(RegistryEntry::pid).containsExactly(owner.pid());
		assertThat(registry.count()).isEqualTo(2);
		assertTheSecondUnregisterAndTheDeathsCountExactly(registry, owner);
	}

	@Test
	void anUnregisterWhoseCountFailsLeavesTheDuplicateEntryCountedUntilTheNextUnregister() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("out2"));
		Owner owner = idleOwner(this.runtime);
		failTheCountOut(registry, owner);

		assertThat(registry.lookup("k")).as("the entries of k").isEmpty();
		assertThat(registry.count()).isEqualTo(2);
		assertTheSecondUnregisterAndTheDeathsCountExactly(registry, owner);
	}

	/** Kills the registry's last owners: once their keys are gone, the count must be back to zero. */
	private void assertEveryDeathCountsOut(ProcessRegistry<String, String> registry, Pid... owners) {
		for (Pid pid : owners) {
			this.runtime.exit(pid, ExitReason.KILL);
		}
		await().atMost(Await.LONG).until(() -> registry.keyCount() == 0);
		assertThat(registry.count()).isZero();
	}

	/** Registers {@code owner} under k and another process under j, then fails the count of k's unregister. */
	private void failTheCountOut(ProcessRegistry<String, String> registry, Owner owner) {
		registry.register(owner, "k", "v");
		registry.register(idleOwner(this.runtime), "j", "w");
		RegistryFaults.beforeCountOut = overflowOnce("the unregister's stack ran out counting the entry out");
		assertThatThrownBy(() -> registry.unregister(owner, "k")).isInstanceOf(StackOverflowError.class);
		RegistryFaults.reset();
	}

	private void assertTheSecondUnregisterAndTheDeathsCountExactly(ProcessRegistry<String, String> registry, Owner owner)
			throws Exception {
		assertThat(registry.unregister(owner, "k")).as("the second unregister").isTrue();
		assertThat(registry.lookup("k")).isEmpty();
		assertThat(registry.count()).isEqualTo(1);
		registry.register(owner, "k", "v");
		assertEveryDeathCountsOut(registry, owner.pid(), registry.lookup("j").get(0).pid());
	}

	/**
	 * A register whose count of the entry in fails (a call past the end of the stack, inside the
	 * attach) leaves no entry: not counted, not returned by a lookup, and the key free for the
	 * next register. Marked attached before it was counted, the entry would be counted out by a
	 * detach or a death that never counted it in. For a unique key and for a duplicate one.
	 */
	@Test
	void aRegisterWhoseCountFailsLeavesNoUniqueEntry() throws Exception {
		assertARegisterWhoseCountFailsLeavesNoEntry(ProcessRegistry.start(this.runtime, RegistryOptions.unique("in1")));
	}

	@Test
	void aRegisterWhoseCountFailsLeavesNoDuplicateEntry() throws Exception {
		assertARegisterWhoseCountFailsLeavesNoEntry(ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("in2")));
	}

	private void assertARegisterWhoseCountFailsLeavesNoEntry(ProcessRegistry<String, String> registry) throws Exception {
		Owner owner = idleOwner(this.runtime);
		Owner other = idleOwner(this.runtime);
		registry.register(other, "j", "w");
		RegistryFaults.beforeCountIn = overflowOnce("the register's stack ran out counting the entry in");
		assertThatThrownBy(() -> registry.register(owner, "k", "v")).isInstanceOf(StackOverflowError.class);
		RegistryFaults.reset();

		assertThat(registry.lookup("k")).as("the entries of k").isEmpty();
		assertThat(registry.count()).isEqualTo(1);
		assertThat(registry.register(owner, "k", "v")).as("the second register").isNull();
		assertThat(registry.count()).isEqualTo(2);
		assertEveryDeathCountsOut(registry, owner.pid(), other.pid());
	}

	/**
	 * A unique register whose count fails inside the attach, and whose clean-up then fails too
	 * (the stack running out twice), leaves its entry among the owner's hooks, uncounted, with the
	 * owner's pid in its slot. The owner's death must clear that pid before the owner is marked
	 * dead, as for any entry: skipped for an entry not marked attached, a lookup returned the dead
	 * pid until the hook took the entry out.
	 */
	@Test
	void anEntryLeftByARegisterThatFailedTwiceNeverShowsItsDeadOwner() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("twice"));
		Owner owner = idleOwner(this.runtime);
		registerFailingTwice(registry, owner);
		assertThat(registry.count()).as("an entry never counted").isZero();
		CountDownLatch cleanupHeld = new CountDownLatch(1);
		CountDownLatch cleanupReached = new CountDownLatch(1);
		RegistryFaults.beforeCleanup = () -> {
			cleanupReached.countDown();
			try {
				cleanupHeld.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		};
		Thread killer = Thread.ofPlatform().start(() -> this.runtime.exit(owner.pid(), ExitReason.KILL));
		try {
			assertThat(cleanupReached.await(Await.LONG.toMillis(), TimeUnit.MILLISECONDS)).as("the death's clean-up began").isTrue();
			assertThat(owner.isAlive()).isFalse();
			assertThat(registry.whereisOrNull("k")).as("k's owner, dead, before the clean-up").isNull();
			assertThat(registry.count()).isZero();
		}
		finally {
			cleanupHeld.countDown();
			killer.join(Await.LONG.toMillis());
		}
		await().atMost(Await.LONG).until(() -> registry.keyCount() == 0);
		assertThat(registry.whereisOrNull("k")).isNull();
	}

	/**
	 * A duplicate unregister racing its owner's death on another thread tells the entry's end
	 * once, as what ended it: an {@code Unregistered} without an exit reason when the unregister
	 * took it out (and says so), one with the death's reason when the death did. The kill comes
	 * just before the unregister takes the entry out of its bucket, and the death's clean-up is
	 * held until the unregister returns: without the owner's lock, the death had counted the entry
	 * out, and the unregister then told its end as an unregister and answered that it had not
	 * unregistered it (a review found it).
	 */
	@Test
	void aDuplicateUnregisterRacingItsOwnersDeathTellsOneEndWithTheRightReason() throws Exception {
		List<RegistryEvent<String, String>> events = new CopyOnWriteArrayList<>();
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.duplicate("race").withListener((RegistryListener<String, String>) events::add));
		Owner owner = idleOwner(this.runtime);
		registry.register(owner, "k", "v");
		List<Thread> killer = new CopyOnWriteArrayList<>();
		RegistryFaults.beforeUnlink = () -> {
			RegistryFaults.beforeUnlink = () -> {
			};
			Thread kill = Thread.ofPlatform().start(() -> this.runtime.exit(owner.pid(), ExitReason.KILL));
			killer.add(kill);
			// the kill marks the owner dead now, or waits for the owner's lock this unregister holds
			await().atMost(Await.LONG).until(() -> !owner.isAlive() || kill.getState() == Thread.State.BLOCKED);
		};
		CountDownLatch unregistered = new CountDownLatch(1);
		RegistryFaults.beforeCleanup = () -> {
			try {
				unregistered.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		};
		boolean removed;
		try {
			removed = registry.unregister(owner, "k");
		}
		finally {
			unregistered.countDown();
		}
		killer.get(0).join(Await.LONG.toMillis());
		await().atMost(Await.LONG).until(() -> !owner.isAlive() && registry.keyCount() == 0);

		await().atMost(Await.LONG).until(() -> events.size() == 2);
		assertThat(events.get(0)).isInstanceOf(RegistryEvent.Registered.class);
		RegistryEvent.Unregistered<String, String> end = (RegistryEvent.Unregistered<String, String>) events.get(1);
		if (removed) {
			assertThat(end.exitReason()).as("the end told for an unregister that took the entry out").isNull();
		}
		else {
			assertThat(end.byExit()).as("the end told for an entry the death took out").isTrue();
		}
		assertThat(registry.count()).isZero();
	}

	/**
	 * A duplicate register whose count-in fails and whose clean-up's detach then fails too (the
	 * stack running out twice) leaves its entry in its bucket among the owner's hooks, not marked
	 * and not counted: the owner's unregister must still take it out. Refused for want of the
	 * mark, it stayed in the lookups while the owner lived (a review found it).
	 */
	@Test
	void aDuplicateEntryLeftByARegisterThatFailedTwiceCanBeUnregistered() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("twice2"));
		Owner owner = idleOwner(this.runtime);
		registerFailingTwice(registry, owner);

		assertThat(registry.count()).as("an entry never counted").isZero();
		assertThat(registry.unregister(owner, "k")).as("the unregister of the entry left").isTrue();
		assertThat(registry.lookup("k")).isEmpty();
		assertThat(registry.count()).isZero();
		assertThat(registry.keyCount()).isZero();
	}

	/**
	 * A duplicate unregister that fails taking its entry out of the bucket (a call past the end of
	 * the stack) leaves the entry registered, attached and counted, for the next unregister or the
	 * owner's death. Detached first, the entry stayed in its bucket, uncounted, returned by
	 * lookups while its owner lived, and no death ever took it out (a review found it).
	 */
	@Test
	void aDuplicateUnregisterThatFailsInItsBucketLeavesTheEntryRegisteredAndCounted() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("out3"));
		Owner owner = idleOwner(this.runtime);
		Owner other = idleOwner(this.runtime);
		registry.register(owner, "k", "v");
		registry.register(other, "k", "w");
		RegistryFaults.beforeUnlink = overflowOnce("the unregister's stack ran out taking the entry out of its bucket");
		assertThatThrownBy(() -> registry.unregister(owner, "k")).isInstanceOf(StackOverflowError.class);
		RegistryFaults.reset();

		assertThat(registry.lookup("k")).extracting(RegistryEntry::pid).containsExactlyInAnyOrder(owner.pid(), other.pid());
		assertThat(registry.count()).isEqualTo(2);
		assertThat(registry.unregister(owner, "k")).as("the second unregister").isTrue();
		assertThat(registry.lookup("k")).extracting(RegistryEntry::pid).containsExactly(other.pid());
		assertThat(registry.count()).isEqualTo(1);
		assertEveryDeathCountsOut(registry, owner.pid(), other.pid());
	}

	/**
	 * A duplicate register that fails inside its bucket's write, after its entry joined a bucket
	 * already in the map and before its event (a call past the end of the stack), takes the entry
	 * out of the bucket: left there, lookups returned it though the register had thrown, and no
	 * death ever took it out (a review found it).
	 */
	@Test
	void aDuplicateRegisterThatFailsInsideItsBucketsWriteLeavesNoEntry() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("dup2"));
		Owner a = idleOwner(this.runtime);
		Owner b = idleOwner(this.runtime);
		registry.register(a, "k", "a");
		RegistryFaults.afterAppend = overflowOnce("the stack ran out before the register's event");
		assertThatThrownBy(() -> registry.register(b, "k", "b")).isInstanceOf(StackOverflowError.class);
		RegistryFaults.reset();

		assertThat(registry.lookup("k")).as("the entries of k").extracting(RegistryEntry::pid).containsExactly(a.pid());
		assertThat(registry.count()).isEqualTo(1);
		this.runtime.exit(a.pid(), ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> registry.keyCount() == 0);
		assertThat(registry.lookup("k")).isEmpty();
		assertThat(registry.count()).isZero();
	}

	/**
	 * An unregister whose function fails after it detached the entry (a call past the end of the
	 * stack, here at the fault point right after the detach) leaves the table as it was: the entry
	 * must not stay there detached, with its owner's pid and no hook to clear it at the death.
	 */
	@Test
	void anUnregisterThatFailsAfterItsDetachLeavesNoEntry() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("d"));
		Owner owner = idleOwner(this.runtime);
		Owner next = idleOwner(this.runtime);
		assertThat(registry.register(owner, "k", "v")).isNull();
		RegistryFaults.afterDetach = overflowOnce("the unregister's stack ran out after the detach, inside its write");
		assertThatThrownBy(() -> registry.unregister(owner, "k")).isInstanceOf(StackOverflowError.class);
		RegistryFaults.reset();

		assertThat(registry.whereisOrNull("k")).as("the key whose unregister failed after its detach").isNull();
		this.runtime.exit(owner.pid(), ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> !owner.isAlive());
		assertThat(registry.whereisOrNull("k")).as("the key, after its owner's death").isNull();
		assertThat(registry.count()).isZero();
		assertThat(registry.register(next, "k", "v")).isNull();
	}

	/**
	 * An attach that fails before it links the entry among its owner's hooks (a call past the
	 * end of the stack, here the hook's own {@code childRestarts}) leaves the owner's other hooks
	 * alone: the clean-up's detach found the hook marked attached and not linked, and unlinked
	 * every other hook of the owner with it, whose keys then kept the dead owner's pid.
	 */
	@Test
	void anAttachThatFailsBeforeItLinksLeavesTheOwnersOtherHooks() throws Exception {
		AtomicBoolean failNext = new AtomicBoolean();
		ProcessRegistry.Partitions partitions = new ProcessRegistry.Partitions() {

			@Override
			public <K, V> Partition<K, V> create(ProcessRegistry<K, V> registry, int index) {
				return new Partition<>(registry, index) {

					@Override
					Registration<K, V> newUnique(K key, Owner owner, @Nullable V value) {
						return new Registration<>(this, key, owner, value) {

							@Override
							protected int childRestarts() {
								if (failNext.compareAndSet(true, false)) {
									throw new StackOverflowError("planted: a call inside the attach, before the link");
								}
								return -1;
							}

						};
					}

				};
			}

		};
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("b"),
				partitions);
		Owner owner = idleOwner(this.runtime);
		Owner next = idleOwner(this.runtime);
		assertThat(registry.register(owner, "other", "v")).isNull();
		int hooksBefore = owner.hooks().size();
		failNext.set(true);
		assertThatThrownBy(() -> registry.register(owner, "k", "v")).isInstanceOf(StackOverflowError.class);

		assertThat(registry.whereisOrNull("k")).isNull();
		assertThat(owner.hooks()).as("the owner's hooks after the failed attach").hasSize(hooksBefore);
		this.runtime.exit(owner.pid(), ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> !owner.isAlive());
		assertThat(registry.whereisOrNull("other")).as("the dead owner's other key").isNull();
		assertThat(registry.register(next, "other", "v")).isNull();
	}

	/**
	 * An unregister that comes while the table is rebuilt helps copy it, and a helper's stack can
	 * run out there. The entry then stays where it was, and it must stay the owner's exit hook
	 * too: detached before the failed write, it kept its slot and its owner's pid after the
	 * owner's death, and every later lookup returned the dead pid, every register of the key was
	 * refused.
	 */
	@Test
	void anUnregisterWhoseWriteFailsLeavesTheEntryToItsOwnersDeath() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("u"));
		Owner owner = idleOwner(this.runtime);
		Owner filler = idleOwner(this.runtime);
		Owner next = idleOwner(this.runtime);
		assertThat(registry.register(owner, "k", "v")).isNull();
		AtomicBoolean paused = new AtomicBoolean();
		List<Thread> unregistering = new CopyOnWriteArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		RegistryFaults.afterChunkClaimed = () -> {
			if (!unregistering.isEmpty() && Thread.currentThread() == unregistering.get(0)) {
				throw new StackOverflowError("planted: the unregistering helper's stack ran out as it took a chunk");
			}
		};
		RegistryFaults.afterChunkCopied = () -> {
			EntryTable.Copy copy = registry.uniques.copyUnderWay();
			if (copy == null || copy.chunks() < 4 || !paused.compareAndSet(false, true)) {
				return;
			}
			// the rebuild stands still after a chunk; the unregister comes, helps, and fails
			Thread thread = Thread.ofPlatform().unstarted(() -> {
				try {
					registry.unregister(owner, "k");
				}
				catch (StackOverflowError ex) {
					failures.add(ex);
				}
			});
			unregistering.add(thread);
			thread.start();
			await().atMost(Await.LONG).until(() -> !thread.isAlive());
		};
		int fillers = 0;
		while (!paused.get()) {
			registry.register(filler, "filler-" + fillers++, "v");
		}
		RegistryFaults.reset();
		int held = fillers;
		assertThat(failures).as("the unregister that failed in its write").hasSize(1);
		assertThat(registry.whereisOrNull("k")).as("the key, still registered").isEqualTo(owner.pid());

		this.runtime.exit(owner.pid(), ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> registry.whereisOrNull("k") == null && registry.count() == held);

		assertThat(registry.register(next, "k", "v")).as("the holder that refuses a register of the dead owner's key")
			.isNull();
		assertThat(registry.whereisOrNull("k")).isEqualTo(next.pid());
		assertThat(registry.count()).isEqualTo(held + 1);
	}

	/**
	 * The same with a write that fails in its probe, before its function runs, because the key's
	 * {@code equals} throws there: the entry stays its owner's, and the owner's death clears it.
	 */
	@Test
	void anUnregisterWhoseKeyFailsInTheWriteLeavesTheEntryToItsOwnersDeath() throws Exception {
		ProcessRegistry<FlakyKey, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("u"));
		Owner owner = idleOwner(this.runtime);
		Owner next = idleOwner(this.runtime);
		assertThat(registry.register(owner, new FlakyKey("k"), "v")).isNull();

		FlakyKey.failInWrites = true;
		try {
			// an equal key, not the registered object: the write's probe compares them
			assertThatThrownBy(() -> registry.unregister(owner, new FlakyKey("k"))).isInstanceOf(StackOverflowError.class);
		}
		finally {
			FlakyKey.failInWrites = false;
		}
		assertThat(registry.whereisOrNull(new FlakyKey("k"))).as("the key, still registered").isEqualTo(owner.pid());

		this.runtime.exit(owner.pid(), ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> registry.whereisOrNull(new FlakyKey("k")) == null && registry.count() == 0);

		assertThat(registry.register(next, new FlakyKey("k"), "v")).as("the holder that refuses a register of the dead owner's key")
			.isNull();
		assertThat(registry.whereisOrNull(new FlakyKey("k"))).isEqualTo(next.pid());
		assertThat(registry.count()).isEqualTo(1);
	}

	/** A key whose {@code equals} throws inside an entry table's write while {@link #failInWrites}. */
	record FlakyKey(String name) {

		static volatile boolean failInWrites;

		@Override
		public boolean equals(Object other) {
			if (failInWrites && StackWalker.getInstance()
				.walk((frames) -> frames.anyMatch((frame) -> frame.getClassName().equals(EntryTable.class.getName())
						&& frame.getMethodName().equals("write")))) {
				throw new StackOverflowError("planted: the stack ran out in an entry table's write");
			}
			return other instanceof FlakyKey key && key.name.equals(this.name);
		}

		@Override
		public int hashCode() {
			return this.name.hashCode();
		}

	}

	/**
	 * A kill whose stack runs out as the death clears one of the owner's slot pids (a kill made
	 * deep in a recursion) still kills: the clear runs again on a fresh stack, under the owner's
	 * lock, and the death goes on. Thrown on, the error stopped the death half way: the killer got a
	 * {@code StackOverflowError}, the owner lived on, and one of its entries was already counted out.
	 */
	@Test
	void aKillWhoseStackRunsOutClearingAPidStillKills() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("d"));
		Owner owner = idleOwner(this.runtime);
		Owner next = idleOwner(this.runtime);
		assertThat(registry.register(owner, "k", "v")).isNull();
		assertThat(registry.register(owner, "other", "v")).isNull();
		AtomicInteger clears = new AtomicInteger();
		RegistryFaults.beforeClearPid = () -> {
			if (clears.getAndIncrement() == 0) {
				throw new StackOverflowError("planted: the killer's stack ran out clearing a pid");
			}
		};

		this.runtime.exit(owner.pid(), ExitReason.KILL);
		RegistryFaults.reset();

		assertThat(clears).as("the clears: the failed one, its second run, the other key's").hasValue(3);
		assertThat(owner.isAlive()).isFalse();
		assertThat(registry.whereisOrNull("k")).isNull();
		assertThat(registry.whereisOrNull("other")).isNull();
		assertThat(registry.count()).as("each entry counted out once").isZero();
		assertThat(registry.register(next, "k", "v")).isNull();
		assertThat(registry.count()).isEqualTo(1);
	}

	/**
	 * The same, with the killer's stack running out again as it waits for the hook's second run
	 * (the wait needs stack too, at the depth where the first run failed). The killer waits on,
	 * holding the owner, until the hook has run: let go at once, it left the owner alive and the
	 * hook running with no lock, and a second kill ran the same hook beside it and counted the
	 * entry out twice (a review found it).
	 */
	@Test
	void aKillerWhoseWaitForTheFreshStackRunsOutHoldsTheOwnerUntilTheHookIsDone() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("j"));
		Owner owner = idleOwner(this.runtime);
		Owner next = idleOwner(this.runtime);
		assertThat(registry.register(owner, "k", "v")).isNull();
		CountDownLatch helperIn = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean first = new AtomicBoolean(true);
		RegistryFaults.beforeClearPid = () -> {
			if (Thread.currentThread().getName().equals("procreg-owner-dying")) {
				helperIn.countDown();
				awaitUninterruptibly(release);
			}
			else if (first.compareAndSet(true, false)) {
				throw new StackOverflowError("planted: the killer's stack ran out clearing a pid");
			}
		};
		OwnerFaults.beforeFreshStackAwaited = overflowOnce("the killer's stack ran out again, waiting for the hook");
		List<Throwable> killErrors = new CopyOnWriteArrayList<>();
		Thread killer = Thread.ofPlatform().start(() -> {
			try {
				this.runtime.exit(owner.pid(), ExitReason.KILL);
			}
			catch (Throwable ex) {
				killErrors.add(ex);
			}
		});
		assertThat(helperIn.await(Await.LONG.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		Thread secondKiller = Thread.ofPlatform().start(() -> this.runtime.exit(owner.pid(), ExitReason.KILL));
		try {
			await().atMost(Await.LONG).until(() -> secondKiller.getState() == Thread.State.BLOCKED);
			assertThat(owner.isAlive()).as("the owner while its hook runs again").isTrue();
		}
		finally {
			release.countDown();
		}
		killer.join(Await.LONG.toMillis());
		secondKiller.join(Await.LONG.toMillis());
		OwnerFaults.reset();

		assertThat(killErrors).as("the first kill's errors").isEmpty();
		assertThat(owner.isAlive()).isFalse();
		assertThat(registry.whereisOrNull("k")).isNull();
		assertThat(registry.count()).as("the entry counted out once").isZero();
		assertThat(registry.register(next, "x", "v")).isNull();
		assertThat(registry.count()).isEqualTo(1);
	}

	/** @return a fault that throws a {@code StackOverflowError} the first time it runs, as a stack running out there would */
	/**
	 * Registers {@code owner} under k with the stack running out twice: counting the entry in,
	 * inside the attach, then in the register's clean-up, detaching it.
	 */
	private static void registerFailingTwice(ProcessRegistry<String, String> registry, Owner owner) {
		RegistryFaults.beforeCountIn = overflowOnce("the register's stack ran out counting the entry in");
		RegistryFaults.beforeDetached = overflowOnce("and again in its clean-up's detach");
		assertThatThrownBy(() -> registry.register(owner, "k", "v")).isInstanceOf(StackOverflowError.class);
		RegistryFaults.reset();
	}

	private static Runnable overflowOnce(String planted) {
		AtomicBoolean thrown = new AtomicBoolean();
		return () -> {
			if (thrown.compareAndSet(false, true)) {
				throw new StackOverflowError("planted: " + planted);
			}
		};
	}

	/**
	 * A kill made from inside a table write (a key's {@code equals} that kills, called in the
	 * write's probe, under a stripe) whose stack runs out clearing the dying owner's pid in that
	 * same stripe: the clear cannot run on another thread, which would wait for the stripe the
	 * killer holds while the killer waits for it. The error goes on, and the owner dies at the
	 * next kill. Its own runtime, which a hung killer would keep from closing.
	 */
	@Test
	void aKillFromInsideATableWriteWhoseStackRunsOutFailsRatherThanHangs() throws Exception {
		ProcessRuntime local = ProcessRuntime.start();
		boolean stuck = true;
		try {
			ProcessRegistry<Object, String> registry = ProcessRegistry.start(local, RegistryOptions.unique("n"));
			Owner victim = idleOwner(local);
			Owner writer = idleOwner(local);
			Hashed victimKey = new Hashed("victim", 42);
			assertThat(registry.register(victim, victimKey, "v")).isNull();
			KillingKey killing = new KillingKey(42, () -> local.exit(victim.pid(), ExitReason.KILL));
			RegistryFaults.beforeClearPid = overflowOnce("the killer's stack ran out clearing a pid, inside a write");
			List<Throwable> errors = new CopyOnWriteArrayList<>();
			Thread registering = Thread.ofPlatform().daemon().start(() -> {
				try {
					registry.register(writer, killing, "w");
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
			});
			registering.join(Await.LONG.toMillis());
			stuck = registering.isAlive();
			assertThat(stuck).as("the register whose key killed, still waiting for the clear").isFalse();
			assertThat(errors).singleElement().isInstanceOf(StackOverflowError.class);
			RegistryFaults.reset();

			assertThat(victim.isAlive()).as("the owner whose death could not be done").isTrue();
			assertThat(registry.whereisOrNull(victimKey)).isEqualTo(victim.pid());
			local.exit(victim.pid(), ExitReason.KILL);
			assertThat(victim.isAlive()).isFalse();
			assertThat(registry.whereisOrNull(victimKey)).isNull();
			assertThat(registry.count()).isZero();
		}
		finally {
			if (!stuck) {
				local.close();
			}
		}
	}

	/** A key with the hash code it is given. */
	record Hashed(String name, int hash) {

		@Override
		public int hashCode() {
			return this.hash;
		}

	}

	/**
	 * A key that equals nothing and, compared inside an entry table's write the first time,
	 * runs {@code kill} there.
	 */
	record KillingKey(int hash, Runnable kill, AtomicBoolean killed) {

		KillingKey(int hash, Runnable kill) {
			this(hash, kill, new AtomicBoolean());
		}

		@Override
		public boolean equals(Object other) {
			if (StackWalker.getInstance()
				.walk((frames) -> frames.anyMatch((frame) -> frame.getClassName().equals(EntryTable.class.getName())
						&& frame.getMethodName().equals("write")))
					&& this.killed.compareAndSet(false, true)) {
				this.kill.run();
			}
			return other == this;
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		boolean interrupted = false;
		for (;;) {
			try {
				latch.await();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void aKeyThatCannotBePrintedDoesNotStopTheCleanupOfItsCrashedOwner() throws Exception {
		ProcessRegistry<BadKey, Integer> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("r"));
		BadKey key = new BadKey("x");
		CountDownLatch registered = new CountDownLatch(1);
		CountDownLatch crash = new CountDownLatch(1);
		Pid victim = this.runtime.spawn((ctx) -> {
			registry.register(key, 1);
			registered.countDown();
			crash.await();
			throw new IllegalStateException("boom");
		});
		registered.await();
		CompletableFuture<Object> down = new CompletableFuture<>();
		CountDownLatch monitoring = new CountDownLatch(1);
		this.runtime.spawn((ctx) -> {
			ctx.monitor(victim);
			monitoring.countDown();
			down.complete(ctx.receive());
		});
		monitoring.await();
		key.broken = true;
		crash.countDown();
		assertThat(down.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(Down.class, (d) -> assertThat(d.pid()).isEqualTo(victim));
		assertThat(this.runtime.isAlive(victim)).isFalse();
		assertThat(registry.count()).isZero();
		assertThat(registry.lookup(key)).isEmpty();
	}

	@Test
	void aListenerThrowingAnErrorDoesNotStopLaterEvents() {
		List<RegistryEvent<String, Integer>> seen = new CopyOnWriteArrayList<>();
		RegistryListener<String, Integer> failing = (event) -> {
			if (seen.isEmpty()) {
				seen.add(event);
				throw new AssertionError("a listener bug");
			}
			seen.add(event);
		};
		ProcessRegistry<String, Integer> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("events").withListener(failing));
		for (String key : List.of("a", "b", "c")) {
			this.runtime.spawn((ctx) -> {
				registry.register(key, 1);
				ctx.receive();
			});
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
		assertThat(seen).extracting(RegistryEvent::key).containsExactlyInAnyOrder("a", "b", "c");
	}

	@Test
	void aLockTakerThatDiesBeforeHoldingTheLockWakesTheWaiters() throws Exception {
		Owner taker = owner(this.runtime, this.runtime.spawn((ctx) -> ctx.receive()));
		Owner waiter = owner(this.runtime, this.runtime.spawn((ctx) -> ctx.receive()));
		RegistryLocks locks = new RegistryLocks();
		CompletableFuture<Object> taken = new CompletableFuture<>();
		CompletableFuture<Object> waited = new CompletableFuture<>();
		Thread takerThread;
		Thread waiterThread;
		// holding the taker's monitor stops it between putting its holder and attaching it
		synchronized (taker) {
			takerThread = Thread.ofPlatform().start(() -> complete(taken, () -> locks.run(taker, "L", ProcessRegistry.DEFAULT_LOCK_STUCK_TIMEOUT, () -> "taker ran")));
			await().until(() -> takerThread.getState() == Thread.State.BLOCKED);
			waiterThread = Thread.ofPlatform().start(() -> complete(waited, () -> locks.run(waiter, "L", ProcessRegistry.DEFAULT_LOCK_STUCK_TIMEOUT, () -> "waiter ran")));
			await().until(() -> waiterThread.getState() == Thread.State.WAITING);
			this.runtime.exit(taker.pid(), ExitReason.KILL);
		}
		assertThat(taken.get(10, TimeUnit.SECONDS)).isInstanceOf(ProcessExitException.class);
		assertThat(waited.get(10, TimeUnit.SECONDS)).as("the waiter got the freed lock").isEqualTo("waiter ran");
	}

	private static void complete(CompletableFuture<Object> future, java.util.function.Supplier<Object> action) {
		try {
			future.complete(action.get());
		}
		catch (Throwable ex) {
			future.complete(ex);
		}
	}

	/** A key whose toString fails once it is broken. */
	static final class BadKey {

		private final String id;

		volatile boolean broken;

		BadKey(String id) {
			this.id = id;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof BadKey that && this.id.equals(that.id);
		}

		@Override
		public int hashCode() {
			return this.id.hashCode();
		}

		@Override
		public String toString() {
			if (this.broken) {
				throw new IllegalStateException("toString bug");
			}
			return this.id;
		}

	}

}
