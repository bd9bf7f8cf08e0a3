package dev.procreg.group;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Owner;
import dev.procreg.testing.IdleServer;
import dev.procreg.testing.LincheckProgress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Linearizability of join, leave, death and members, checked by Lincheck (model checking and
 * stress) against a sequential model: a map of group to multiset of owners plus a set of dead
 * owners. The owners are idle GenServers made before each scenario, so the scenario threads are
 * plain platform threads; a kill runs the exit hooks on the killing thread.
 *
 * <p>The suite proves its power: the same checks must fail on two planted bugs, each a subclass
 * of the real scope overriding the step it breaks: reads that skip the liveness check (a join ‖
 * kill shape with an {@code isAlive} probe) and the sweep-only design (no liveness check and no
 * undo of a join that raced with the death).
 */
@ExtendWith(LincheckProgress.class)
public class ProcessGroupsLincheckTests {

	private static final int OWNERS = 3;

	/** The operations on a scope whose owners are idle servers made before each scenario. */
	@Param(name = "group", gen = IntGen.class, conf = "0:1")
	@Param(name = "owner", gen = IntGen.class, conf = "0:2")
	public abstract static class Subject {

		private final ProcessRuntime runtime = ProcessRuntime.start();

		private final ProcessGroups groups;

		private final Pid[] owners = new Pid[OWNERS];

		protected Subject(Function<ProcessRuntime, ProcessGroups> scope) {
			this.groups = scope.apply(this.runtime);
			for (int i = 0; i < OWNERS; i++) {
				this.owners[i] = IdleServer.start(this.runtime);
			}
		}

		@Operation
		public boolean join(@Param(name = "group") int group, @Param(name = "owner") int owner) {
			try {
				this.groups.join(group, this.owners[owner]);
				return true;
			}
			catch (IllegalArgumentException ex) {
				return false; // not a process of this runtime: never here
			}
		}

		@Operation
		public boolean leave(@Param(name = "group") int group, @Param(name = "owner") int owner) {
			return this.groups.leave(group, this.owners[owner]);
		}

		@Operation
		public void kill(@Param(name = "owner") int owner) {
			this.runtime.exit(this.owners[owner], ExitReason.KILL);
		}

		@Operation
		public boolean isAlive(@Param(name = "owner") int owner) {
			return this.runtime.isAlive(this.owners[owner]);
		}

		@Operation
		public List<Integer> members(@Param(name = "group") int group) {
			List<Integer> result = new ArrayList<>();
			for (Pid pid : this.groups.members(group)) {
				result.add(Arrays.asList(this.owners).indexOf(pid));
			}
			result.sort(null);
			return result;
		}

	}

	// ---- the checks

	@Test
	void modelCheckingPasses() {
		LincheckRun.check(modelCheckingOptions(), Correct.class);
	}

	@Test
	void stressPasses() {
		LincheckRun.check(new StressOptions().iterations(4)
			.invocationsPerIteration(200)
			.threads(2)
			.actorsPerThread(2)
			.actorsBefore(2)
			.actorsAfter(1)
			.sequentialSpecification(Model.class)
			.addCustomScenario(joinRacesKillThenMembers())
			.addCustomScenario(killRacesProbeThenMembers()), Correct.class);
	}

	@Test
	void catchesReadsThatSkipTheLivenessCheck() {
		assertThatExceptionOfType(LincheckAssertionError.class)
			.isThrownBy(() -> LincheckRun.check(handWrittenOnly().minimizeFailedScenario(false), ReadsSkipLiveness.class))
			.withMessageContaining("Invalid execution results");
	}

	@Test
	void catchesTheSweepOnlyDesign() {
		assertThatExceptionOfType(LincheckAssertionError.class)
			.isThrownBy(() -> LincheckRun.check(handWrittenOnly().minimizeFailedScenario(false), SweepOnly.class))
			.withMessageContaining("Invalid execution results");
	}

	@Test
	void theHandWrittenScenariosAreWellFormed() {
		assertThat(joinRacesKillThenMembers().getParallelExecution()).hasSize(2);
		assertThat(killRacesProbeThenMembers().getParallelExecution()).hasSize(2);
	}

	/**
	 * The hand-written dangerous shapes, every interleaving of which model checking explores, then
	 * random scenarios: two actors a thread keep each random scenario's interleavings few enough to
	 * be covered by the invocations it gets.
	 */
	private static ModelCheckingOptions modelCheckingOptions() {
		return withHandWrittenScenarios(new ModelCheckingOptions().iterations(4)
			.invocationsPerIteration(100)
			.threads(2)
			.actorsPerThread(2)
			.actorsBefore(2)
			.actorsAfter(1));
	}

	/**
	 * The hand-written shapes alone: each planted bug shows in one of them, so a planted-bug
	 * check needs no random scenarios and fails the same way every run.
	 */
	private static ModelCheckingOptions handWrittenOnly() {
		return withHandWrittenScenarios(new ModelCheckingOptions().iterations(0).invocationsPerIteration(100));
	}

