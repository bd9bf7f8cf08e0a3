package dev.procreg.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.procreg.group.ProcessGroups;
import dev.procreg.partition.Partitioning;
import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.RegistryTestSupport.Agent;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Stateful random tests over the real API: seeded random chains of register, unregister, join,
 * leave, kill and read, run by processes on virtual threads against a unique registry, a
 * duplicate registry and a group scope. After every step, every lookup, whereis, count and group
 * membership must equal a simple model (maps of slots). A kill is checked twice: while the dead
 * owner's cleanup is held back by a fault point (the dead owner must already be gone from every
 * read, promise 1) and after it.
 *
 * <p>A failing chain names its seed and its steps; {@code -Dprocreg.chain.seed=<seed>} replays
 * exactly that chain. Without it, each run tries {@value #CHAINS} fresh chains.
 *
 * <p>The suite proves its power on a planted bug: over {@link StaleReadPartition}s a unique read
 * skips the owner's liveness check, and the chains must catch it.
 */
class RegistryActionChainTests {

	/** The system property that replays one chain. */
	static final String SEED_PROPERTY = "procreg.chain.seed";

	static final int CHAINS = 30;

	static final int STEPS = 40;

	static final int SLOTS = 3;

	static final List<String> KEYS = List.of("a", "b", "c");

	static final List<String> GROUPS = List.of("g1", "g2");

	@AfterEach
	void resetFaults() {
		RegistryFaults.reset();
	}

	@Test
	void lookupsAndMembersFollowTheModel() {
		Long replay = Long.getLong(SEED_PROPERTY);
		if (replay != null) {
			runChain(replay);
			return;
		}
		Random seeds = new Random(ThreadLocalRandom.current().nextLong());
		for (int i = 0; i < CHAINS; i++) {
			runChain(seeds.nextLong());
		}
	}

	@Test
	void catchesAStaleUniqueRead() {
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> {
			// fixed seeds: the same chains every run, so the check cannot pass by luck
			for (long seed = 1; seed <= CHAINS; seed++) {
				runChain(seed, StaleReadPartition::new);
			}
		}).withMessageContaining("-D" + SEED_PROPERTY + "=").withMessageContaining("whereis");
	}

	/** Runs one chain in a fresh runtime; a failure names the seed and the steps so far. */
	static void runChain(long seed) {
		runChain(seed, Partition::new);
	}

	/** Runs one chain over registries whose partitions are made by {@code partitions}. */
	static void runChain(long seed, ProcessRegistry.Partitions partitions) {
		Random random = new Random(seed);
		List<String> steps = new ArrayList<>();
		try (World world = new World(partitions)) {
			world.check();
			for (int i = 0; i < STEPS; i++) {
				world.step(random, steps);
			}
		}
		catch (AssertionError | RuntimeException ex) {
			throw new AssertionError("action chain with seed " + seed + " failed (replay it with -D" + SEED_PROPERTY
					+ "=" + seed + ") at the last of these steps:\n  " + String.join("\n  ", steps) + "\n"
					+ ex.getMessage(), ex);
		}
	}

	/** The system under test and its model, in which processes are slot numbers. */
	static final class World implements AutoCloseable {

		final ProcessRuntime runtime = ProcessRuntime
			.start(ProcessRuntime.Options.defaults().withShutdownTimeout(RuntimeExtension.SHUTDOWN_TIMEOUT));

		final ProcessRegistry<String, String> unique;

		final ProcessRegistry<String, String> duplicate = ProcessRegistry.start(this.runtime,
				RegistryOptions.duplicate("chain-duplicate").withPartitions(2));

		final ProcessGroups groups = ProcessGroups.start(this.runtime);

		final List<Agent> agents = new ArrayList<>();

		/** Unique key to its owner's slot and value. */
		final Map<String, Slotted> uniqueModel = new HashMap<>();

		/** Duplicate key to its entries, one per registration. */
		final Map<String, List<Slotted>> duplicateModel = new HashMap<>();

		/** Group to its members, one per join. */
		final Map<String, List<Integer>> groupModel = new HashMap<>();

		int values;

		World(ProcessRegistry.Partitions partitions) {
			this.unique = ProcessRegistry.start(this.runtime, RegistryOptions.unique("chain-unique").withPartitions(2),
					partitions);
			for (int i = 0; i < SLOTS; i++) {
				this.agents.add(new Agent(this.runtime));
			}
		}

		/** Does one random step, noted in {@code steps} first, and checks the world against the model. */
		void step(Random random, List<String> steps) {
			int slot = random.nextInt(SLOTS);
			String key = KEYS.get(random.nextInt(KEYS.size()));
			String group = GROUPS.get(random.nextInt(GROUPS.size()));
			String value = "v" + (++this.values);
			Agent agent = this.agents.get(slot);
			int action = random.nextInt(8);
			steps.add(switch (action) {
				case 0 -> "unique register " + key + " by " + slot;
				case 1 -> "unique unregister " + key + " by " + slot;
				case 2 -> "duplicate register " + key + " by " + slot;
				case 3 -> "duplicate unregister " + key + " by " + slot;
				case 4 -> "join " + group + " by " + slot;
				case 5 -> "leave " + group + " by " + slot;
				case 6 -> "kill " + slot;
				default -> "read";
			});
			switch (action) {
				case 0 -> {
					RegisterResult result = agent.call(() -> this.unique.register(key, value));
					Slotted holder = this.uniqueModel.get(key);
					if (holder == null) {
						assertThat(result).as("register %s", key).isEqualTo(new RegisterResult.Registered());
						this.uniqueModel.put(key, new Slotted(slot, value));
					}
					else {
						assertThat(result).as("register %s", key)
							.isEqualTo(new RegisterResult.AlreadyRegistered(pid(holder.slot)));
					}
				}
				case 1 -> {
					boolean removed = agent.call(() -> this.unique.unregister(key));
					Slotted holder = this.uniqueModel.get(key);
					boolean owned = holder != null && holder.slot == slot;
					assertThat(removed).as("unregister %s", key).isEqualTo(owned);
					if (owned) {
						this.uniqueModel.remove(key);
					}
				}
				case 2 -> {
					assertThat(agent.call(() -> this.duplicate.register(key, value))).as("duplicate register %s", key)
						.isEqualTo(new RegisterResult.Registered());
					this.duplicateModel.computeIfAbsent(key, (k) -> new ArrayList<>()).add(new Slotted(slot, value));
				}
				case 3 -> {
					boolean removed = agent.call(() -> this.duplicate.unregister(key));
					List<Slotted> entries = this.duplicateModel.getOrDefault(key, new ArrayList<>());
					assertThat(removed).as("duplicate unregister %s", key)
						.isEqualTo(entries.removeIf((e) -> e.slot == slot));
				}
				case 4 -> {
					this.groups.join(group, agent.pid);
					this.groupModel.computeIfAbsent(group, (g) -> new ArrayList<>()).add(slot);
				}
				case 5 -> {
					boolean left = this.groups.leave(group, agent.pid);
					assertThat(left).as("leave %s", group)
						.isEqualTo(this.groupModel.getOrDefault(group, new ArrayList<>()).remove(Integer.valueOf(slot)));
				}
				case 6 -> kill(slot);
				default -> {
					// a read only: the check below
				}
			}
			check();
		}

		/**
		 * Kills a slot's process from another virtual thread, holds the cleanup of its first
		 * registration, checks every read while the cleanup waits, then lets it finish.
		 */
		private void kill(int slot) {
			Agent victim = this.agents.get(slot);
			boolean registered = this.uniqueModel.values().stream().anyMatch((e) -> e.slot == slot)
					|| this.duplicateModel.values().stream().flatMap(List::stream).anyMatch((e) -> e.slot == slot);
			CountDownLatch cleanupHeld = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			AtomicBoolean first = new AtomicBoolean(true);
			RegistryFaults.beforeCleanup = () -> {
				if (first.compareAndSet(true, false)) {
					cleanupHeld.countDown();
					try {
						Await.blockOn(release);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			};
			Thread killer = Thread.ofVirtual().start(() -> this.runtime.exit(victim.pid, ExitReason.KILL));
			this.uniqueModel.values().removeIf((e) -> e.slot == slot);
			this.duplicateModel.values().forEach((entries) -> entries.removeIf((e) -> e.slot == slot));
			this.groupModel.values().forEach((members) -> members.removeIf((m) -> m == slot));
			try {
				if (registered) {
					Await.latch(cleanupHeld);
					assertThat(this.runtime.isAlive(victim.pid)).as("killed process alive").isFalse();
					checkAgainst(slot, victim.pid);
				}
			}
			finally {
				release.countDown();
				try {
					assertThat(killer.join(Await.LONG)).as("kill finished").isTrue();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new AssertionError(ex);
				}
				RegistryFaults.beforeCleanup = () -> {
				};
			}
			this.agents.set(slot, new Agent(this.runtime));
		}

		void check() {
			checkAgainst(-1, null);
		}

		/** Compares every read with the model; {@code deadSlot}'s old pid stands for it while its cleanup waits. */
		private void checkAgainst(int deadSlot, @Nullable Pid deadPid) {
			String when = (deadPid != null) ? " while the cleanup of killed " + deadPid + " waits" : "";
			long uniqueCount = 0;
			for (String key : KEYS) {
				Slotted holder = this.uniqueModel.get(key);
				assertThat(this.unique.whereis(key)).as("whereis %s%s", key, when)
					.isEqualTo(Optional.ofNullable(holder).map((h) -> pid(h.slot)));
				assertThat(this.unique.lookup(key)).as("unique lookup %s%s", key, when)
					.containsExactlyElementsOf((holder != null) ? List.of(entry(key, holder)) : List.of());
				uniqueCount += (holder != null) ? 1 : 0;
				List<RegistryEntry<String, String>> expected = this.duplicateModel.getOrDefault(key, List.of())
					.stream()
					.map((e) -> entry(key, e))
					.toList();
				assertThat(this.duplicate.lookup(key)).as("duplicate lookup %s%s", key, when)
					.containsExactlyInAnyOrderElementsOf(expected);
			}
			if (deadPid == null) {
				// count() is exact once the exit hooks of dead owners have run, not before (its Javadoc),
				// and so are the keys held, by the registry and by each partition of its one table
				assertThat(this.unique.count()).as("unique count").isEqualTo(uniqueCount);
				assertThat(this.unique.keyCount()).as("unique keys held").isEqualTo(uniqueCount);
				long[] routed = new long[this.unique.partitions()];
				this.uniqueModel.keySet().forEach((key) -> routed[Partitioning.index(key, routed.length)]++);
				assertThat(this.unique.partitionStats()).extracting(PartitionStats::keys)
					.as("each partition's keys")
					.containsExactly(Arrays.stream(routed).boxed().toArray(Long[]::new));
			}
			for (String group : GROUPS) {
				List<Pid> members = this.groupModel.getOrDefault(group, List.of()).stream().map(this::pid).toList();
				assertThat(this.groups.members(group)).as("members of %s%s", group, when)
					.containsExactlyInAnyOrderElementsOf(members);
			}
			for (int slot = 0; slot < SLOTS; slot++) {
				if (slot != deadSlot) {
					assertThat(this.runtime.isAlive(pid(slot))).as("slot %d alive", slot).isTrue();
				}
			}
		}

		private Pid pid(int slot) {
			return this.agents.get(slot).pid;
		}

		private RegistryEntry<String, String> entry(String key, Slotted entry) {
			return new RegistryEntry<>(key, pid(entry.slot), entry.value);
		}

		@Override
		public void close() {
			this.runtime.close();
		}

	}

	/** An entry of the model: the slot of the process that made it, and its value. */
	record Slotted(int slot, String value) {
	}

}
