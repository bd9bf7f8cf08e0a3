package dev.procreg.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.process.internal.Owner;
import dev.procreg.testing.Await;
import dev.procreg.testing.IdleServer;
import dev.procreg.testing.RuntimeExtension;

import static dev.procreg.registry.RegistryTestSupport.owner;
import static dev.procreg.registry.RegistryTestSupport.idleOwner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Promises 1, 2 and 5 under concurrency, and the fault points that pin the dangerous steps. */
@ExtendWith(RuntimeExtension.class)
class RegistryConcurrencyTests {

	private final ProcessRuntime runtime;

	private final ExecutorService pool = Executors.newFixedThreadPool(4);

	RegistryConcurrencyTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@AfterEach
	void close() throws InterruptedException {
		RegistryFaults.reset();
		this.pool.shutdownNow();
		assertThat(this.pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
	}

	/** Every read of the registry that could return {@code pid}: the list of what they returned that is {@code pid}. */
	private static List<String> readsReturning(ProcessRegistry<String, String> registry, String key, Pid pid) {
		List<String> stale = new ArrayList<>();
		if (registry.lookup(key).stream().anyMatch((e) -> e.pid().equals(pid))) {
			stale.add("lookup");
		}
		if (registry.keys() == Keys.UNIQUE && registry.whereis(key).filter(pid::equals).isPresent()) {
			stale.add("whereis");
		}
		if (registry.match(key, (v) -> true).stream().anyMatch((e) -> e.pid().equals(pid))) {
			stale.add("match");
		}
		if (registry.select((e) -> e.pid().equals(pid), RegistryEntry::pid).contains(pid)) {
			stale.add("select");
		}
		if (registry.countSelect((e) -> e.pid().equals(pid)) != 0) {
			stale.add("countSelect");
		}
		if (!registry.keys(pid).isEmpty()) {
			stale.add("keys");
		}
		if (!registry.values(key, pid).isEmpty()) {
			stale.add("values");
		}
		AtomicBoolean dispatched = new AtomicBoolean();
		registry.dispatch(key, (entries) -> {
			if (entries.stream().anyMatch((e) -> e.pid().equals(pid))) {
				dispatched.set(true);
			}
		});
		if (dispatched.get()) {
			stale.add("dispatch");
		}
		return stale;
	}

	private void noStaleReadsOverManyTrials(ProcessRegistry<String, String> registry) throws Exception {
		int trials = 10_000;
		int staleReads = 0;
		List<String> seen = new ArrayList<>();
		for (int i = 0; i < trials; i++) {
			Owner owner = idleOwner(this.runtime);
			Pid pid = owner.pid();
			String key = "k" + (i % 8);
			registry.register(owner, key, "v");
			Future<?> kill = this.pool.submit(() -> this.runtime.exit(pid, ExitReason.KILL));
			while (this.runtime.isAlive(pid)) {
				Thread.onSpinWait();
			}
			// dead now; the killer may still be running the cleanup
			List<String> stale = readsReturning(registry, key, pid);
			if (!stale.isEmpty()) {
				staleReads++;
				seen.addAll(stale);
			}
			kill.get(20, TimeUnit.SECONDS);
		}
		assertThat(staleReads).as("stale reads in %d trials: %s", trials, seen).isZero();
		assertThat(registry.count()).isZero();
		assertThat(registry.keyCount()).isZero();
	}

	@Test
	void tenThousandRegisterKillReadTrialsSeeTheDeadPidZeroTimesUnique() throws Exception {
		noStaleReadsOverManyTrials(ProcessRegistry.start(this.runtime, RegistryOptions.unique("u").withPartitions(2)));
	}

	@Test
	void tenThousandRegisterKillReadTrialsSeeTheDeadPidZeroTimesDuplicate() throws Exception {
		noStaleReadsOverManyTrials(ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("d").withPartitions(2)));
	}

