package dev.procreg.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real threads against the real runtime: joins, leaves and kills race, and in the end the groups
 * equal a model, and no read ever returns a dead pid (promise 1).
 */
@ExtendWith(RuntimeExtension.class)
class ProcessGroupsConcurrencyTests {

	private final ProcessRuntime runtime;

	private final ProcessGroups groups;

	ProcessGroupsConcurrencyTests(ProcessRuntime runtime) {
		this.runtime = runtime;
		this.groups = ProcessGroups.start(runtime);
	}

	private Pid idle() {
		return this.runtime.spawn((ctx) -> ctx.receive());
	}

	@Test
	void joinKillThenMembersNeverSeesTheDeadPid() throws Exception {
		for (int trial = 0; trial < 10_000; trial++) {
			Pid pid = idle();
			Pid killer = pid;
			CountDownLatch go = new CountDownLatch(1);
			Thread kill = Thread.ofPlatform().start(() -> {
				awaitQuietly(go);
				this.runtime.exit(killer, ExitReason.KILL);
			});
			go.countDown();
			try {
				this.groups.join("g", pid);
			}
			catch (IllegalArgumentException ex) {
				// killed before the join: a clear error
			}
			kill.join();
			assertThat(this.runtime.isAlive(pid)).isFalse();
			assertThat(this.groups.members("g")).as("trial %d", trial).doesNotContain(pid);
		}
		assertThat(this.groups.whichGroups()).isEmpty();
	}

	@Test
	void membersNeverReturnsAPidOnceItIsDead() throws Exception {
		// a reader checks, for every pid it gets, that it was alive when the read started or is
		// still alive: a pid known dead before the read must never come back
		List<Pid> pids = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			pids.add(idle());
		}
		this.groups.join("g", pids);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread reader = Thread.ofPlatform().start(() -> {
			try {
				while (!Thread.currentThread().isInterrupted()) {
					List<Pid> deadBefore = new ArrayList<>();
					for (Pid pid : pids) {
						if (!this.runtime.isAlive(pid)) {
							deadBefore.add(pid);
						}
					}
					List<Pid> members = this.groups.members("g");
					if (!deadBefore.isEmpty()) {
						assertThat(members).doesNotContainAnyElementsOf(deadBefore);
					}
					if (deadBefore.size() == pids.size()) {
						return;
					}
				}
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		});
		for (Pid pid : pids) {
			this.runtime.exit(pid, ExitReason.KILL);
		}
		reader.join(30_000);
		assertThat(failure.get()).isNull();
		assertThat(this.groups.members("g")).isEmpty();
	}

	@Test
	void manyThreadsJoiningLeavingAndKillingEndEqualToTheModel() throws Exception {
		int threads = 4;
		int iterations = 20_000;
		int perThread = 16;
		String[] groupNames = { "a", "b", "c" };
		// each thread owns its pids, so its own model is exact; threads race on the groups
		List<List<Pid>> owned = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			List<Pid> mine = new ArrayList<>();
			for (int i = 0; i < perThread; i++) {
				mine.add(idle());
			}
			owned.add(mine);
		}
		List<Map<String, Map<Pid, Integer>>> models = new ArrayList<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			List<Pid> mine = owned.get(t);
			Map<String, Map<Pid, Integer>> model = new HashMap<>();
			models.add(model);
			workers.add(Thread.ofPlatform().start(() -> {
				awaitQuietly(start);
				ThreadLocalRandom random = ThreadLocalRandom.current();
				try {
					for (int i = 0; i < iterations; i++) {
						Pid pid = mine.get(random.nextInt(mine.size()));
						String group = groupNames[random.nextInt(groupNames.length)];
						boolean alive = this.runtime.isAlive(pid);
						int op = random.nextInt(100);
						if (op < 50) {
							if (alive) {
								this.groups.join(group, pid);
								model.computeIfAbsent(group, (g) -> new HashMap<>()).merge(pid, 1, Integer::sum);
							}
						}
						else if (op < 95) {
							boolean expected = alive && model.getOrDefault(group, Map.of()).getOrDefault(pid, 0) > 0;
							assertThat(this.groups.leave(group, pid)).isEqualTo(expected);
							if (expected) {
								model.get(group).merge(pid, -1, Integer::sum);
							}
						}
						else if (op < 97 && alive) {
							this.runtime.exit(pid, ExitReason.KILL);
							model.values().forEach((members) -> members.remove(pid));
						}
						else {
							for (Pid member : this.groups.members(group)) {
								assertThat(this.runtime.isAlive(member) || mine.contains(member) == false)
									.as("a member read now").isTrue();
							}
						}
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			}));
		}
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		assertThat(failure.get()).isNull();
		for (String group : groupNames) {
			List<Pid> expected = new ArrayList<>();
			for (Map<String, Map<Pid, Integer>> model : models) {
				model.getOrDefault(group, Map.of()).forEach((pid, count) -> {
					for (int i = 0; i < count; i++) {
						expected.add(pid);
					}
				});
			}
			List<Pid> members = this.groups.members(group);
			assertThat(members).as(group).containsExactlyInAnyOrderElementsOf(expected);
			assertThat(members).allMatch(this.runtime::isAlive);
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
