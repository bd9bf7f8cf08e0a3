package dev.procreg.registry;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Owner;
import dev.procreg.testing.IdleServer;
import dev.procreg.testing.LincheckProgress;

import static dev.procreg.registry.RegistryTestSupport.owner;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Linearizability of the unique and duplicate cores (Partition through the package-private
 * owner-token API) with Lincheck 3.7, model checking and stress, against a sequential
 * specification: a map plus a set of dead owners whose entries are invisible. Owners are idle
 * GenServers (no threads of their own); killing one runs its exit hooks on the scenario thread.
 */
@ExtendWith(LincheckProgress.class)
public class RegistryLincheckTests {

	static final int OWNERS = 3;

	@AfterEach
	void reset() {
		RegistryFaults.reset();
	}

	/** What both cores share: a runtime, owners, kill and liveness. */
	abstract static class Core {

		final ProcessRuntime runtime = ProcessRuntime.start();

		final Owner[] owners = new Owner[OWNERS];

		Core() {
			for (int i = 0; i < OWNERS; i++) {
				Pid pid = IdleServer.start(this.runtime);
				this.owners[i] = owner(this.runtime, pid);
			}
		}

		int indexOf(@Nullable Pid pid) {
			if (pid == null) {
				return -1;
			}
			for (int i = 0; i < OWNERS; i++) {
				if (this.owners[i].pid().equals(pid)) {
					return i;
				}
			}
			throw new IllegalStateException("unknown pid " + pid);
		}

	}

	/** The unique core under test. */
	public static class UniqueCore extends Core {

		final ProcessRegistry<Integer, String> registry;

		public UniqueCore() {
			this(Partition::new);
		}

		UniqueCore(ProcessRegistry.Partitions partitions) {
			this.registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("lin"), partitions);
		}

		/** @return -1 when registered, else the holder's index */
		@Operation
		public int register(@Param(gen = IntGen.class, conf = "0:2") int owner,
				@Param(gen = IntGen.class, conf = "0:1") int key) {
			return indexOf(this.registry.register(this.owners[owner], key, "v"));
		}

		@Operation
		public boolean unregister(@Param(gen = IntGen.class, conf = "0:2") int owner,
				@Param(gen = IntGen.class, conf = "0:1") int key) {
			return this.registry.unregister(this.owners[owner], key);
		}

		@Operation
		public void kill(@Param(gen = IntGen.class, conf = "0:2") int owner) {
			this.runtime.exit(this.owners[owner].pid(), ExitReason.KILL);
		}

		@Operation
		public boolean alive(@Param(gen = IntGen.class, conf = "0:2") int owner) {
			return this.runtime.isAlive(this.owners[owner].pid());
		}

		@Operation
		public List<Integer> lookup(@Param(gen = IntGen.class, conf = "0:1") int key) {
			return this.registry.lookup(key).stream().map((e) -> indexOf(e.pid())).toList();
		}

		@Operation
		public int whereis(@Param(gen = IntGen.class, conf = "0:1") int key) {
			return indexOf(this.registry.whereis(key).orElse(null));
		}