	/**
	 * A unique key's slot carries its live owner's pid, which a death clears and a table rebuild
	 * carries over: deaths racing rebuilds must never leave a dead owner's pid where {@code whereis}
	 * or a refused register would find it. A churn of short-lived keys fills the table with
	 * tombstones, so it is rebuilt again and again, and 20,000 held keys make each rebuild long.
	 */
	@Test
	void deathsRacingTableRebuildsLeaveNoDeadPidToFind() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("rebuilt"));
		Owner keeper = idleOwner(this.runtime);
		for (int i = 0; i < 20_000; i++) {
			registry.register(keeper, "held-" + i, "v");
		}
		Owner churner = idleOwner(this.runtime);
		Owner registrar = idleOwner(this.runtime);
		AtomicBoolean stop = new AtomicBoolean();
		Future<Integer> churn = this.pool.submit(() -> {
			int writes = 0;
			while (!stop.get()) {
				String key = "churn-" + writes++;
				registry.register(churner, key, "v");
				registry.unregister(churner, key);
			}
			return writes;
		});
		int trials = 5_000;
		List<String> stale = new ArrayList<>();
		AtomicReference<@Nullable String> dyingKey = new AtomicReference<>();
		AtomicReference<@Nullable Pid> dyingPid = new AtomicReference<>();
		// the reads run in the window a read can see: the owner is dead, its entry not removed yet
		RegistryFaults.beforeCleanup = () -> {
			String key = dyingKey.get();
			Pid pid = dyingPid.get();
			if (registry.whereis(key).filter(pid::equals).isPresent()) {
				stale.add("whereis " + key);
			}
			Pid holder = registry.register(registrar, key, "v");
			if (pid.equals(holder)) {
				stale.add("refused register " + key);
			}
			else if (holder == null) {
				registry.unregister(registrar, key);
			}
		};
		try {
			for (int i = 0; i < trials; i++) {
				Owner owner = idleOwner(this.runtime);
				String key = "k" + (i % 16);
				assertThat(registry.register(owner, key, "v")).isNull();
				dyingKey.set(key);
				dyingPid.set(owner.pid());
				this.runtime.exit(owner.pid(), ExitReason.KILL);
				assertThat(this.runtime.isAlive(owner.pid())).isFalse();
			}
		}
		finally {
			stop.set(true);
		}
		assertThat(churn.get(20, TimeUnit.SECONDS)).as("churn writes").isGreaterThan(trials);
		assertThat(stale).as("dead pids found in %d trials", trials).isEmpty();
		assertThat(registry.count()).isEqualTo(20_000);
	}

	/**
	 * The same race pinned: an owner dies while its entry's table is being rebuilt, after the
	 * rebuild copied the entry's slot (pid included) and before it publishes the new table. The
	 * death must clear the pid in the table readers will use: it waits for the rebuild (at the
	 * gate in front of the key's stripe), and a read after the new table is out, while the dead
	 * owner's entry is still there, finds no pid of it.
	 */
	@Test
	void aDeathDuringATableRebuildLeavesNoPidInTheNewTable() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("rebuilt"));
		Owner owner = idleOwner(this.runtime);
		Owner filler = idleOwner(this.runtime);
		Owner registrar = idleOwner(this.runtime);
		assertThat(registry.register(owner, "k", "v")).isNull();
		AtomicReference<@Nullable Thread> killer = new AtomicReference<>();
		CountDownLatch published = new CountDownLatch(1);
		RegistryFaults.beforeRebuildPublished = () -> {
			if (killer.get() != null) {
				return;
			}
			Thread started = Thread.ofPlatform().unstarted(() -> this.runtime.exit(owner.pid(), ExitReason.KILL));
			killer.set(started);
			started.start();
			// the killer waits at the gate (a death that respects the rebuild), waits in the cleanup for
			// the new table, or is done: the rebuild goes on in every case
			await().atMost(Await.LONG)
				.until(() -> started.getState() == Thread.State.WAITING
						|| started.getState() == Thread.State.TIMED_WAITING || !started.isAlive());
		};
		List<String> stale = new ArrayList<>();
		RegistryFaults.beforeCleanup = () -> {
			Await.latch(published);
			if (registry.whereis("k").filter(owner.pid()::equals).isPresent()) {
				stale.add("whereis");
			}
			Pid holder = registry.register(registrar, "k", "v");
			if (owner.pid().equals(holder)) {
				stale.add("refused register");
			}
		};
		for (int i = 0; killer.get() == null; i++) {
			registry.register(filler, "fill-" + i, "v");
		}
		published.countDown();
		killer.get().join(TimeUnit.SECONDS.toMillis(20));
		assertThat(killer.get().isAlive()).as("the kill finished").isFalse();
		assertThat(this.runtime.isAlive(owner.pid())).isFalse();
		assertThat(stale).as("reads that found the dead owner after the rebuild").isEmpty();
		assertThat(registry.whereis("k")).contains(registrar.pid());
	}

	@Test
	void aReadBetweenDeathAndCleanupSeesNothingUnique() {
		readBetweenDeathAndCleanup(ProcessRegistry.start(this.runtime, RegistryOptions.unique("u")));
	}

	@Test
	void aReadBetweenDeathAndCleanupSeesNothingDuplicate() {
		readBetweenDeathAndCleanup(
				ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("d").withPartitions(3)));
	}

	private void readBetweenDeathAndCleanup(ProcessRegistry<String, String> registry) {
		Owner owner = idleOwner(this.runtime);
		Owner survivor = idleOwner(this.runtime);
		registry.register(owner, "k", "v");
		if (registry.keys() == Keys.DUPLICATE) {
			registry.register(survivor, "k", "s");
		}
		long keysBefore = registry.keyCount();
		AtomicReference<List<String>> staleAtCleanup = new AtomicReference<>();
		AtomicInteger cleanups = new AtomicInteger();
		AtomicBoolean stillInTable = new AtomicBoolean();
		RegistryFaults.beforeCleanup = () -> {
			if (cleanups.getAndIncrement() == 0) {
				stillInTable.set(registry.keyCount() == keysBefore);
				staleAtCleanup.set(readsReturning(registry, "k", owner.pid()));
			}
		};
		this.runtime.exit(owner.pid(), ExitReason.KILL);
		assertThat(cleanups.get()).isEqualTo(1);
		assertThat(stillInTable).as("the read really happened before the cleanup").isTrue();
		assertThat(staleAtCleanup.get()).isEmpty();
		assertThat(readsReturning(registry, "k", owner.pid())).isEmpty();
		assertThat(registry.count()).isEqualTo(registry.keys() == Keys.DUPLICATE ? 1 : 0);
	}

	/**
	 * A unique key's write and attach run under the owner's lock, and the slot carries the
	 * owner's pid from the write on: a kill that comes between the two must wait for the attach,
	 * then take the entry out with the owner's other hooks. Were the kill let through, the pid
	 * would stay in the slot with no hook to clear it, and reads would return a dead pid.
	 */
	@Test
	void aKillRacingAUniqueWriteWaitsForTheAttachAndLeavesNoEntry() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("u"));
		Owner owner = idleOwner(this.runtime);
		AtomicBoolean writtenAndVisible = new AtomicBoolean();
		KillRace race = new KillRace(registry, owner);
		RegistryFaults.afterWrite = () -> {
			writtenAndVisible.set(registry.keyCount() == 1);
			race.killNow();
		};
		registry.register(owner, "k", "v");
		RegistryFaults.reset();
		race.awaitKill();
		assertThat(writtenAndVisible).as("the kill came after the table write").isTrue();
		assertThat(race.deadPidReads).as("reads that returned the owner killed between the write and the attach")
			.isEmpty();
		assertKilledOwnerLeftNothing(registry, owner);
	}

	/**
	 * An unregister holds the owner's lock from the detach until the entry leaves its slot: a
	 * kill in between must wait. Were it let through, the detached entry would be no hook of the
	 * dying owner, its slot's pid would stay until the removal, and reads would return a dead pid.
	 */
	@Test
	void aKillRacingAUniqueUnregisterWaitsForTheRemoval() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("u"));
		Owner owner = idleOwner(this.runtime);
		assertThat(registry.register(owner, "k", "v")).isNull();
		KillRace race = new KillRace(registry, owner);
		RegistryFaults.afterDetach = race::killNow;
		assertThat(registry.unregister(owner, "k")).isTrue();
		RegistryFaults.reset();
		race.awaitKill();
		assertThat(race.deadPidReads).as("reads that returned the owner killed between the detach and the removal")
			.isEmpty();
		assertKilledOwnerLeftNothing(registry, owner);
	}

	/**
	 * A kill of {@code owner} started from a fault point on another thread: it either goes
	 * through at once, or waits for the owner's lock that the faulting step holds. If it went
	 * through, the reads made then must not return the dead owner.
	 */
	private final class KillRace {

		final ProcessRegistry<String, String> registry;

		final Owner owner;

		final AtomicReference<Thread> killer = new AtomicReference<>();

		final AtomicReference<Future<?>> kill = new AtomicReference<>();

		final List<String> deadPidReads = new CopyOnWriteArrayList<>();

		KillRace(ProcessRegistry<String, String> registry, Owner owner) {
			this.registry = registry;
			this.owner = owner;
		}

		void killNow() {
			this.kill.set(RegistryConcurrencyTests.this.pool.submit(() -> {
				this.killer.set(Thread.currentThread());
				RegistryConcurrencyTests.this.runtime.exit(this.owner.pid(), ExitReason.KILL);
			}));
			await().atMost(java.time.Duration.ofSeconds(20))
				.until(() -> this.kill.get().isDone()
						|| (this.killer.get() != null && this.killer.get().getState() == Thread.State.BLOCKED));
			if (!this.owner.isAlive()) {
				this.deadPidReads.addAll(readsReturning(this.registry, "k", this.owner.pid()));
			}
		}

		void awaitKill() throws Exception {
			this.kill.get().get(20, TimeUnit.SECONDS);
		}

	}

	@Test
	void aKillBetweenWriteAndAttachLeavesNoEntryDuplicate() {
		killBetweenWriteAndAttach(ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("d")));
	}

	private void killBetweenWriteAndAttach(ProcessRegistry<String, String> registry) {
		Owner owner = idleOwner(this.runtime);
		AtomicBoolean writtenAndVisible = new AtomicBoolean();
		RegistryFaults.afterWrite = () -> {
			writtenAndVisible.set(registry.keyCount() == 1);
			this.runtime.exit(owner.pid(), ExitReason.KILL);
			assertThat(readsReturning(registry, "k", owner.pid())).isEmpty();
		};
		registry.register(owner, "k", "v");
		RegistryFaults.reset();
		assertThat(writtenAndVisible).as("the kill came after the table write").isTrue();
		assertKilledOwnerLeftNothing(registry, owner);
	}

	/** The owner is dead, no read returns it, its entry is gone, and another process takes "k". */
	private void assertKilledOwnerLeftNothing(ProcessRegistry<String, String> registry, Owner owner) {
		assertThat(owner.isAlive()).isFalse();
		assertThat(readsReturning(registry, "k", owner.pid())).isEmpty();
		assertThat(registry.count()).isZero();
		assertThat(registry.keyCount()).as("no leftover entry").isZero();
		Owner next = idleOwner(this.runtime);
		assertThat(registry.register(next, "k", "w")).isNull();
		assertThat(registry.lookup("k")).extracting(RegistryEntry::pid).containsExactly(next.pid());
		assertThat(registry.count()).isEqualTo(1);
	}

	@Test
	void listenersSeeRegisteredBeforeUnregisteredWhenAKillRacesTheRegistration() throws Exception {
		Map<Pid, List<RegistryEvent<String, String>>> events = new ConcurrentHashMap<>();
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("u").withListener((RegistryListener<String, String>) (event) -> events
					.computeIfAbsent(event.pid(), (p) -> new CopyOnWriteArrayList<>())
					.add(event)));
		int trials = 3_000;
		List<Pid> pids = new ArrayList<>();
		for (int i = 0; i < trials; i++) {
			Owner owner = idleOwner(this.runtime);
			pids.add(owner.pid());
			CountDownLatch written = new CountDownLatch(1);
			RegistryFaults.afterWrite = written::countDown;
			Future<?> kill = this.pool.submit(() -> {
				Await.latch(written);
				this.runtime.exit(owner.pid(), ExitReason.KILL);
			});
			registry.register(owner, "k" + (i % 4), "v");
			kill.get(20, TimeUnit.SECONDS);
		}
		RegistryFaults.reset();
		long expectedEvents = registry.partitionStats().get(0).registrations() * 2;
		await().atMost(java.time.Duration.ofSeconds(20))
			.until(() -> events.values().stream().mapToLong(List::size).sum() == expectedEvents);
		List<String> wrong = new ArrayList<>();
		for (Pid pid : pids) {
			List<RegistryEvent<String, String>> got = events.getOrDefault(pid, List.of());
			if (!got.isEmpty() && !(got.size() == 2 && got.get(0) instanceof RegistryEvent.Registered
					&& got.get(1) instanceof RegistryEvent.Unregistered<String, String> u
					&& ExitReason.KILLED.equals(u.exitReason()))) {
				wrong.add(pid + ": " + got);
			}
		}
		assertThat(wrong).as("event sequences that lie").isEmpty();
		assertThat(registry.count()).isZero();
	}

	@Test
	void racingRegisterUnregisterStartAndKillNeverLeaveTwoLiveOwners() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("u").withPartitions(2));
		List<String> keys = List.of("a", "b", "c");
		Map<String, Set<Owner>> claims = new ConcurrentHashMap<>();
		keys.forEach((k) -> claims.put(k, ConcurrentHashMap.newKeySet()));
		AtomicBoolean running = new AtomicBoolean(true);
		List<String> violations = new CopyOnWriteArrayList<>();
		AtomicInteger checks = new AtomicInteger();
		// workers run each step (a registry operation plus its bookkeeping in claims) under the
		// read lock, concurrently with each other; the checker takes the write lock, so it sees
		// claims in step with the registry instead of a torn view of them
		ReentrantReadWriteLock steps = new ReentrantReadWriteLock();
		Thread checker = Thread.ofPlatform().start(() -> {
			while (running.get()) {
				steps.writeLock().lock();
				try {
					for (String key : keys) {
						long alive = claims.get(key).stream().filter(Owner::isAlive).count();
						if (alive > 1) {
							violations.add(key + " has " + alive + " live owners");
						}
					}
				}
				finally {
					steps.writeLock().unlock();
				}
				checks.incrementAndGet();
			}
		});
		int threads = 3;
		int stepsPerThread = 4_000;
		List<Future<?>> workers = new ArrayList<>();
		List<Owner> everyOwner = new CopyOnWriteArrayList<>();
		for (int t = 0; t < threads; t++) {
			workers.add(this.pool.submit(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				List<Owner> mine = new ArrayList<>();
				for (int i = 0; i < 3; i++) {
					mine.add(idleOwner(this.runtime));
				}
				everyOwner.addAll(mine);
				for (int step = 0; step < stepsPerThread; step++) {
					steps.readLock().lock();
					try {
						String key = keys.get(random.nextInt(keys.size()));
						int slot = random.nextInt(mine.size());
						Owner owner = mine.get(slot);
						switch (random.nextInt(5)) {
							case 0, 1 -> {
								if (registry.register(owner, key, "v") == null) {
									claims.get(key).add(owner);
								}
							}
							case 2 -> {
								claims.get(key).remove(owner);
								registry.unregister(owner, key);
							}
							case 3 -> {
								StartResult started = GenServer.start(this.runtime, new IdleServer(), null, registry.via(key));
								if (started instanceof StartResult.Started(Pid pid)) {
									Owner server = owner(this.runtime, pid);
									claims.get(key).add(server);
									Owner replaced = mine.set(slot, server);
									this.runtime.exit(replaced.pid(), ExitReason.KILL);
									everyOwner.add(server);
								}
							}
							default -> {
								// kill any live owner, maybe another thread's
								if (!everyOwner.isEmpty()) {
									Owner victim = everyOwner.get(random.nextInt(everyOwner.size()));
									this.runtime.exit(victim.pid(), ExitReason.KILL);
								}
								if (!owner.isAlive()) {
									Owner fresh = idleOwner(this.runtime);
									mine.set(slot, fresh);
									everyOwner.add(fresh);
								}
							}
						}
						for (int s = 0; s < mine.size(); s++) {
							if (!mine.get(s).isAlive()) {
								Owner fresh = idleOwner(this.runtime);
								mine.set(s, fresh);
								everyOwner.add(fresh);
							}
						}
					}
					finally {
						steps.readLock().unlock();
					}
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get(120, TimeUnit.SECONDS);
		}
		running.set(false);
		checker.join();
		assertThat(checks.get()).isPositive();
		assertThat(violations).isEmpty();
		long liveEntries = 0;
		for (String key : keys) {
			List<Owner> alive = claims.get(key).stream().filter(Owner::isAlive).toList();
			assertThat(alive).as("live owners of %s", key).hasSizeLessThanOrEqualTo(1);
			assertThat(registry.whereis(key)).isEqualTo(alive.stream().findFirst().map(Owner::pid));
			liveEntries += registry.lookup(key).size();
		}
		assertThat(registry.count()).as("count equals live entries once quiet").isEqualTo(liveEntries);
		assertThat(registry.keyCount()).isEqualTo(liveEntries);
	}

	@Test
	void countEqualsLiveEntriesOnceQuietOnADuplicateRegistry() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.duplicate("d").withPartitions(4));
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < 3; t++) {
			workers.add(this.pool.submit(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				List<Owner> mine = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					mine.add(idleOwner(this.runtime));
				}
				for (int step = 0; step < 5_000; step++) {
					int slot = random.nextInt(mine.size());
					Owner owner = mine.get(slot);
					String key = "k" + random.nextInt(3);
					switch (random.nextInt(4)) {
						case 0, 1 -> registry.register(owner, key, "v");
						case 2 -> registry.unregister(owner, key);
						default -> {
							this.runtime.exit(owner.pid(), ExitReason.KILL);
							mine.set(slot, idleOwner(this.runtime));
						}
					}
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get(120, TimeUnit.SECONDS);
		}
		long live = 0;
		for (int k = 0; k < 3; k++) {
			live += registry.lookup("k" + k).size();
		}
		assertThat(registry.count()).isEqualTo(live);
		assertThat(registry.countSelect((e) -> true)).isEqualTo(live);
		assertThat(registry.partitionStats().stream().mapToLong(PartitionStats::entries).sum()).isEqualTo(live);
	}

	static final class Subscriber extends GenServer<Object> {

		private final ProcessRegistry<String, Integer> registry;

		Subscriber(ProcessRegistry<String, Integer> registry) {
			this.registry = registry;
		}

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			this.registry.register("topic", (Integer) arg);
			return ok("subscribed");
		}

	}

	@Test
	void tenThousandOwnersOfOneDuplicateKeyAreCleanedUpWhenKilled() {
		ProcessRegistry<String, Integer> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.duplicate("d").withPartitionBy(PartitionBy.KEY).withPartitions(2));
		List<Pid> pids = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			pids.add(GenServer.start(this.runtime, new Subscriber(registry), i).orThrow());
		}
		assertThat(registry.count()).isEqualTo(10_000);
		assertThat(registry.lookup("topic")).hasSize(10_000);
		for (Pid pid : pids) {
			this.runtime.exit(pid, ExitReason.KILL);
		}
		assertThat(registry.count()).isZero();
		assertThat(registry.lookup("topic")).isEmpty();
		assertThat(registry.keyCount()).isZero();
	}

}
