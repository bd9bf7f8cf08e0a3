package dev.procreg.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Process groups, Erlang's {@code :pg}: every behaviour, and the source document's worker group.
 */
@ExtendWith(RuntimeExtension.class)
class ProcessGroupsTests {

	private final ProcessRuntime runtime;

	private final ProcessGroups groups;

	ProcessGroupsTests(ProcessRuntime runtime) {
		this.runtime = runtime;
		this.groups = ProcessGroups.start(runtime);
	}

	/** A process that waits until told to stop (any message) and then returns. */
	private Pid idle() {
		return this.runtime.spawn((ctx) -> ctx.receive());
	}

	private void kill(Pid pid) {
		this.runtime.exit(pid, ExitReason.KILL);
	}

	// ---- the source document's example

	record Donation(String id, long amount) {
	}

	record Processed(Pid worker, String donationId) {
	}

	@Test
	void paymentWorkersJoinDonationWorkersAndABroadcastReachesAll() throws Exception {
		BlockingQueue<Processed> processed = new LinkedBlockingQueue<>();
		CountDownLatch joined = new CountDownLatch(3);
		List<Pid> workers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			workers.add(this.runtime.spawn((ctx) -> {
				this.groups.join("donation_workers", ctx.self());   // :pg.join(:donation_workers, self())
				joined.countDown();
				if (ctx.receive() instanceof Donation donation) {
					processed.add(new Processed(ctx.self(), donation.id()));
				}
			}));
		}
		assertThat(joined.await(5, TimeUnit.SECONDS)).isTrue();

		List<Pid> members = this.groups.members("donation_workers");   // :pg.get_members(:donation_workers)
		assertThat(members).containsExactlyInAnyOrderElementsOf(workers);

