package dev.procreg.registry;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.RegistryTestSupport.Agent;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RegistryOptions#withExpectedKeys}: a unique registry's table starts at the size that
 * holds the keys expected, and so does not grow on the way there; past them it grows as any
 * table does; a duplicate registry sized the same way holds its keys as before.
 */
@ExtendWith(RuntimeExtension.class)
class RegistryExpectedKeysTests {

	private static final int KEYS = 10_000;

	private final ProcessRuntime runtime;

	RegistryExpectedKeysTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@Test
	void aTableSizedForItsKeysHoldsThemWithoutGrowing() {
		ProcessRegistry<Integer, String> sized = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("sized").withExpectedKeys(KEYS));
		int first = sized.uniques.capacity();
		// the smallest power of two of slots at least twice the keys: an insert rebuilds at half used
		assertThat(first).isEqualTo(32_768);
		Agent agent = new Agent(this.runtime);
		agent.run(() -> IntStream.range(0, KEYS)
			.forEach((key) -> assertThat(sized.register(key, "v")).isInstanceOf(RegisterResult.Registered.class)));
		assertThat(sized.uniques.capacity()).isEqualTo(first);
		assertThat(sized.count()).isEqualTo(KEYS);
		assertThat(IntStream.range(0, KEYS).filter((key) -> sized.whereisOrNull(key) != agent.pid).boxed().toList())
			.as("keys not found under their owner").isEmpty();
		// five eighths of the slots, past half and the 64th the stripes' batched counts may lag by:
		// the table grows, and every key is still there
		int more = first * 5 / 8;
		agent.run(() -> IntStream.range(KEYS, more).forEach((key) -> sized.register(key, "v")));
		assertThat(sized.uniques.capacity()).isEqualTo(2 * first);
		assertThat(sized.count()).isEqualTo(more);
		assertThat(sized.whereisOrNull(0)).isEqualTo(agent.pid);
	}

	@Test
	void aTableLeftUnsizedStartsSmallAndGrows() {
		ProcessRegistry<Integer, String> unsized = ProcessRegistry.start(this.runtime, RegistryOptions.unique("unsized"));
		int first = unsized.uniques.capacity();
		assertThat(first).isEqualTo(2 * EntryTable.STRIPES);
		Agent agent = new Agent(this.runtime);
		agent.run(() -> IntStream.range(0, KEYS).forEach((key) -> unsized.register(key, "v")));
		assertThat(unsized.uniques.capacity()).isEqualTo(32_768);
	}

	@Test
	void aDuplicateRegistrySizedForItsKeysHoldsThem() {
		ProcessRegistry<Integer, String> topics = ProcessRegistry.start(this.runtime,
				RegistryOptions.duplicate("topics").withPartitions(4).withPartitionBy(PartitionBy.KEY).withExpectedKeys(KEYS));
		assertThat(topics.options().expectedKeys()).isEqualTo(KEYS);
		List<Agent> agents = List.of(new Agent(this.runtime), new Agent(this.runtime));
		for (Agent agent : agents) {
			agent.run(() -> IntStream.range(0, KEYS).forEach((key) -> topics.register(key, "v")));
		}
		assertThat(topics.keyCount()).isEqualTo(KEYS);
		assertThat(topics.count()).isEqualTo(2 * KEYS);
		assertThat(topics.lookup(KEYS - 1)).extracting(RegistryEntry::pid)
			.containsExactlyInAnyOrder(agents.get(0).pid, agents.get(1).pid);
	}

}
