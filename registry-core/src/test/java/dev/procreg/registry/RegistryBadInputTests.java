package dev.procreg.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.RegistryTestSupport.Agent;
import dev.procreg.testing.IdleServer;
import dev.procreg.testing.RuntimeExtension;

import static dev.procreg.registry.RegistryTestSupport.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Promise 6: each mistake gets an exception that names it, and nothing is half-written. */
@ExtendWith(RuntimeExtension.class)
class RegistryBadInputTests {

	private final ProcessRuntime runtime;

	private final ProcessRegistry<String, String> registry;

	private final ProcessRegistry<String, String> flows;

	RegistryBadInputTests(ProcessRuntime runtime) {
		this.runtime = runtime;
		this.registry = ProcessRegistry.start(runtime, RegistryOptions.unique("sessions"));
		this.flows = ProcessRegistry.start(runtime, RegistryOptions.duplicate("flows"));
	}

	private void assertUntouched() {
		assertThat(this.registry.count()).isZero();
		assertThat(this.registry.keyCount()).isZero();
		assertThat(this.flows.count()).isZero();
		assertThat(this.flows.keyCount()).isZero();
		assertThat(this.registry.partitionStats().get(0).registrations()).isZero();
	}

	@Test
	void nullKeyAndNullValueSayWhich() {
		Agent a = new Agent(this.runtime);
		assertThatIllegalArgumentException().isThrownBy(() -> a.call(() -> this.registry.register(null, "v")))
			.withMessageContaining("key must not be null");
		assertThatNullPointerException().isThrownBy(() -> a.call(() -> this.registry.register("k", null)))
			.withMessageContaining("value must not be null");
		assertThatNullPointerException().isThrownBy(() -> a.call(() -> this.flows.register("k", null)))
			.withMessageContaining("value must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.lookup(null))
			.withMessageContaining("key must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.whereisOrNull(null))
			.withMessageContaining("key must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.via(null))
			.withMessageContaining("key must not be null");
		assertThatNullPointerException().isThrownBy(() -> ViaName.of("sessions", null))
			.withMessageContaining("key must not be null");
		assertUntouched();
		assertThat(this.runtime.isAlive(a.pid)).isTrue();
	}

	@Test
	void registeringOutsideAProcessIsRefused() {
		assertThatIllegalStateException().isThrownBy(() -> this.registry.register("k", "v"))
			.withMessageContaining("register")
			.withMessageContaining("runs no process");
		assertThatIllegalStateException().isThrownBy(() -> this.flows.register("k", "v"))
			.withMessageContaining("runs no process");
		assertThatIllegalStateException().isThrownBy(() -> this.registry.unregister("k"))
			.withMessageContaining("runs no process");
		assertThatIllegalStateException().isThrownBy(() -> this.registry.lock("L", () -> 1))
			.withMessageContaining("runs no process");
		assertUntouched();
	}

	@Test
	void registeringFromAProcessOfAnotherRuntimeIsRefused() {
		try (ProcessRuntime other = ProcessRuntime.start()) {
			Agent foreign = new Agent(other);
			assertThatIllegalStateException().isThrownBy(() -> foreign.call(() -> this.registry.register("k", "v")))
				.withMessageContaining("another runtime");
		}
		assertUntouched();
	}

	@Test
	void updateValueOnAKeyTheCallerDoesNotOwnIsATypedOutcome() {
		Agent owner = new Agent(this.runtime);
		Agent intruder = new Agent(this.runtime);
		owner.call(() -> this.registry.register("k", "v"));
		assertThat(intruder.call(() -> this.registry.updateValue("k", (v) -> "stolen")))
			.isEqualTo(new ValueUpdate.NotOwner<String>(owner.pid));
		assertThat(intruder.call(() -> this.registry.updateValue("missing", (v) -> "x")))
			.isEqualTo(new ValueUpdate.NotOwner<String>(null));
		assertThatIllegalStateException()
			.isThrownBy(() -> owner.call(() -> this.flows.updateValue("k", (v) -> "x")))
			.withMessageContaining("needs unique keys");
		assertThatNullPointerException().isThrownBy(() -> owner.call(() -> this.registry.updateValue("k", (v) -> null)))
			.withMessageContaining("returned null");
		assertThat(this.registry.lookup("k")).containsExactly(new RegistryEntry<>("k", owner.pid, "v"));
	}

	@Test
	void viaOnADuplicateRegistryIsRefused() {
		assertThatIllegalStateException().isThrownBy(() -> this.flows.via("k"))
			.withMessageContaining("registry 'flows' has duplicate keys")
			.withMessageContaining("via name");
		assertThatIllegalStateException().isThrownBy(() -> this.flows.via("k", "v"))
			.withMessageContaining("duplicate keys");
		int processes = this.runtime.processCount();
		assertThatIllegalStateException()
			.isThrownBy(() -> GenServer.start(this.runtime, new IdleServer(), null, ViaName.of("flows", "k")))
			.withMessageContaining("registry 'flows' has duplicate keys");
		assertThat(this.runtime.processCount()).as("the would-be server is gone").isEqualTo(processes);
		assertThatIllegalStateException().isThrownBy(() -> this.runtime.send(ViaName.of("flows", "k"), "m"))
			.withMessageContaining("duplicate keys");
		assertUntouched();
	}

	@Test
	void anUnknownRegistryInAViaNameIsNamed() {
		ViaName<String, Object> name = ViaName.of("nosuch", "k");
		assertThatIllegalArgumentException().isThrownBy(() -> this.runtime.send(name, "m"))
			.withMessageContaining("unknown registry 'nosuch'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.runtime.call(name, "m"))
			.withMessageContaining("unknown registry 'nosuch'");
		int processes = this.runtime.processCount();
		assertThatIllegalArgumentException().isThrownBy(() -> GenServer.start(this.runtime, new IdleServer(), null, name))
			.withMessageContaining("unknown registry 'nosuch'");
		assertThat(this.runtime.processCount()).isEqualTo(processes);
		assertThatIllegalArgumentException().isThrownBy(() -> ViaName.of(" ", "k"))
			.withMessageContaining("registry name");
	}

	@Test
	void aViaNameOfAnotherRuntimesRegistryIsRefused() {
		try (ProcessRuntime other = ProcessRuntime.start()) {
			assertThatIllegalArgumentException().isThrownBy(() -> other.send(this.registry.via("k"), "m"))
				.withMessageContaining("belongs to runtime");
		}
	}

	@Test
	void aRegistryNameUsedTwiceIsRefused() {
		assertThatIllegalStateException()
			.isThrownBy(() -> ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("sessions")))
			.withMessageContaining("already has a registry named 'sessions'");
		assertThat(ProcessRegistry.named(this.runtime, "sessions")).containsSame(this.registry);
		assertThat(ProcessRegistry.all(this.runtime)).containsExactly(this.registry, this.flows);
	}

	@Test
	void badOptionsAreNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> RegistryOptions.unique(" "))
			.withMessageContaining("registry name");
		assertThatIllegalArgumentException().isThrownBy(() -> RegistryOptions.unique("x").withPartitions(0))
			.withMessageContaining("partitions must be at least 1");
		assertThatIllegalArgumentException().isThrownBy(() -> RegistryOptions.unique("x").withExpectedKeys(-1))
			.withMessageContaining("registry 'x': expectedKeys must be 0 (unknown) to 268435456, was -1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RegistryOptions.duplicate("y").withExpectedKeys(RegistryOptions.MAX_EXPECTED_KEYS + 1))
			.withMessageContaining("expectedKeys must be 0 (unknown) to 268435456, was 268435457");
		assertThatThrownBy(() -> this.registry.putMeta("k", null)).hasMessageContaining("meta value must not be null");
		assertThat(this.registry.meta()).isEmpty();
	}

	@Test
	void aDeadOwnersRegisterThroughTheCoreLeavesNothing() {
		Pid pid = IdleServer.start(this.runtime);
		var owner = owner(this.runtime, pid);
		this.runtime.exit(pid, dev.procreg.process.ExitReason.KILL);
		assertThat(this.registry.register(owner, "k", "v")).isNull();
		this.flows.register(owner, "k", "v");
		assertThat(this.registry.count()).isZero();
		assertThat(this.registry.keyCount()).isZero();
		assertThat(this.flows.count()).isZero();
		assertThat(this.flows.keyCount()).isZero();
	}

}
