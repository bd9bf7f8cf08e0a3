package dev.procreg.process;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** Tests for {@link ProcessRuntime#onExit(Pid, ExitListener)} and {@link Pid#parse(String)}. */
@ExtendWith(RuntimeExtension.class)
class ExitListenerTests {

	private final ProcessRuntime runtime;

	private final List<String> heard = new CopyOnWriteArrayList<>();

	ExitListenerTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@Test
	void theListenerHearsTheExitOnceWithItsReasonAfterTheCleanup() {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("r"));
		CountDownLatch registered = new CountDownLatch(1);
		Pid pid = this.runtime.spawn((ctx) -> {
			registry.register("k", "v");
			registered.countDown();
			ctx.receive();
			throw new IllegalStateException("boom");
		});
		Await.latch(registered);
		this.runtime.onExit(pid, (exited, reason) -> this.heard
			.add(exited + " " + reason.getClass().getSimpleName() + " key=" + registry.whereis("k").isPresent()));
		this.runtime.send(pid, "go");
		await().atMost(Await.LONG).until(() -> !this.heard.isEmpty());
		assertThat(this.heard).containsExactly(pid + " Crash key=false");
	}

	@Test
	void aDeadOrUnknownProcessIsHeardAtOnce() {
		Pid pid = this.runtime.spawn((ctx) -> {
		});
		await().atMost(Await.LONG).until(() -> !this.runtime.isAlive(pid));
		this.runtime.onExit(pid, (exited, reason) -> this.heard.add("dead " + reason));
		this.runtime.onExit(Pid.of("elsewhere", 7), (exited, reason) -> this.heard.add("unknown " + reason));
		assertThat(this.heard).containsExactly("dead normal", "unknown noproc");
	}

	@Test
	void aCancelledListenerIsNotCalled() {
		Pid pid = this.runtime.spawn((ctx) -> ctx.receive());
		ExitSubscription subscription = this.runtime.onExit(pid, (exited, reason) -> this.heard.add("called"));
		assertThat(subscription.cancel()).isTrue();
		assertThat(subscription.cancel()).isFalse();
		this.runtime.exit(pid, ExitReason.KILL);
		assertThat(this.runtime.awaitExit(pid, Await.LONG)).isTrue();
		assertThat(this.heard).isEmpty();
	}

	@Test
	void aPidReadsBackFromItsText() {
		Pid pid = this.runtime.spawn((ctx) -> ctx.receive());
		Pid parsed = Pid.parse(pid.toString());
		assertThat(parsed.nodeId().incarnation()).as("the text leaves the incarnation out").isZero();
		assertThat(this.runtime.isAlive(parsed)).isTrue();
		assertThat(Pid.parse("node.with.dots.42")).isEqualTo(Pid.of("node.with.dots", 42));
		assertThat(Pid.parse(" <a.1> ")).isEqualTo(Pid.of("a", 1));
		assertThatIllegalArgumentException().isThrownBy(() -> Pid.parse("<a.b>"))
			.withMessageContaining("must be a number");
		assertThatIllegalArgumentException().isThrownBy(() -> Pid.parse("nodot"))
			.withMessageContaining("expected <node.serial>");
		assertThatIllegalArgumentException().isThrownBy(() -> Pid.parse("<.5>"))
			.withMessageContaining("expected <node.serial>");
	}

}
