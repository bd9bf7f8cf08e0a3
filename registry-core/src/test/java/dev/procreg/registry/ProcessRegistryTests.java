package dev.procreg.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.partition.Partitioning;
import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.RegistryTestSupport.Agent;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** Every operation of the registry, on unique and duplicate keys. */
@ExtendWith(RuntimeExtension.class)
class ProcessRegistryTests {

	private final ProcessRuntime runtime;

	ProcessRegistryTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	private ProcessRegistry<String, String> unique() {
		return ProcessRegistry.start(this.runtime, RegistryOptions.unique("unique"));
	}

	private ProcessRegistry<String, String> duplicate(RegistryOptions options) {
		return ProcessRegistry.start(this.runtime, options);
	}

	@Test
	void registerThenLookupWhereisAndConflict() {
		ProcessRegistry<String, String> registry = unique();
		Agent a = new Agent(this.runtime);
		Agent b = new Agent(this.runtime);
		assertThat(a.call(() -> registry.register("k", "va"))).isEqualTo(new RegisterResult.Registered());
		assertThat(b.call(() -> registry.register("k", "vb"))).isEqualTo(new RegisterResult.AlreadyRegistered(a.pid));
		assertThat(a.call(() -> registry.register("k", "again"))).as("registering twice names the caller")
			.isEqualTo(new RegisterResult.AlreadyRegistered(a.pid));
		assertThat(registry.lookup("k")).containsExactly(new RegistryEntry<>("k", a.pid, "va"));
		assertThat(registry.whereis("k")).contains(a.pid);
		assertThat(registry.whereisOrNull("k")).isEqualTo(a.pid);
		assertThat(registry.whereis("other")).isEmpty();
		assertThat(registry.whereisOrNull("other")).isNull();
		assertThat(registry.lookup("other")).isEmpty();
		assertThat(registry.count()).isEqualTo(1);
		assertThat(registry.partitionStats().get(0).conflicts()).isEqualTo(2);
	}

	@Test
	void unregisterRemovesOnlyTheCallersOwnKey() {
		ProcessRegistry<String, String> registry = unique();
		Agent a = new Agent(this.runtime);
		Agent b = new Agent(this.runtime);
		a.call(() -> registry.register("k", "v"));
		assertThat(b.call(() -> registry.unregister("k"))).as("not the owner").isFalse();
		assertThat(registry.whereis("k")).contains(a.pid);
		assertThat(a.call(() -> registry.unregister("k"))).isTrue();
		assertThat(a.call(() -> registry.unregister("k"))).isFalse();
		assertThat(registry.lookup("k")).isEmpty();
		assertThat(registry.count()).isZero();
		assertThat(b.call(() -> registry.register("k", "vb"))).isEqualTo(new RegisterResult.Registered());
		assertThat(registry.whereis("k")).contains(b.pid);
	}

	@Test
	void deathRemovesEntriesAndFreesTheKey() {
		ProcessRegistry<String, String> registry = unique();
		Agent a = new Agent(this.runtime);
		a.call(() -> registry.register("k", "v"));
		a.kill();
		assertThat(this.runtime.isAlive(a.pid)).isFalse();
		assertThat(registry.whereis("k")).isEmpty();
		assertThat(registry.whereisOrNull("k")).isNull();
		assertThat(registry.count()).isZero();
		assertThat(registry.keyCount()).isZero();
		Agent b = new Agent(this.runtime);
		assertThat(b.call(() -> registry.register("k", "vb"))).isEqualTo(new RegisterResult.Registered());
	}

	@Test
	void unregisterMatchOnUniqueAndDuplicateKeys() {
		ProcessRegistry<String, String> registry = unique();
		Agent a = new Agent(this.runtime);
		a.call(() -> registry.register("k", "keep"));
		assertThat(a.call(() -> registry.unregisterMatch("k", "drop"::equals))).isZero();
		assertThat(registry.whereis("k")).contains(a.pid);
		assertThat(a.call(() -> registry.unregisterMatch("k", "keep"::equals))).isEqualTo(1);
		assertThat(registry.whereis("k")).isEmpty();

		ProcessRegistry<String, String> flows = duplicate(RegistryOptions.duplicate("flows"));
		a.run(() -> {
			flows.register("d", "x1");
			flows.register("d", "y");
			flows.register("d", "x2");
		});
		Agent other = new Agent(this.runtime);
		other.call(() -> flows.register("d", "x3"));
		assertThat(a.call(() -> flows.unregisterMatch("d", (v) -> v.startsWith("x")))).isEqualTo(2);
		assertThat(flows.lookup("d")).extracting(RegistryEntry::pid, RegistryEntry::value)
			.containsExactlyInAnyOrder(tuple(a.pid, "y"), tuple(other.pid, "x3"));
		assertThat(flows.count()).isEqualTo(2);
	}

