package dev.procreg.process;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

@ExtendWith(RuntimeExtension.class)
class RegisteredNameTests {

	private final ProcessRuntime runtime;

	RegisteredNameTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	private Pid idle() {
		return this.runtime.spawn((ctx) -> ctx.receive());
	}

	@Test
	void aRegisteredNameAddressesItsProcess() {
		CompletableFuture<Object> got = new CompletableFuture<>();
		Pid pid = this.runtime.spawn((ctx) -> got.complete(ctx.receive()));
		this.runtime.register("rate-limiter", pid);
		assertThat(this.runtime.whereis("rate-limiter")).contains(pid);
		assertThat(Name.of("rate-limiter").resolve(this.runtime)).isEqualTo(pid);
		assertThat(this.runtime.registered()).containsExactly("rate-limiter");
		assertThat(this.runtime.processInfo(pid).orElseThrow().registeredNames()).containsExactly("rate-limiter");
		this.runtime.send(Name.of("rate-limiter"), "by name");
		assertThat(Await.result(got)).isEqualTo("by name");
	}

	@Test
	void registeredListsNamesSorted() {
		this.runtime.register("b", idle());
		this.runtime.register("a", idle());
		this.runtime.register("c", idle());
		assertThat(this.runtime.registered()).containsExactly("a", "b", "c");
	}

	@Test
	void unregisterRemovesTheName() {
		Pid pid = idle();
		this.runtime.register("temp", pid);
		assertThat(this.runtime.unregister("temp")).isTrue();
		assertThat(this.runtime.unregister("temp")).isFalse();
		assertThat(this.runtime.whereis("temp")).isEmpty();
		assertThat(this.runtime.processInfo(pid).orElseThrow().registeredNames()).isEmpty();
		assertThatExceptionOfType(NoProcessException.class)
			.isThrownBy(() -> this.runtime.send(Name.of("temp"), "x"))
			.withMessageContaining("temp");
		this.runtime.register("temp", pid);
		assertThat(this.runtime.whereis("temp")).contains(pid);
	}

	@Test
	void aNameIsReleasedWhenItsProcessDiesAndCanBeReused() {
		Pid first = idle();
		this.runtime.register("singleton", first);
		this.runtime.exit(first, ExitReason.KILL);
		assertThat(this.runtime.isAlive(first)).isFalse();
		assertThat(this.runtime.whereis("singleton")).isEmpty();
		assertThat(this.runtime.registered()).doesNotContain("singleton");
		Pid second = idle();
		this.runtime.register("singleton", second);
		assertThat(this.runtime.whereis("singleton")).contains(second);
	}

	@Test
	void whereisIsEmptyAsSoonAsIsAliveIsFalse() throws Exception {
		for (int round = 0; round < 200; round++) {
			String name = "racer-" + round;
			CountDownLatch go = new CountDownLatch(1);
			Pid pid = this.runtime.spawn((ctx) -> {
				Await.blockOn(go);
			});
			this.runtime.register(name, pid);
			AtomicReference<String> violation = new AtomicReference<>();
			Thread observer = Thread.ofPlatform().start(() -> {
				while (true) {
					boolean alive = this.runtime.isAlive(pid);
					boolean named = this.runtime.whereis(name).isPresent();
					boolean listed = this.runtime.registered().contains(name);
					if (!alive && (named || listed)) {
						// read after isAlive turned false: must already be gone
						violation.set(name + " still resolves after " + pid + " died");
						return;
					}
					if (!alive) {
						return;
					}
				}
			});
			go.countDown();
			observer.join();
			assertThat(violation.get()).isNull();
		}
	}

	@Test
	void aTakenNameIsRefusedAndTheHolderKeepsIt() {
		Pid holder = idle();
		Pid other = idle();
		this.runtime.register("taken", holder);
		assertThatIllegalStateException().isThrownBy(() -> this.runtime.register("taken", other))
			.withMessageContaining("'taken' is already registered to " + holder);
		assertThat(this.runtime.whereis("taken")).contains(holder);
		assertThat(this.runtime.processInfo(other).orElseThrow().registeredNames()).isEmpty();
	}

	@Test
	void badNamesAndDeadProcessesAreRefused() {
		Pid pid = idle();
		assertThatIllegalArgumentException().isThrownBy(() -> this.runtime.register(" ", pid))
			.withMessageContaining("registered name must not be null or blank");
		assertThatIllegalArgumentException().isThrownBy(() -> this.runtime.register(null, pid))
			.withMessageContaining("registered name must not be null or blank");
		assertThatNullPointerException().isThrownBy(() -> this.runtime.register("x", null))
			.withMessageContaining("pid must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> Name.of(""))
			.withMessageContaining("registered name must not be null or blank");
		Pid dead = this.runtime.spawn((ctx) -> {
		});
		await().until(() -> !this.runtime.isAlive(dead));
		assertThatIllegalArgumentException().isThrownBy(() -> this.runtime.register("late", dead))
			.withMessageContaining("cannot register 'late'")
			.withMessageContaining(dead + " is not alive");
		assertThat(this.runtime.registered()).isEmpty();
	}

	@Test
	void aProcessHoldsOneRegisteredNameAsInErlang() {
		Pid pid = idle();
		this.runtime.register("alias-1", pid);
		assertThatIllegalStateException().isThrownBy(() -> this.runtime.register("alias-2", pid))
			.withMessageContaining("already registered as 'alias-1'");
		assertThat(this.runtime.whereis("alias-2")).isEmpty();
		assertThatIllegalStateException().isThrownBy(() -> this.runtime.register("alias-1", pid))
			.withMessageContaining("already registered to " + pid);
		assertThat(this.runtime.processInfo(pid).orElseThrow().registeredNames()).containsExactly("alias-1");
		// once the name is released, the process may take another
		assertThat(this.runtime.unregister("alias-1")).isTrue();
		this.runtime.register("alias-2", pid);
		assertThat(this.runtime.whereis("alias-2")).contains(pid);
		this.runtime.exit(pid, ExitReason.of("bye"));
		assertThat(this.runtime.registered()).isEmpty();
	}

	@Test
	void namesArePerRuntime() {
		// a second runtime beside the injected one: names are per runtime
		try (ProcessRuntime other = ProcessRuntime.start()) {
			Pid here = idle();
			Pid there = other.spawn((ctx) -> ctx.receive());
			this.runtime.register("shared", here);
			other.register("shared", there);
			assertThat(this.runtime.whereis("shared")).contains(here);
			assertThat(other.whereis("shared")).contains(there);
		}
	}

}