	private static ModelCheckingOptions withHandWrittenScenarios(ModelCheckingOptions options) {
		return options.sequentialSpecification(Model.class)
			.addCustomScenario(joinRacesKillThenMembers())
			.addCustomScenario(killRacesProbeThenMembers())
			.addCustomScenario(joinTwiceRacesLeave());
	}

	/** join(0, owner 0) ‖ kill(owner 0), then members(0) and leave(0, owner 0). */
	static ExecutionScenario joinRacesKillThenMembers() {
		return scenario(List.of(), List.of(List.of(actor("join", 0, 0)), List.of(actor("kill", 0))),
				List.of(actor("members", 0), actor("leave", 0, 0)));
	}

	/** owner 0 in group 0; kill(owner 0) ‖ isAlive(owner 0), members(0). */
	static ExecutionScenario killRacesProbeThenMembers() {
		return scenario(List.of(actor("join", 0, 0)),
				List.of(List.of(actor("kill", 0)), List.of(actor("isAlive", 0), actor("members", 0))),
				List.of(actor("members", 0)));
	}

	/** join twice ‖ leave, kill: counts and death together. */
	static ExecutionScenario joinTwiceRacesLeave() {
		return scenario(List.of(actor("join", 0, 1)),
				List.of(List.of(actor("join", 0, 1), actor("leave", 0, 1)),
						List.of(actor("leave", 0, 1), actor("kill", 1), actor("members", 0))),
				List.of(actor("members", 0), actor("leave", 0, 1)));
	}

	private static ExecutionScenario scenario(List<Actor> initial, List<List<Actor>> parallel, List<Actor> post) {
		return new ExecutionScenario(new ArrayList<>(initial), new ArrayList<>(parallel), new ArrayList<>(post), null);
	}

	private static Actor actor(String operation, Object... args) {
		for (Method method : Subject.class.getMethods()) {
			if (method.getName().equals(operation) && method.getParameterCount() == args.length) {
				return new Actor(method, List.of(args));
			}
		}
		throw new IllegalArgumentException(operation);
	}

	// ---- planted bugs

	/** The real thing. */
	public static class Correct extends Subject {

		public Correct() {
			super((runtime) -> new ProcessGroups(runtime, "lin"));
		}

	}

	/** Reads return memberships of dead owners until their cleanup has run. */
	public static class ReadsSkipLiveness extends Subject {

		public ReadsSkipLiveness() {
			super(ReadsSkipLivenessScope::new);
		}

	}

	/** "On death, remove its memberships" only: no liveness check, no undo of a racing join. */
	public static class SweepOnly extends Subject {

		public SweepOnly() {
			super(SweepOnlyScope::new);
		}

	}

	/** The real scope, but its reads skip the owner's liveness. */
	static class ReadsSkipLivenessScope extends ProcessGroups {

		ReadsSkipLivenessScope(ProcessRuntime runtime) {
			super(runtime, "reads-skip-liveness");
		}

		@Override
		boolean isLive(Membership m) {
			return true;
		}

	}

	/** The real scope, but its reads skip liveness and a join neither checks nor undoes a death. */
	static final class SweepOnlyScope extends ReadsSkipLivenessScope {

		SweepOnlyScope(ProcessRuntime runtime) {
			super(runtime);
		}

		@Override
		boolean add(Group g, Owner owner) {
			Membership m = g.join(owner);
			if (m != null) {
				owner.attach(m);
			}
			return true;
		}

	}

	// ---- the sequential model

	/** Group to multiset of owners, plus the dead owners. */
	public static class Model {

		private final Map<Integer, List<Integer>> groups = new HashMap<>();

		private final Set<Integer> dead = new HashSet<>();

		public boolean join(int group, int owner) {
			if (this.dead.contains(owner)) {
				return true; // returns normally and joins nothing, as pg:join of a dead local pid
			}
			this.groups.computeIfAbsent(group, (g) -> new ArrayList<>()).add(owner);
			return true;
		}

		public boolean leave(int group, int owner) {
			List<Integer> members = this.groups.get(group);
			return members != null && members.remove((Integer) owner);
		}

		public void kill(int owner) {
			this.dead.add(owner);
			this.groups.values().forEach((members) -> members.removeIf((o) -> o == owner));
		}

		public boolean isAlive(int owner) {
			return !this.dead.contains(owner);
		}

		public List<Integer> members(int group) {
			List<Integer> result = new ArrayList<>(this.groups.getOrDefault(group, List.of()));
			result.sort(null);
			return result;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Model that && this.dead.equals(that.dead) && normalized().equals(that.normalized());
		}

		@Override
		public int hashCode() {
			return normalized().hashCode() * 31 + this.dead.hashCode();
		}

		private Map<Integer, List<Integer>> normalized() {
			Map<Integer, List<Integer>> result = new HashMap<>();
			this.groups.forEach((group, members) -> {
				if (!members.isEmpty()) {
					result.put(group, members(group));
				}
			});
			return result;
		}

	}

	/** Runs one Lincheck check. */
	static final class LincheckRun {

		private LincheckRun() {
		}

		static void check(Options<?, ?> options, Class<?> testClass) {
			options.check(testClass);
		}

	}

}