	@Test
	void duplicateKeysHoldManyEntriesAndUnregisterRemovesAllOfTheCallers() {
		ProcessRegistry<String, String> flows = duplicate(RegistryOptions.duplicate("flows"));
		Agent a = new Agent(this.runtime);
		Agent b = new Agent(this.runtime);
		assertThat(a.call(() -> flows.register("d", "a1"))).isEqualTo(new RegisterResult.Registered());
		assertThat(a.call(() -> flows.register("d", "a2"))).isEqualTo(new RegisterResult.Registered());
		assertThat(b.call(() -> flows.register("d", "b1"))).isEqualTo(new RegisterResult.Registered());
		assertThat(flows.lookup("d")).containsExactly(new RegistryEntry<>("d", a.pid, "a1"),
				new RegistryEntry<>("d", a.pid, "a2"), new RegistryEntry<>("d", b.pid, "b1"));
		assertThat(flows.count()).isEqualTo(3);
		assertThat(a.call(() -> flows.unregister("d"))).isTrue();
		assertThat(flows.lookup("d")).containsExactly(new RegistryEntry<>("d", b.pid, "b1"));
		b.kill();
		assertThat(flows.lookup("d")).isEmpty();
		assertThat(flows.count()).isZero();
		assertThat(flows.keyCount()).isZero();
	}

