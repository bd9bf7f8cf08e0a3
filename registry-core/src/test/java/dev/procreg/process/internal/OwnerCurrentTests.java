package dev.procreg.process.internal;

import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Which process a thread runs ({@link Owner#current()}): a server's virtual thread finds the
 * server it is made to run, and a platform thread never runs a process, so it is not asked.
 */
class OwnerCurrentTests {

	private final Owner server = new Server(Pid.of("local", 42));

	@Test
	void aPlatformThreadRunsNoProcessAndCannotBeMadeToRunOne() {
		assertThat(Thread.currentThread().isVirtual()).isFalse();

		assertThatIllegalStateException().isThrownBy(() -> Owner.setCurrent(this.server))
			.withMessageContaining(this.server.pid().toString())
			.withMessageContaining("platform thread '" + Thread.currentThread().getName() + "'");
		assertThat(Owner.current()).as("the process of a platform thread after a refused setCurrent").isNull();
	}

	@Test
	void aServersVirtualThreadFindsTheServerItRunsWhileItRunsIt() throws InterruptedException {
		AtomicReference<@Nullable Owner> whileRunning = new AtomicReference<>();
		AtomicReference<@Nullable Owner> afterwards = new AtomicReference<>(this.server);
		Thread.ofVirtual().start(() -> {
			Owner.setCurrent(this.server);
			whileRunning.set(Owner.current());
			Owner.setCurrent(null);
			afterwards.set(Owner.current());
		}).join();

		assertThat(whileRunning.get()).isSameAs(this.server);
		assertThat(afterwards.get()).isNull();
	}

	private static final class Server extends Owner {

		private final Pid pid;

		Server(Pid pid) {
			this.pid = pid;
		}

		@Override
		public Pid pid() {
			return this.pid;
		}

		@Override
		public ProcessRuntime runtime() {
			throw new UnsupportedOperationException("not needed to find the current process");
		}

	}

}
