package dev.procreg.registry;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Where the registry follows Elixir and Erlang: metadata keys, update by a non-owner, casts. */
@ExtendWith(RuntimeExtension.class)
class RegistryOtpSemanticsTests {

	private final ProcessRuntime runtime;

	RegistryOtpSemanticsTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	record Region(String code) {
	}

	@Test
	void metadataKeysAreAnyValueWithEqualsAndHashCode() {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("meta").withMeta(new Region("id"), "Jakarta").withMeta(42, "answer"));
		assertThat(registry.meta(new Region("id"))).contains("Jakarta");
		assertThat(registry.meta(42)).contains("answer");
		registry.putMeta(new Region("my"), "Kuala Lumpur");
		assertThat(registry.meta()).containsEntry(new Region("my"), "Kuala Lumpur").hasSize(3);
		registry.deleteMeta(new Region("id"));
		assertThat(registry.meta(new Region("id"))).isEmpty();
	}

	@Test
	void updateValueByANonOwnerIsATypedOutcomeAndChangesNothing() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("upd"));
		CompletableFuture<Pid> owner = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> {
			registry.register("k", "v");
			owner.complete(ctx.self());
			ctx.receive();
		});
		Pid ownerPid = Await.result(owner);
		CompletableFuture<ValueUpdate<String>> outcome = new CompletableFuture<>();
		this.runtime.spawn((ctx) -> outcome.complete(registry.updateValue("k", (v) -> "stolen")));
		assertThat(Await.result(outcome)).isEqualTo(new ValueUpdate.NotOwner<String>(ownerPid));
		assertThat(registry.lookup("k")).containsExactly(new RegistryEntry<>("k", ownerPid, "v"));
	}

	@Test
	void aCastThroughAViaNameOfAnUnknownRegistryDoesNothingAsInElixir() {
		ViaName<String, Object> missing = ViaName.of("no-such-registry", "k");
		assertThatCode(() -> this.runtime.cast(missing, "hello")).doesNotThrowAnyException();
		// send and call still name the mistake
		assertThatIllegalArgumentException().isThrownBy(() -> this.runtime.send(missing, "hello"))
			.withMessageContaining("unknown registry 'no-such-registry'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.runtime.call(missing, "hello"))
			.withMessageContaining("unknown registry 'no-such-registry'");
	}

}