	@Test
	void matchSelectAndCounts() {
		ProcessRegistry<String, Integer> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.duplicate("scores").withPartitions(4));
		Agent a = new Agent(this.runtime);
		Agent b = new Agent(this.runtime);
		a.run(() -> {
			registry.register("x", 1);
			registry.register("x", 5);
			registry.register("y", 7);
		});
		b.run(() -> registry.register("x", 9));
		assertThat(registry.match("x", (v) -> v > 3)).extracting(RegistryEntry::value).containsExactlyInAnyOrder(5, 9);
		assertThat(registry.countMatch("x", (v) -> v > 3)).isEqualTo(2);
		assertThat(registry.countMatch("nothing", (v) -> true)).isZero();
		List<String> selected = registry.select((e) -> e.value() >= 5 && e.pid().equals(a.pid),
				(e) -> e.key() + "=" + e.value());
		assertThat(selected).containsExactlyInAnyOrder("x=5", "y=7");
		assertThat(registry.countSelect((e) -> e.key().equals("x"))).isEqualTo(3);
		assertThat(registry.count()).isEqualTo(4);
		a.kill();
		assertThat(registry.select((e) -> true, RegistryEntry::value)).containsExactly(9);
		assertThat(registry.countSelect((e) -> true)).isEqualTo(1);
		assertThat(registry.count()).isEqualTo(1);
	}

	@Test
	void keysAndValuesOfAProcess() {
		ProcessRegistry<String, String> flows = duplicate(RegistryOptions.duplicate("flows").withPartitions(3));
		ProcessRegistry<String, String> other = duplicate(RegistryOptions.duplicate("other"));
		Agent a = new Agent(this.runtime);
		a.run(() -> {
			flows.register("k1", "v1");
			flows.register("k2", "v2");
			flows.register("k1", "v3");
			other.register("k1", "elsewhere");
		});
		assertThat(flows.keys(a.pid)).containsExactly("k1", "k2", "k1");
		assertThat(flows.values("k1", a.pid)).containsExactly("v1", "v3");
		assertThat(flows.values("k2", a.pid)).containsExactly("v2");
		assertThat(other.keys(a.pid)).containsExactly("k1");
		a.kill();
		assertThat(flows.keys(a.pid)).isEmpty();
		assertThat(flows.values("k1", a.pid)).isEmpty();
	}

	@Test
	void dispatchCallsOncePerPartitionHoldingEntriesNeverEmpty() {
		ProcessRegistry<String, String> byPid = duplicate(
				RegistryOptions.duplicate("byPid").withPartitions(8).withPartitionBy(PartitionBy.PID));
		List<Agent> agents = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			Agent agent = new Agent(this.runtime);
			agent.call(() -> byPid.register("topic", "v"));
			agents.add(agent);
		}
		Set<Integer> partitionsHolding = new java.util.HashSet<>();
		for (Partition<String, String> partition : partitionsOf(byPid)) {
			List<Object> found = new ArrayList<>();
			partition.forEachDuplicate("topic", found::add);
			if (!found.isEmpty()) {
				partitionsHolding.add(partition.index);
			}
		}
		List<List<RegistryEntry<String, String>>> calls = new CopyOnWriteArrayList<>();
		byPid.dispatch("topic", calls::add);
		assertThat(calls).hasSize(partitionsHolding.size()).allSatisfy((list) -> assertThat(list).isNotEmpty());
		assertThat(calls.stream().mapToInt(List::size).sum()).isEqualTo(20);

		calls.clear();
		byPid.dispatchParallel("topic", calls::add);
		assertThat(calls).hasSize(partitionsHolding.size()).allSatisfy((list) -> assertThat(list).isNotEmpty());
		assertThat(calls.stream().flatMap(List::stream).map(RegistryEntry::pid))
			.containsExactlyInAnyOrderElementsOf(agents.stream().map((a) -> a.pid).toList());

		calls.clear();
		byPid.dispatch("nobody", calls::add);
		byPid.dispatchParallel("nobody", calls::add);
		assertThat(calls).as("never called with an empty list").isEmpty();

		ProcessRegistry<String, String> byKey = duplicate(
				RegistryOptions.duplicate("byKey").withPartitions(8).withPartitionBy(PartitionBy.KEY));
		for (Agent agent : agents) {
			agent.call(() -> byKey.register("topic", "w"));
		}
		calls.clear();
		byKey.dispatch("topic", calls::add);
		assertThat(calls).hasSize(1);
		assertThat(calls.get(0)).hasSize(20);
		calls.clear();
		byKey.dispatchParallel("topic", calls::add);
		assertThat(calls).hasSize(1);
	}

	@Test
	void dispatchParallelRethrowsTheConsumersException() {
		ProcessRegistry<String, String> byPid = duplicate(RegistryOptions.duplicate("byPid").withPartitions(4));
		for (int i = 0; i < 8; i++) {
			new Agent(this.runtime).call(() -> byPid.register("topic", "v"));
		}
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> byPid.dispatchParallel("topic", (entries) -> {
				throw new IllegalArgumentException("consumer failed");
			}))
			.hasMessage("consumer failed");
	}

	@Test
	void dispatchOnAUniqueKeyAndSkipsTheDead() {
		ProcessRegistry<String, String> registry = unique();
		Agent a = new Agent(this.runtime);
		a.call(() -> registry.register("k", "v"));
		List<List<RegistryEntry<String, String>>> calls = new ArrayList<>();
		registry.dispatch("k", calls::add);
		assertThat(calls).containsExactly(List.of(new RegistryEntry<>("k", a.pid, "v")));
		a.kill();
		calls.clear();
		registry.dispatch("k", calls::add);
		assertThat(calls).isEmpty();
	}

	@Test
	void partitionByModesPlaceEntries() {
		ProcessRegistry<String, String> byKey = duplicate(
				RegistryOptions.duplicate("byKey").withPartitions(4).withPartitionBy(PartitionBy.KEY));
		ProcessRegistry<String, String> byPid = duplicate(
				RegistryOptions.duplicate("byPid").withPartitions(4).withPartitionBy(PartitionBy.PID));
		assertThat(byKey.partitionBy()).isEqualTo(PartitionBy.KEY);
		assertThat(byKey.partitions()).isEqualTo(4);
		assertThat(byKey.keys()).isEqualTo(Keys.DUPLICATE);
		Agent a = new Agent(this.runtime);
		a.run(() -> {
			for (int i = 0; i < 16; i++) {
				byKey.register("one-key", "v" + i);
				byPid.register("k" + i, "v" + i);
			}
		});
		assertThat(byKey.partitionStats()).filteredOn((s) -> s.entries() > 0).singleElement()
			.satisfies((s) -> assertThat(s.entries()).isEqualTo(16));
		assertThat(byPid.partitionStats()).as("one process's entries share a partition when partitioned by pid")
			.filteredOn((s) -> s.entries() > 0).singleElement()
			.satisfies((s) -> assertThat(s.keys()).isEqualTo(16));
		assertThat(byKey.lookup("one-key")).hasSize(16);
		assertThat(byPid.lookup("k3")).extracting(RegistryEntry::value).containsExactly("v3");

		ProcessRegistry<String, String> uniqueParts = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("uniqueParts").withPartitions(4));
		a.run(() -> {
			for (int i = 0; i < 40; i++) {
				uniqueParts.register("u" + i, "v");
			}
		});
		assertThat(uniqueParts.partitionStats()).as("unique keys spread over partitions by key")
			.filteredOn((s) -> s.entries() > 0).hasSizeGreaterThan(1);
		assertThat(uniqueParts.count()).isEqualTo(40);
		for (int i = 0; i < 40; i++) {
			assertThat(uniqueParts.whereis("u" + i)).contains(a.pid);
		}
	}

	/**
	 * A partitioned unique registry keeps every partition's keys in its one table, so that a lookup
	 * need not route; each partition still counts the keys routed to it, before and after some
	 * leave by unregister and some by their owner's death.
	 */
	@Test
	void partitionsOfAUniqueRegistryShareOneTableAndCountTheirOwnKeys() {
		List<Partition<?, ?>> partitions = new ArrayList<>();
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("oneTable").withPartitions(4), new ProcessRegistry.Partitions() {
					@Override
					public <K, V> Partition<K, V> create(ProcessRegistry<K, V> owner, int index) {
						Partition<K, V> partition = new Partition<>(owner, index);
						partitions.add(partition);
						return partition;
					}
				});
		Agent a = new Agent(this.runtime);
		Agent b = new Agent(this.runtime);
		int[] routed = new int[4];
		for (int i = 0; i < 200; i++) {
			String key = "k" + i;
			routed[Partitioning.index(key, 4)]++;
			assertThat((i % 2 == 0 ? a : b).call(() -> registry.register(key, "v"))).isEqualTo(new RegisterResult.Registered());
		}

		assertThat(partitions).hasSize(4).allSatisfy((partition) -> assertThat(partition.uniques).isSameAs(registry.uniques));
		assertThat(registry.uniques.size()).isEqualTo(200);
		assertThat(registry.partitionStats()).extracting(PartitionStats::keys)
			.containsExactly((long) routed[0], (long) routed[1], (long) routed[2], (long) routed[3]);
		assertThat(registry.keyCount()).isEqualTo(200);

		int[] left = routed.clone();
		for (int i = 0; i < 200; i += 4) {
			String key = "k" + i;
			left[Partitioning.index(key, 4)]--;
			assertThat(a.call(() -> registry.unregister(key))).isTrue();
		}
		for (int i = 1; i < 200; i += 2) {
			left[Partitioning.index("k" + i, 4)]--;
		}
		this.runtime.exit(b.pid, ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> registry.keyCount() == 50);

		assertThat(registry.partitionStats()).extracting(PartitionStats::keys)
			.containsExactly((long) left[0], (long) left[1], (long) left[2], (long) left[3]);
		for (int i = 0; i < 200; i++) {
			assertThat(registry.whereisOrNull("k" + i)).as("k%d", i).isEqualTo((i % 4 == 2) ? a.pid : null);
		}
	}

	@Test
	void updateValueByTheOwnerReturnsNewAndOld() {
		ProcessRegistry<String, String> registry = unique();
		Agent a = new Agent(this.runtime);
		a.call(() -> registry.register("k", "v1"));
		ValueUpdate<String> update = a.call(() -> registry.updateValue("k", (old) -> old + "+"));
		assertThat(update).isEqualTo(new ValueUpdate.Updated<>("v1+", "v1"));
		assertThat(registry.lookup("k")).containsExactly(new RegistryEntry<>("k", a.pid, "v1+"));
	}

	@Test
	void registryMetadata() {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("withMeta").withMeta("owner", "donations"));
		assertThat(registry.meta("owner")).contains("donations");
		registry.putMeta("region", "id");
		assertThat(registry.meta()).containsEntry("owner", "donations").containsEntry("region", "id");
		registry.deleteMeta("owner");
		assertThat(registry.meta("owner")).isEmpty();
		assertThat(registry.meta()).containsOnlyKeys("region");
	}

	@Test
	void lockIsMutuallyExclusivePerKey() throws Exception {
		ProcessRegistry<String, String> registry = unique();
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger maxInside = new AtomicInteger();
		AtomicInteger otherKeyRuns = new AtomicInteger();
		int workers = 8;
		CountDownLatch done = new CountDownLatch(workers);
		for (int w = 0; w < workers; w++) {
			this.runtime.spawn((ctx) -> {
				for (int i = 0; i < 200; i++) {
					registry.lock("L", () -> {
						int now = inside.incrementAndGet();
						maxInside.accumulateAndGet(now, Math::max);
						Thread.yield();
						inside.decrementAndGet();
						return null;
					});
				}
				registry.lock("other", otherKeyRuns::incrementAndGet);
				done.countDown();
			});
		}
		Await.latch(done);
		assertThat(maxInside.get()).isEqualTo(1);
		assertThat(otherKeyRuns.get()).isEqualTo(workers);
	}

	@Test
	void lockHeldByAProcessThatDiesIsReleased() {
		ProcessRegistry<String, String> registry = unique();
		CountDownLatch holding = new CountDownLatch(1);
		Pid holder = this.runtime.spawn((ctx) -> registry.lock("L", () -> {
			holding.countDown();
			ctx.receive();
			return null;
		}));
		Await.latch(holding);
		CompletableFuture<String> second = new CompletableFuture<>();
		CountDownLatch waiting = new CountDownLatch(1);
		this.runtime.spawn((ctx) -> {
			waiting.countDown();
			second.complete(registry.lock("L", () -> "got it"));
		});
		Await.latch(waiting);
		assertThat(second).isNotDone();
		this.runtime.exit(holder, ExitReason.KILL);
		assertThat(Await.result(second)).isEqualTo("got it");
	}

	@Test
	void lockReentryByTheHolderIsRefusedAndAThrowingActionReleases() {
		ProcessRegistry<String, String> registry = unique();
		Agent a = new Agent(this.runtime);
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> a.call(() -> registry.lock("L", () -> registry.lock("L", () -> "nested"))))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("already holds registry lock L");
		assertThat(a.call(() -> registry.lock("L", () -> "free again"))).isEqualTo("free again");
		Agent b = new Agent(this.runtime);
		assertThat(b.call(() -> registry.lock("L", () -> "b too"))).isEqualTo("b too");
	}

	@Test
	void partitionStatsCountRegistrationsUnregistrationsAndConflicts() {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("stats").withPartitions(2));
		Agent a = new Agent(this.runtime);
		Agent b = new Agent(this.runtime);
		a.run(() -> {
			registry.register("k1", "v");
			registry.register("k2", "v");
			registry.register("k3", "v");
			registry.unregister("k3");
		});
		b.call(() -> registry.register("k1", "v"));
		a.kill();
		List<PartitionStats> stats = registry.partitionStats();
		assertThat(stats).extracting(PartitionStats::partition).containsExactly(0, 1);
		assertThat(stats.stream().mapToLong(PartitionStats::registrations).sum()).isEqualTo(3);
		assertThat(stats.stream().mapToLong(PartitionStats::unregistrations).sum()).isEqualTo(3);
		assertThat(stats.stream().mapToLong(PartitionStats::unregistrationsByExit).sum()).isEqualTo(2);
		assertThat(stats.stream().mapToLong(PartitionStats::conflicts).sum()).isEqualTo(1);
		assertThat(stats.stream().mapToLong(PartitionStats::entries).sum()).isZero();
		assertThat(stats.stream().mapToLong(PartitionStats::keys).sum()).isZero();
	}

	@Test
	void registriesAreFoundByNameInTheirRuntime() {
		ProcessRegistry<String, String> registry = unique();
		ProcessRegistry<String, String> flows = duplicate(RegistryOptions.duplicate("flows"));
		assertThat(ProcessRegistry.named(this.runtime, "unique")).containsSame(registry);
		assertThat(ProcessRegistry.named(this.runtime, "nope")).isEmpty();
		assertThat(ProcessRegistry.all(this.runtime)).containsExactly(registry, flows);
		try (ProcessRuntime other = ProcessRuntime.start()) {
			assertThat(ProcessRegistry.named(other, "unique")).isEmpty();
			assertThat(ProcessRegistry.start(other, RegistryOptions.unique("unique")).name()).isEqualTo("unique");
		}
	}

	@Test
	void whereisOnADuplicateRegistryIsRefused() {
		ProcessRegistry<String, String> flows = duplicate(RegistryOptions.duplicate("flows"));
		assertThatIllegalStateException().isThrownBy(() -> flows.whereis("k")).withMessageContaining("duplicate keys");
		assertThatIllegalStateException().isThrownBy(() -> flows.whereisOrNull("k")).withMessageContaining("duplicate keys");
	}

	@SuppressWarnings("unchecked")
	static <K, V> List<Partition<K, V>> partitionsOf(ProcessRegistry<K, V> registry) {
		try {
			var field = ProcessRegistry.class.getDeclaredField("partitions");
			field.setAccessible(true);
			return List.of((Partition<K, V>[]) field.get(registry));
		}
		catch (ReflectiveOperationException ex) {
			throw new AssertionError(ex);
		}
	}


}