		for (Pid worker : members) {
			this.runtime.send(worker, new Donation("don-42", 100_000));
		}
		List<Processed> received = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			received.add(processed.poll(5, TimeUnit.SECONDS));
		}
		assertThat(received).extracting(Processed::worker).containsExactlyInAnyOrderElementsOf(workers);
		assertThat(received).extracting(Processed::donationId).containsOnly("don-42");
		// the workers finished, so they left the group by exiting
		await().untilAsserted(() -> assertThat(this.groups.whichGroups()).isEmpty());
		assertThat(this.groups.members("donation_workers")).isEmpty();
	}

	// ---- join, leave, members

	@Test
	void joinAndLeaveOneProcess() {
		Pid pid = idle();
		this.groups.join("g", pid);
		assertThat(this.groups.members("g")).containsExactly(pid);
		assertThat(this.groups.localMembers("g")).containsExactly(pid);
		assertThat(this.groups.whichGroups()).containsExactly("g");
		assertThat(this.groups.leave("g", pid)).isTrue();
		assertThat(this.groups.members("g")).isEmpty();
		assertThat(this.groups.whichGroups()).isEmpty();
	}

	@Test
	void aProcessThatJoinedTwiceAppearsTwiceAndMustLeaveTwice() {
		Pid pid = idle();
		this.groups.join("g", pid);
		this.groups.join("g", pid);
		assertThat(this.groups.members("g")).containsExactly(pid, pid);
		assertThat(this.groups.leave("g", pid)).isTrue();
		assertThat(this.groups.members("g")).containsExactly(pid);
		assertThat(this.groups.leave("g", pid)).isTrue();
		assertThat(this.groups.members("g")).isEmpty();
		assertThat(this.groups.leave("g", pid)).isFalse();
	}

	@Test
	void joinAndLeaveSeveralAtOnce() {
		Pid a = idle();
		Pid b = idle();
		this.groups.join("g", List.of(a, b, a));
		assertThat(this.groups.members("g")).containsExactlyInAnyOrder(a, a, b);
		assertThat(this.groups.leave("g", List.of(a, b))).isTrue();
		assertThat(this.groups.members("g")).containsExactly(a);
		Pid stranger = idle();
		assertThat(this.groups.leave("g", List.of(stranger))).isFalse();
		assertThat(this.groups.leave("g", List.of(stranger, a))).isTrue();
		assertThat(this.groups.whichGroups()).isEmpty();
	}

	@Test
	void leavingWhatYouDidNotJoinReturnsFalse() {
		Pid pid = idle();
		assertThat(this.groups.leave("never", pid)).isFalse();
		this.groups.join("g", pid);
		assertThat(this.groups.leave("other", pid)).isFalse();
		assertThat(this.groups.members("g")).containsExactly(pid);
	}

	@Test
	void aProcessJoinsSeveralGroups() {
		Pid pid = idle();
		this.groups.join("a", pid);
		this.groups.join("b", pid);
		assertThat(this.groups.whichGroups()).containsExactlyInAnyOrder("a", "b");
		kill(pid);
		assertThat(this.groups.members("a")).isEmpty();
		assertThat(this.groups.members("b")).isEmpty();
		assertThat(this.groups.whichGroups()).isEmpty();
	}

	@Test
	void deadMembersVanishAtOnceAndEmptyGroupsDisappear() {
		Pid a = idle();
		Pid b = idle();
		this.groups.join("g", List.of(a, b));
		kill(a);
		assertThat(this.runtime.isAlive(a)).isFalse();
		assertThat(this.groups.members("g")).containsExactly(b);
		this.runtime.send(b, "stop");
		await().until(() -> !this.runtime.isAlive(b));
		assertThat(this.groups.members("g")).isEmpty();
		assertThat(this.groups.whichGroups()).isEmpty();
		assertThat(this.groups.leave("g", b)).isFalse();
	}

	@Test
	void membersIsEmptyForAnUnknownGroup() {
		assertThat(this.groups.members("nobody")).isEmpty();
		assertThat(this.groups.localMembers("nobody")).isEmpty();
	}

	@Test
	void groupsMayBeAnyValue() {
		record Room(String name) {
		}
		Pid pid = idle();
		this.groups.join(new Room("lobby"), pid);
		assertThat(this.groups.members(new Room("lobby"))).containsExactly(pid);
		assertThat(this.groups.whichGroups()).containsExactly(new Room("lobby"));
	}

	@Test
	void tenThousandMembersDyingLeaveNothingBehind() {
		List<Pid> pids = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			pids.add(idle());
		}
		this.groups.join("many", pids);
		assertThat(this.groups.members("many")).hasSize(10_000);
		for (Pid pid : pids) {
			kill(pid);
		}
		assertThat(this.groups.members("many")).isEmpty();
		assertThat(this.groups.whichGroups()).isEmpty();
	}

	// ---- scopes

	@Test
	void scopesAreIndependent() {
		ProcessGroups other = ProcessGroups.start(this.runtime, "other");
		Pid pid = idle();
		this.groups.join("g", pid);
		assertThat(other.members("g")).isEmpty();
		other.join("g", pid);
		other.join("g", pid);
		assertThat(this.groups.leave("g", pid)).isTrue();
		assertThat(other.members("g")).containsExactly(pid, pid);
		assertThat(ProcessGroups.scope(this.runtime, "other")).isSameAs(other);
		assertThat(ProcessGroups.scope(this.runtime, ProcessGroups.DEFAULT_SCOPE)).isSameAs(this.groups);
		assertThat(ProcessGroups.scopes(this.runtime)).containsExactly(this.groups, other);
	}

	@Test
	void aScopeNameIsUniquePerRuntime() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> ProcessGroups.start(this.runtime))
			.withMessageContaining("already has a process group scope named 'default'");
		try (ProcessRuntime another = ProcessRuntime.start()) {
			assertThat(ProcessGroups.start(another).name()).isEqualTo("default");
		}
	}

	@Test
	void anUnknownScopeIsAClearError() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ProcessGroups.scope(this.runtime, "nope"))
			.withMessageContaining("unknown process group scope 'nope'");
		assertThat(ProcessGroups.find(this.runtime, "nope")).isEmpty();
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ProcessGroups.start(this.runtime, " "))
			.withMessageContaining("scope name");
	}

	// ---- bad input: a clear error, and nothing changes

	@Test
	void nullGroupOrPidIsNamed() {
		Pid pid = idle();
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> this.groups.join(null, pid))
			.withMessage("group must not be null");
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> this.groups.join("g", (Pid) null))
			.withMessage("pid must not be null");
		assertThatExceptionOfType(NullPointerException.class)
			.isThrownBy(() -> this.groups.join("g", java.util.Arrays.asList(pid, null)))
			.withMessage("pids must not contain null");
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> this.groups.leave(null, pid))
			.withMessage("group must not be null");
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> this.groups.leave("g", (Pid) null))
			.withMessage("pid must not be null");
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> this.groups.members(null))
			.withMessage("group must not be null");
		assertThat(this.groups.members("g")).isEmpty();
	}

	@Test
	void joiningAProcessThatJustDiedReturnsNormallyAndItIsNeverAMember() {
		Pid alive = idle();
		Pid dead = idle();
		kill(dead);
		this.groups.join("g", dead);
		assertThat(this.groups.members("g")).isEmpty();
		assertThat(this.groups.whichGroups()).isEmpty();
		this.groups.join("g", List.of(alive, dead));
		assertThat(this.groups.members("g")).containsExactly(alive);
		assertThat(this.groups.whichGroups()).containsExactly("g");
	}

	@Test
	void joinsRacingDeathsNeverFailAndNeverLeaveADeadMember() throws Exception {
		for (int trial = 0; trial < 200; trial++) {
			Pid member = idle();
			Thread killer = Thread.startVirtualThread(() -> kill(member));
			this.groups.join("race", member);
			killer.join();
			assertThat(this.groups.members("race")).as("trial %d", trial).isEmpty();
		}
		assertThat(this.groups.whichGroups()).doesNotContain("race");
	}

	@Test
	void joiningARemoteOrUnknownPidIsAClearError() {
		Pid remote = Pid.of("other-node", 7);
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.groups.join("g", remote))
			.withMessageContaining("runs on node other-node")
			.withMessageContaining("only local processes");
		Pid unknown = Pid.of(this.runtime.node(), Long.MAX_VALUE);
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.groups.join("g", unknown))
			.withMessageContaining("is not a process of runtime");
		assertThat(this.groups.whichGroups()).isEmpty();
	}

	@Test
	void monitoringFromOutsideAProcessIsAClearError() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.groups.monitor("g"))
			.withMessageContaining("monitor must be called from a process");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(this.groups::monitorScope)
			.withMessageContaining("monitorScope must be called from a process");
	}

	// ---- monitors

	/** A process that subscribes with {@code subscribe} and forwards the snapshot and every message. */
	private BlockingQueue<Object> watcher(Function<ProcessGroups, Object> subscribe, Pid[] self) throws Exception {
		BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
		CountDownLatch started = new CountDownLatch(1);
		self[0] = this.runtime.spawn((ctx) -> {
			seen.add(subscribe.apply(this.groups));
			started.countDown();
			for (;;) {
				Object message = ctx.receive();
				if ("stop".equals(message)) {
					return;
				}
				seen.add(message);
			}
		});
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		return seen;
	}

	private static Object next(BlockingQueue<Object> seen) throws InterruptedException {
		Object message = seen.poll(5, TimeUnit.SECONDS);
		assertThat(message).as("an event within 5 s").isNotNull();
		return message;
	}

	@Test
	void aGroupMonitorGetsTheMembersThenJoinAndLeaveEventsWithReasons() throws Exception {
		Pid a = idle();
		this.groups.join("g", a);
		Pid[] watcherPid = new Pid[1];
		BlockingQueue<Object> seen = watcher((g) -> g.monitor("g"), watcherPid);
		ProcessGroups.MonitoredGroup snapshot = (ProcessGroups.MonitoredGroup) next(seen);
		assertThat(snapshot.members()).containsExactly(a);
		GroupMonitorRef ref = snapshot.ref();
		assertThat(ref.isActive()).isTrue();
		assertThat(ref.group()).contains("g");
		assertThat(ref.watcher()).isEqualTo(watcherPid[0]);

		Pid b = idle();
		this.groups.join("g", List.of(b, b));
		assertThat(next(seen)).isEqualTo(new GroupEvent.Joined(ref, "default", "g", List.of(b, b)));
		this.groups.leave("g", b);
		GroupEvent.Left left = (GroupEvent.Left) next(seen);
		assertThat(left).isEqualTo(new GroupEvent.Left(ref, "default", "g", List.of(b), GroupEvent.LEAVE));
		assertThat(left.byLeave()).isTrue();
		kill(b);
		GroupEvent.Left death = (GroupEvent.Left) next(seen);
		assertThat(death.pids()).containsExactly(b);
		assertThat(death.reason()).isEqualTo(ExitReason.KILLED);
		assertThat(death.byLeave()).isFalse();
		this.runtime.exit(a, ExitReason.of("payment-timeout"));
		assertThat(next(seen)).isEqualTo(new GroupEvent.Left(ref, "default", "g", List.of(a), ExitReason.of("payment-timeout")));
		// other groups are not reported
		this.groups.join("other", idle());

		assertThat(this.groups.demonitor(ref)).isTrue();
		assertThat(this.groups.demonitor(ref)).isFalse();
		assertThat(ref.isActive()).isFalse();
		this.groups.join("g", idle());
		assertThat(seen.poll(200, TimeUnit.MILLISECONDS)).isNull();
	}

	@Test
	void aCrashIsReportedWithItsReason() throws Exception {
		Pid worker = this.runtime.spawn((ctx) -> {
			if (ctx.receive() instanceof String why) {
				throw new IllegalStateException(why);
			}
		});
		this.groups.join("g", worker);
		BlockingQueue<Object> seen = watcher((g) -> g.monitor("g"), new Pid[1]);
		next(seen);
		this.runtime.send(worker, "card declined");
		GroupEvent.Left left = (GroupEvent.Left) next(seen);
		assertThat(left.reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
				(crash) -> assertThat(crash.error()).hasMessage("card declined"));
	}

	@Test
	void aScopeMonitorGetsEveryGroupThenEveryChange() throws Exception {
		Pid a = idle();
		Pid b = idle();
		this.groups.join("x", a);
		this.groups.join("y", List.of(a, b));
		BlockingQueue<Object> seen = watcher(ProcessGroups::monitorScope, new Pid[1]);
		ProcessGroups.MonitoredScope snapshot = (ProcessGroups.MonitoredScope) next(seen);
		assertThat(snapshot.groups()).containsOnlyKeys("x", "y");
		assertThat(snapshot.groups().get("x")).containsExactly(a);
		assertThat(snapshot.groups().get("y")).containsExactlyInAnyOrder(a, b);
		GroupMonitorRef ref = snapshot.ref();
		assertThat(ref.group()).isEmpty();

		this.groups.join("z", b);
		assertThat(next(seen)).isEqualTo(new GroupEvent.Joined(ref, "default", "z", List.of(b)));
		kill(a);
		List<Object> deaths = List.of(next(seen), next(seen));
		assertThat(deaths).containsExactlyInAnyOrder(
				new GroupEvent.Left(ref, "default", "x", List.of(a), ExitReason.KILLED),
				new GroupEvent.Left(ref, "default", "y", List.of(a), ExitReason.KILLED));
		assertThat(this.groups.demonitor(ref)).isTrue();
		this.groups.join("z", b);
		assertThat(seen.poll(200, TimeUnit.MILLISECONDS)).isNull();
	}

	@Test
	void aMonitorEndsWhenItsWatcherExits() throws Exception {
		Pid[] watcherPid = new Pid[1];
		BlockingQueue<Object> seen = watcher((g) -> g.monitor("g"), watcherPid);
		GroupMonitorRef ref = ((ProcessGroups.MonitoredGroup) next(seen)).ref();
		kill(watcherPid[0]);
		assertThat(ref.isActive()).isFalse();
		// the group kept only for the monitor is gone
		assertThat(this.groups.demonitor(ref)).isFalse();
		assertThat(this.groups.whichGroups()).isEmpty();
	}

	@Test
	void aMemberThatDiedBeforeTheSnapshotIsNeitherInItNorReportedLater() throws Exception {
		// with the member's cleanup still pending, a snapshot must not contain it and no Left
		// may follow for it: the snapshot removes it itself
		Pid a = idle();
		this.groups.join("g", a);
		kill(a);
		BlockingQueue<Object> seen = watcher((g) -> g.monitor("g"), new Pid[1]);
		assertThat(((ProcessGroups.MonitoredGroup) next(seen)).members()).isEmpty();
		assertThat(seen.poll(200, TimeUnit.MILLISECONDS)).isNull();
	}

	@Test
	void snapshotsAndEventsAddUpToTheTruthUnderConcurrentChurn() throws Exception {
		// a monitor starts while others join, leave and die: snapshot + events = final members
		int rounds = 200;
		List<Pid> pool = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			pool.add(idle());
		}
		Thread churn = Thread.ofPlatform().start(() -> {
			java.util.Random random = new java.util.Random(1);
			for (int i = 0; i < rounds; i++) {
				Pid pid = pool.get(random.nextInt(pool.size()));
				if (!this.runtime.isAlive(pid)) {
					continue;
				}
				switch (random.nextInt(3)) {
					case 0 -> {
						try {
							this.groups.join("g" + random.nextInt(3), pid);
						}
						catch (IllegalArgumentException ex) {
							// died meanwhile
						}
					}
					case 1 -> this.groups.leave("g" + random.nextInt(3), pid);
					default -> {
						if (random.nextInt(10) == 0) {
							kill(pid);
						}
					}
				}
			}
		});
		BlockingQueue<Object> seen = watcher(ProcessGroups::monitorScope, new Pid[1]);
		churn.join();
		ProcessGroups.MonitoredScope snapshot = (ProcessGroups.MonitoredScope) next(seen);
		Map<Object, List<Pid>> view = new java.util.HashMap<>();
		snapshot.groups().forEach((group, pids) -> view.put(group, new ArrayList<>(pids)));
		await().untilAsserted(() -> {
			for (Object message; (message = seen.poll()) != null;) {
				switch (message) {
					case GroupEvent.Joined joined -> view.computeIfAbsent(joined.group(), (k) -> new ArrayList<>())
						.addAll(joined.pids());
					case GroupEvent.Left left -> {
						for (Pid pid : left.pids()) {
							assertThat(view.get(left.group())).as("left %s", left).contains(pid);
							view.get(left.group()).remove(pid);
						}
					}
					default -> throw new AssertionError(message);
				}
			}
			for (String group : List.of("g0", "g1", "g2")) {
				assertThat(view.getOrDefault(group, List.of())).as(group)
					.containsExactlyInAnyOrderElementsOf(this.groups.members(group));
			}
		});
	}

}
