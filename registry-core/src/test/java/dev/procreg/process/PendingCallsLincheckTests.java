package dev.procreg.process;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.testing.LincheckProgress;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How a call learns of its server's exit ({@link PendingCalls}), model-checked by Lincheck:
 * callers deliver calls to a server while the server's thread takes and handles them and a death
 * strikes. The promise: once the scenario has ended and the server is dead, every call delivered
 * to it is settled, exactly once, by its reply or by a failure with the exit reason; none waits
 * forever. After each scenario the validation kills the server (if the scenario did not) and
 * checks every call made; the deaths that race the callers and the server's thread are the
 * scenario's own {@code die}. The operations' results (whether a call was delivered) are checked
 * against this class run sequentially. Random scenarios run with a small budget (a death is a long
 * stretch of code to interleave); the shapes where a call and a death race are explored on their
 * own.
 *
 * <h2>What is real</h2>
 * The server is a real {@link ServerProcess}, made and never started: no thread of a runtime runs
 * it, and its runner word stays at "starting", so a delivery schedules nothing. Its mailbox, its
 * {@link PendingCalls} hook (attached by its constructor) and the calls are the real ones. A
 * caller is {@link ServerProcess#deliverCall}, as a local or remote call is; the death is
 * {@link LocalProcess#exit}, the whole of it (the mark under the lock, the process table, the
 * hooks); the server's thread handling one message is {@link ServerProcess#drain}, the loop its
 * thread runs, with a GenServer that replies at once or defers its reply. The test writes two
 * things itself: a {@code handleCall} still running when the scenario ends ({@link Driver#take}),
 * which plays the server's thread from the real steps ({@code poll}, then
 * {@link PendingCalls#handling}), because only a death that strikes while the callback runs shows
 * whether the exit fails the call being handled or leaves it to the callback's return; and a
 * {@link Call} subclass that counts its settlements around the real compare-and-set.
 *
 * <h2>Planted bugs</h2>
 * The suite proves its power on three planted bugs, each a subclass of {@link PendingCalls} that
 * breaks one step: a caller that does not check the server alive after its delivery (a death
 * whose walk read the tail before the call was on it then misses the call); a death that walks
 * the mailbox before it marks the server dead (in {@code ownerDying}, under the lock), so that a
 * caller can deliver after the walk and still find the server alive; and a server's thread that
 * checks itself alive before it publishes the call it handles, so that a death in between finds
 * the call neither in the mailbox nor in {@code handling}. Each is looked for in the shape that
 * exposes it.
 */
@ExtendWith(LincheckProgress.class)
public class PendingCallsLincheckTests {

	/**
	 * The runtime the servers belong to: made once, since Lincheck makes a test instance per
	 * invocation. Its servers are never started nor counted in its table.
	 */
	private static final ProcessRuntime RUNTIME = ProcessRuntime.start();

	/** The request whose {@code handleCall} defers its reply (returns noReply). */
	private static final String DEFER = "defer";

	private static final String ANSWER = "answer";

	@Test
	void modelCheckingPasses() {
		modelChecking().check(RealCalls.class);
	}

	@Test
	void stressPasses() {
		new StressOptions().iterations(4)
			.invocationsPerIteration(300)
			.threads(3)
			.actorsPerThread(2)
			.actorsBefore(1)
			.actorsAfter(1)
			.check(RealCalls.class);
	}

	@Test
	void theDangerousShapesPass() {
		handWrittenOnly(callRacingDeath(), twoCallsRacingDeath(), takeRacingDeath(), serveAndCallRacingDeath())
			.check(RealCalls.class);
	}

	@Test
	void catchesACallerThatDoesNotCheckAfterItsDelivery() {
		assertThatExceptionOfType(LincheckAssertionError.class).isThrownBy(
				() -> handWrittenOnly(callRacingDeath()).minimizeFailedScenario(false).check(NoCheckAfterDelivery.class));
	}

	@Test
	void catchesADeathThatWalksTheMailboxBeforeItsMark() {
		assertThatExceptionOfType(LincheckAssertionError.class).isThrownBy(
				() -> handWrittenOnly(callRacingDeath()).minimizeFailedScenario(false).check(WalkBeforeTheMark.class));
	}

	@Test
	void catchesAServerThatChecksItselfAliveBeforePublishingTheCall() {
		assertThatExceptionOfType(LincheckAssertionError.class).isThrownBy(
				() -> handWrittenOnly(takeRacingDeath()).minimizeFailedScenario(false).check(CheckBeforePublish.class));
	}

	/**
	 * Random scenarios. A death is a long stretch of code (the lock, the process table, the hooks),
	 * so an invocation costs 5 to 10 ms: the budget is small, and the dangerous shapes below are
	 * explored on their own.
	 */
	private static ModelCheckingOptions modelChecking() {
		return new ModelCheckingOptions().iterations(6)
			.invocationsPerIteration(150)
			.threads(3)
			.actorsPerThread(2)
			.actorsBefore(1)
			.actorsAfter(1);
	}

	/** A call racing the death: the death's walk may read the tail before the call is on it. */
	private static ExecutionScenario callRacingDeath() {
		return scenario(List.of(), List.of(List.of(actor("call", 0)), List.of(actor("die"))));
	}

	/**
	 * Two calls racing the death: the walk may come when one caller swung the tail and has not
	 * linked its node yet, behind or ahead of the other.
	 */
	private static ExecutionScenario twoCallsRacingDeath() {
		return scenario(List.of(),
				List.of(List.of(actor("call", 0)), List.of(actor("call", 1)), List.of(actor("die"))));
	}

	/**
	 * A queued call taken as the death strikes, its handleCall then running on: the death finds
	 * it neither in the mailbox nor, unless the thread published it in time, in {@code handling}.
	 */
	private static ExecutionScenario takeRacingDeath() {
		return scenario(List.of(actor("call", 0)), List.of(List.of(actor("take")), List.of(actor("die"))));
	}

	/**
	 * A queued call whose reply is deferred, served as another call and the death race: the
	 * deferred call becomes an exit hook of its own as the hooks are taken.
	 */
	private static ExecutionScenario serveAndCallRacingDeath() {
		return scenario(List.of(actor("call", 1)),
				List.of(List.of(actor("serve")), List.of(actor("call", 0)), List.of(actor("die"))));
	}

	/** Only the given scenarios, each explored with the whole budget. */
	private static ModelCheckingOptions handWrittenOnly(ExecutionScenario... scenarios) {
		ModelCheckingOptions options = new ModelCheckingOptions().iterations(0).invocationsPerIteration(250);
		for (ExecutionScenario scenario : scenarios) {
			options.addCustomScenario(scenario);
		}
		return options;
	}

	private static ExecutionScenario scenario(List<Actor> before, List<List<Actor>> parallel) {
		List<List<Actor>> threads = new ArrayList<>();
		for (List<Actor> thread : parallel) {
			threads.add(new ArrayList<>(thread));
		}
		return new ExecutionScenario(new ArrayList<>(before), threads, new ArrayList<>(), null);
	}

	private static Actor actor(String operation, Object... args) {
		for (Method method : Driver.class.getMethods()) {
			if (method.getName().equals(operation)) {
				return new Actor(method, List.of(args));
			}
		}
		throw new IllegalArgumentException(operation);
	}

	/** A real call that counts how many settlements won its one compare-and-set. */
	static final class CountedCall extends Call {

		final AtomicInteger settlements = new AtomicInteger();

		/** Set by its caller once the server took the delivery. */
		volatile boolean delivered;

		CountedCall(Object request) {
			super(request, null);
		}

		@Override
		boolean claim(Object result) {
			if (super.claim(result)) {
				this.settlements.incrementAndGet();
				return true;
			}
			return false;
		}

	}

	/** The server's callbacks: a call is answered at once, or its reply is deferred (and never sent). */
	static final class Answering extends GenServer<Object> {

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			return ok("state");
		}

		@Override
		protected Result<Object> handleCall(Object request, From from, Object state) {
			return DEFER.equals(request) ? noReply(state) : reply(ANSWER, state);
		}

	}

	/**
	 * Drives one server the way its callers, its thread and its death do. The operations of the
	 * server's thread run on one thread ({@code nonParallelGroup}), as only the thread named in
	 * the runner word consumes the mailbox.
	 */
	@Param(name = "defer", gen = IntGen.class, conf = "0:1")
	public abstract static class Driver {

		final ServerProcess process;

		final PendingCalls calls;

		/** Every call made, delivered or not; a scenario makes far fewer. */
		private final CountedCall[] made = new CountedCall[64];

		private final AtomicInteger count = new AtomicInteger();

		/** The call whose handleCall runs past the end of the scenario; the server's thread's own. */
		private @Nullable Call running;

		Driver(PendingCalls calls) {
			this.calls = calls;
			// the runtime's fresh servers are started at once; this one never is: its serial is
			// one no process of the runtime has
			this.process = new ServerProcess(RUNTIME, Long.MAX_VALUE, new Answering(), calls);
		}

		/**
		 * A caller delivers a call, as a local or remote call does before it parks.
		 * @param defer 1 for a call whose handleCall defers the reply
		 * @return whether the server took the delivery (false: it was dead, the caller is told
		 * there is no process)
		 */
		@Operation
		public boolean call(@Param(name = "defer") int defer) {
			CountedCall call = new CountedCall((defer == 1) ? DEFER : "request");
			this.made[this.count.getAndIncrement()] = call;
			boolean delivered = this.process.deliverCall(call);
			call.delivered = delivered;
			return delivered;
		}

		/** The server's thread handles the next message, if it is free and the server alive. */
		@Operation(nonParallelGroup = "server")
		public void serve() {
			if (this.running == null) {
				this.process.drain(1);
			}
		}

		/**
		 * The server's thread takes the next message and starts its handleCall, which runs on past
		 * the scenario: the steps of {@code drain} and {@code dispatch} up to the callback.
		 */
		@Operation(nonParallelGroup = "server")
		public void take() {
			if (this.running != null || !this.process.isAlive()) {
				return;
			}
			Object message = this.process.poll();
			if (message instanceof Call call) {
				if (this.calls.handling(this.process, call)) {
					this.running = call;
				}
				else {
					this.calls.handled(this.process, call); // a dead server runs no callback
				}
			}
		}

		/** The server dies: killed, from a thread that is none of its callers. */
		@Operation
		public void die() {
			this.process.exit(ExitReason.KILLED);
		}

		/**
		 * Once the server is dead (killed here if the scenario left it alive), every call it took
		 * is settled, once, by its answer or by a failure with the exit reason; a call it refused
		 * is settled by no one.
		 */
		@Validate
		public void everyDeliveredCallSettlesOnce() {
			this.process.exit(ExitReason.KILLED);
			ExitReason reason = this.process.exitReason();
			int made = this.count.get();
			for (int i = 0; i < made; i++) {
				CountedCall call = this.made[i];
				int settlements = call.settlements.get();
				String state = call.state();
				boolean rightOutcome = state.equals("replied: " + ANSWER) || state.equals("failed: " + reason);
				if (call.delivered ? (settlements != 1 || !rightOutcome) : (settlements != 0)) {
					throw new IllegalStateException("call " + (i + 1) + " of " + made + ", "
							+ (call.delivered ? "delivered" : "refused") + " to a server dead with " + reason
							+ ", settled " + settlements + " time(s), now " + state);
				}
			}
		}

	}

	/** The real hook. */
	public static class RealCalls extends Driver {

		public RealCalls() {
			super(new PendingCalls());
		}

	}

	/**
	 * A planted bug: a caller that does not check the server alive after its delivery. A death
	 * whose walk read the tail before the call was on it misses the call, and so does the caller.
	 */
	public static class NoCheckAfterDelivery extends Driver {

		public NoCheckAfterDelivery() {
			super(new PendingCalls() {

				@Override
				void delivered(ServerProcess server, Call call) {
				}

			});
		}

	}

	/**
	 * A planted bug: a death that walks the mailbox (and reads the call being handled) before it
	 * marks the server dead, under the server's lock as its hooks learn it dies, and not after:
	 * a caller that delivers after the walk still finds the server alive.
	 */
	public static class WalkBeforeTheMark extends Driver {

		public WalkBeforeTheMark() {
			this(new EarlyWalk());
		}

		private WalkBeforeTheMark(EarlyWalk calls) {
			super(calls);
			calls.server = this.process;
		}

		static final class EarlyWalk extends PendingCalls {

			@Nullable ServerProcess server;

			@Override
			protected void ownerDying() {
				// the only reason the scenarios kill with
				super.failPending(this.server, ExitReason.KILLED);
			}

			@Override
			void failPending(ServerProcess dead, ExitReason reason) {
				// walked already, before the mark
			}

		}

	}

	/**
	 * A planted bug: a server's thread that checks itself alive before it publishes the call it
	 * handles. A death between the two finds the call neither in the mailbox (taken) nor in
	 * {@code handling} (not yet published), and its handleCall runs on unseen.
	 */
	public static class CheckBeforePublish extends Driver {

		public CheckBeforePublish() {
			super(new PendingCalls() {

				@Override
				boolean handling(ServerProcess server, Call call) {
					boolean alive = server.isAlive();
					super.handling(server, call); // publishes; its own check comes too late to count
					return alive;
				}

			});
		}

	}

}