		@Operation
		public int countLive(@Param(gen = IntGen.class, conf = "0:1") int key) {
			return this.registry.countMatch(key, (v) -> true);
		}

	}

	/** The sequential specification of the unique core. */
	public static class UniqueSpec {

		private final Map<Integer, Integer> table = new HashMap<>();

		private final Set<Integer> dead = new HashSet<>();

		private @Nullable Integer live(int key) {
			Integer owner = this.table.get(key);
			return (owner != null && !this.dead.contains(owner)) ? owner : null;
		}

		public int register(int owner, int key) {
			Integer holder = live(key);
			if (holder != null) {
				return holder;
			}
			if (!this.dead.contains(owner)) {
				this.table.put(key, owner);
			}
			return -1;
		}

		public boolean unregister(int owner, int key) {
			if (!this.dead.contains(owner) && Integer.valueOf(owner).equals(this.table.get(key))) {
				this.table.remove(key);
				return true;
			}
			return false;
		}

		public void kill(int owner) {
			this.dead.add(owner);
		}

		public boolean alive(int owner) {
			return !this.dead.contains(owner);
		}

		public List<Integer> lookup(int key) {
			Integer owner = live(key);
			return (owner != null) ? List.of(owner) : List.of();
		}

		public int whereis(int key) {
			Integer owner = live(key);
			return (owner != null) ? owner : -1;
		}

		public int countLive(int key) {
			return (live(key) != null) ? 1 : 0;
		}

	}

	/** The duplicate core under test. */
	public static class DuplicateCore extends Core {

		final ProcessRegistry<Integer, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.duplicate("lin"));

		@Operation
		public void register(@Param(gen = IntGen.class, conf = "0:2") int owner,
				@Param(gen = IntGen.class, conf = "0:1") int key) {
			this.registry.register(this.owners[owner], key, "v");
		}

		@Operation
		public boolean unregister(@Param(gen = IntGen.class, conf = "0:2") int owner,
				@Param(gen = IntGen.class, conf = "0:1") int key) {
			return this.registry.unregister(this.owners[owner], key);
		}

		@Operation
		public void kill(@Param(gen = IntGen.class, conf = "0:2") int owner) {
			this.runtime.exit(this.owners[owner].pid(), ExitReason.KILL);
		}

		@Operation
		public boolean alive(@Param(gen = IntGen.class, conf = "0:2") int owner) {
			return this.runtime.isAlive(this.owners[owner].pid());
		}

		/** @return the owners' indices, sorted */
		@Operation
		public List<Integer> lookup(@Param(gen = IntGen.class, conf = "0:1") int key) {
			return this.registry.lookup(key).stream().map((e) -> indexOf(e.pid())).sorted().toList();
		}

		@Operation
		public int countLive(@Param(gen = IntGen.class, conf = "0:1") int key) {
			return this.registry.countMatch(key, (v) -> true);
		}

	}

	/** The sequential specification of the duplicate core. */
	public static class DuplicateSpec {

		private final Map<Integer, List<Integer>> table = new HashMap<>();

		private final Set<Integer> dead = new HashSet<>();

		public void register(int owner, int key) {
			if (!this.dead.contains(owner)) {
				this.table.computeIfAbsent(key, (k) -> new ArrayList<>()).add(owner);
			}
		}

		public boolean unregister(int owner, int key) {
			if (this.dead.contains(owner)) {
				return false;
			}
			List<Integer> owners = this.table.getOrDefault(key, new ArrayList<>());
			return owners.removeIf((o) -> o == owner);
		}

		public void kill(int owner) {
			this.dead.add(owner);
		}

		public boolean alive(int owner) {
			return !this.dead.contains(owner);
		}

		public List<Integer> lookup(int key) {
			return this.table.getOrDefault(key, List.of()).stream().filter((o) -> !this.dead.contains(o)).sorted().toList();
		}

		public int countLive(int key) {
			return lookup(key).size();
		}

	}

	// ---- options and hand-written scenarios

	private static Actor actor(Class<?> type, String name, Object... args) {
		Method method = Arrays.stream(type.getMethods())
			.filter((m) -> m.getName().equals(name))
			.findFirst()
			.orElseThrow();
		return new Actor(method, List.of(args));
	}

	private static ExecutionScenario scenario(List<Actor> init, List<List<Actor>> parallel, List<Actor> post) {
		return new ExecutionScenario(init, parallel, post, null);
	}

	/** register ‖ register on one key; register ‖ kill of the owner, then reads; kill ‖ (alive, reads). */
	private static <O extends Options<O, ?>> O withDangerousShapes(O options, Class<?> type) {
		boolean unique = type == UniqueCore.class;
		List<Actor> reads = unique ? List.of(actor(type, "whereis", 0), actor(type, "lookup", 0), actor(type, "countLive", 0))
				: List.of(actor(type, "lookup", 0), actor(type, "countLive", 0));
		options.addCustomScenario(scenario(List.of(),
				List.of(List.of(actor(type, "register", 0, 0)), List.of(actor(type, "register", 1, 0))), reads));
		options.addCustomScenario(scenario(List.of(),
				List.of(List.of(actor(type, "register", 0, 0)), List.of(actor(type, "kill", 0))), reads));
		List<Actor> afterDeath = new ArrayList<>();
		afterDeath.add(actor(type, "alive", 0));
		afterDeath.addAll(reads);
		options.addCustomScenario(scenario(List.of(actor(type, "register", 0, 0)),
				List.of(List.of(actor(type, "kill", 0)), afterDeath), List.of(actor(type, "register", 1, 0))));
		options.addCustomScenario(scenario(List.of(actor(type, "register", 0, 0)),
				List.of(List.of(actor(type, "unregister", 0, 0), actor(type, "register", 0, 0)),
						List.of(actor(type, "register", 1, 0), actor(type, "kill", 1))),
				reads));
		return options;
	}

	/**
	 * The dangerous shapes, every interleaving of which model checking explores, then random
	 * scenarios: two actors a thread keep each random scenario's interleavings few enough to be
	 * covered by the invocations it gets.
	 */
	private static ModelCheckingOptions modelChecking(Class<?> type, Class<?> spec) {
		return withDangerousShapes(new ModelCheckingOptions().iterations(3)
			.invocationsPerIteration(100)
			.threads(2)
			.actorsPerThread(2)
			.actorsBefore(1)
			.actorsAfter(2)
			.sequentialSpecification(spec), type);
	}

	/** The dangerous shapes alone: the planted bug shows in one of them, so its check fails the same way every run. */
	private static ModelCheckingOptions dangerousShapesOnly(Class<?> type, Class<?> spec) {
		return withDangerousShapes(new ModelCheckingOptions().iterations(0)
			.invocationsPerIteration(100)
			.sequentialSpecification(spec), type);
	}

	private static StressOptions stress(Class<?> spec) {
		return new StressOptions().iterations(4)
			.invocationsPerIteration(200)
			.threads(2)
			.actorsPerThread(2)
			.actorsBefore(1)
			.actorsAfter(2)
			.sequentialSpecification(spec);
	}

	@Test
	void uniqueCoreIsLinearizableUnderModelChecking() {
		LinChecker.check(UniqueCore.class, modelChecking(UniqueCore.class, UniqueSpec.class));
	}

	@Test
	void uniqueCoreIsLinearizableUnderStress() {
		LinChecker.check(UniqueCore.class, stress(UniqueSpec.class));
	}

	@Test
	void duplicateCoreIsLinearizableUnderModelChecking() {
		LinChecker.check(DuplicateCore.class, modelChecking(DuplicateCore.class, DuplicateSpec.class));
	}

	@Test
	void duplicateCoreIsLinearizableUnderStress() {
		LinChecker.check(DuplicateCore.class, stress(DuplicateSpec.class));
	}

	@Test
	void theSuiteCatchesAPlantedStaleRead() {
		assertThatThrownBy(() -> LinChecker.check(StaleReadUniqueCore.class,
				dangerousShapesOnly(UniqueCore.class, UniqueSpec.class).minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void theSuiteCatchesAPlantedStaleLivenessCopy() {
		assertThatThrownBy(() -> LinChecker.check(StaleCopyUniqueCore.class,
				dangerousShapesOnly(UniqueCore.class, UniqueSpec.class).minimizeFailedScenario(false)))
			.isInstanceOf(AssertionError.class);
	}

	/** The unique core over {@link StaleCopyPartition}s: an entry's liveness copy outlives its owner. */
	public static class StaleCopyUniqueCore extends UniqueCore {

		public StaleCopyUniqueCore() {
			super(StaleCopyPartition::new);
		}

	}

	/** The unique core over {@link StaleReadPartition}s: the planted bug the suite must catch. */
	public static class StaleReadUniqueCore extends UniqueCore {

		public StaleReadUniqueCore() {
			super(StaleReadPartition::new);
		}

	}

}
