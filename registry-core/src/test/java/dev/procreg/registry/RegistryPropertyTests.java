package dev.procreg.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.RegistryTestSupport.Agent;

import static org.assertj.core.api.Assertions.assertThat;

/** Stateful property: after every step of register/unregister/kill/lookup, lookups equal a simple model. */
class RegistryPropertyTests {

	static final int OWNERS = 3;

	static final List<String> KEYS = List.of("a", "b");

	/** The system under test and its model. */
	static final class World {

		final ProcessRuntime runtime = RegistryTestSupport.runtime();

		final ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("prop").withPartitions(2));

		final List<Agent> agents = new ArrayList<>();

		final Map<String, Integer> model = new HashMap<>();

		World() {
			for (int i = 0; i < OWNERS; i++) {
				this.agents.add(new Agent(this.runtime));
			}
		}

		void check() {
			for (String key : KEYS) {
				Optional<Pid> expected = Optional.ofNullable(this.model.get(key)).map((i) -> this.agents.get(i).pid);
				assertThat(this.registry.whereis(key)).as("whereis %s", key).isEqualTo(expected);
				assertThat(this.registry.lookup(key)).extracting(RegistryEntry::pid)
					.containsExactlyElementsOf(expected.stream().toList());
			}
			assertThat(this.registry.count()).isEqualTo(this.model.size());
		}

	}

	@Property(tries = 50)
	void lookupsFollowTheModel(@ForAll("chains") ActionChain<World> chain) {
		try {
			chain.withInvariant(World::check).run();
		}
		finally {
			chain.finalState().ifPresent((w) -> w.runtime.close());
		}
	}

	@Provide
	Arbitrary<ActionChain<World>> chains() {
		Arbitrary<Integer> owners = Arbitraries.integers().between(0, OWNERS - 1);
		Arbitrary<String> keys = Arbitraries.of(KEYS);
		return ActionChain.startWith(World::new)
			.withAction(Action.just(Transformer.noop()))
			.withAction((Action.Independent<World>) () -> owners.flatMap((o) -> keys.map((k) -> Transformer.mutate(
					"register " + o + " " + k, (World w) -> {
						RegisterResult result = w.agents.get(o).call(() -> w.registry.register(k, "v"));
						Integer holder = w.model.get(k);
						if (holder == null) {
							assertThat(result).isEqualTo(new RegisterResult.Registered());
							w.model.put(k, o);
						}
						else {
							assertThat(result).isEqualTo(new RegisterResult.AlreadyRegistered(w.agents.get(holder).pid));
						}
					}))))
			.withAction((Action.Independent<World>) () -> owners.flatMap((o) -> keys.map((k) -> Transformer.mutate(
					"unregister " + o + " " + k, (World w) -> {
						boolean removed = w.agents.get(o).call(() -> w.registry.unregister(k));
						boolean owned = Integer.valueOf(o).equals(w.model.get(k));
						assertThat(removed).isEqualTo(owned);
						if (owned) {
							w.model.remove(k);
						}
					}))))
			.withAction((Action.Independent<World>) () -> owners.map((o) -> Transformer.mutate("kill " + o, (World w) -> {
				w.agents.get(o).kill();
				w.model.values().removeIf((holder) -> holder.equals(o));
				w.agents.set(o, new Agent(w.runtime));
			})))
			.withMaxTransformations(30);
	}

}
