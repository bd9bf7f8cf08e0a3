package dev.procreg.process;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.testing.LincheckProgress;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The hand-off of a call's outcome, checked by Lincheck against a sequential specification: the
 * server's reply (possibly deferred, from any thread), the server's exit (its exit hook) and the
 * caller's deadline or interrupt race on one {@link From}; exactly one of them wins, the others
 * are told they lost ({@code false}), and what the caller reads never changes after that. So a
 * late reply never lands and a success is never reported as a timeout, or the other way round.
 *
 * <p>The suite proves its power on a planted bug: the real hand-off with its settling step
 * overridden by a check followed by a write instead of one compare-and-set, which lets a reply
 * and a timeout both win.
 */
@ExtendWith(LincheckProgress.class)
public class CallHandOffLincheckTests {

	/**
	 * A pid for the failures; the process is never started. Its runtime is built here, not by
	 * RuntimeExtension: Lincheck instantiates the tested classes itself.
	 */
	private static final Pid SERVER = new ThreadProcess(ProcessRuntime.start(), 1, (ctx) -> {
	}).pid;

	@Test
	void modelCheckingPasses() {
		modelChecking().check(RealHandOff.class);
	}

	@Test
	void stressPasses() {
		new StressOptions().iterations(5)
			.invocationsPerIteration(500)
			.threads(3)
			.actorsPerThread(2)
			.sequentialSpecification(OneOutcome.class)
			.check(RealHandOff.class);
	}

	@Test
	void aDangerousShapeReplyRacingTheDeadlineThenReadsPasses() {
		// replies from two threads racing the caller's deadline, then the caller's view is read
		modelChecking().actorsBefore(0).actorsAfter(1).actorsPerThread(1).threads(3).check(RealHandOff.class);
	}

	@Test
	void catchesASettleThatIsNotOneCompareAndSet() {
		assertThatExceptionOfType(LincheckAssertionError.class)
			.isThrownBy(() -> modelChecking().minimizeFailedScenario(false).check(CheckThenWriteHandOff.class));
	}

	private static ModelCheckingOptions modelChecking() {
		return new ModelCheckingOptions().iterations(15)
			.invocationsPerIteration(300)
			.threads(3)
			.actorsPerThread(2)
			.actorsBefore(0)
			.actorsAfter(1)
			.sequentialSpecification(OneOutcome.class);
	}

	/** The real {@link Call}, the {@link From} a server gets. */
	@Param(name = "value", gen = IntGen.class, conf = "1:3")
	public static class RealHandOff {

		private final Call from = new Call("request", null);

		@Operation
		public boolean reply(@Param(name = "value") int value) {
			return this.from.reply(value);
		}

		@Operation
		public boolean serverExits() {
			return this.from.fail(SERVER, ExitReason.KILLED);
		}

		@Operation(nonParallelGroup = "caller")
		public boolean deadlinePasses() {
			return this.from.expire();
		}

		@Operation(nonParallelGroup = "caller")
		public boolean callerInterrupted() {
			return this.from.abandon();
		}

		@Operation
		public String outcome() {
			return this.from.state();
		}

	}

	/**
	 * A planted bug in the real hand-off: a subclass of {@link Call} whose settling step is a
	 * check followed by a write instead of one compare-and-set, which lets a reply and a timeout
	 * both win.
	 */
	@Param(name = "value", gen = IntGen.class, conf = "1:3")
	public static class CheckThenWriteHandOff {

		private final Call from = new Call("request", null) {

			@Override
			boolean claim(Object result) {
				if (!settled()) {
					Call.OUTCOME.setVolatile(this, result);
					return true;
				}
				return false;
			}

		};

		@Operation
		public boolean reply(@Param(name = "value") int value) {
			return this.from.reply(value);
		}

		@Operation
		public boolean serverExits() {
			return this.from.fail(SERVER, ExitReason.KILLED);
		}

		@Operation(nonParallelGroup = "caller")
		public boolean deadlinePasses() {
			return this.from.expire();
		}

		@Operation(nonParallelGroup = "caller")
		public boolean callerInterrupted() {
			return this.from.abandon();
		}

		@Operation
		public String outcome() {
			return this.from.state();
		}

	}

	/** The sequential specification: the first settlement wins, every later one is refused. */
	public static class OneOutcome {

		private @Nullable String outcome;

		private boolean settle(String result) {
			if (this.outcome != null) {
				return false;
			}
			this.outcome = result;
			return true;
		}

		public boolean reply(int value) {
			return settle("replied: " + value);
		}

		public boolean serverExits() {
			return settle("failed: " + ExitReason.KILLED);
		}

		public boolean deadlinePasses() {
			return settle("timed out");
		}

		public boolean callerInterrupted() {
			return settle("abandoned");
		}

		public String outcome() {
			return (this.outcome != null) ? this.outcome : "pending";
		}

	}

}
