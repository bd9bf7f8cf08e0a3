package dev.procreg.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.procreg.process.From;
import dev.procreg.process.GenServer;

import org.jspecify.annotations.Nullable;

/**
 * Small servers and messages shared by the benchmarks. Every server here does the least work its
 * callback allows, so a benchmark measures the runtime and not the callback.
 */
final class Servers {

	/** How long a benchmark waits for a receiver before it declares a message lost. */
	static final long WAIT_SECONDS = 30;

	/** The payload of send and cast benchmarks: one shared object, so no benchmark pays for allocating it. */
	static final Object MESSAGE = new Object();

	private Servers() {
	}

	/**
	 * Sent after a batch: the receiver writes how many messages it has counted so far and opens
	 * the latch. Order per sender pair makes it arrive after the whole batch.
	 */
	static final class Flush {

		final CountDownLatch latch = new CountDownLatch(1);

		volatile long received;

		void done(long count) {
			this.received = count;
			this.latch.countDown();
		}

		/**
		 * Waits for the receiver and checks that it saw every message sent so far.
		 * @param expected messages sent to the receiver since it started
		 * @param what the receiver, for the error
		 */
		void await(long expected, String what) throws InterruptedException {
			if (!this.latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException(what + ": no flush after " + WAIT_SECONDS + " s; expected "
						+ expected + " messages (deadlock or lost message)");
			}
			if (this.received != expected) {
				throw new IllegalStateException(what + ": received " + this.received + " messages, sent " + expected);
			}
		}

	}

	/** A server that does nothing: for start, stop and idle memory. */
	static final class Idle extends GenServer<Object> {

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			return ok(Boolean.TRUE);
		}

	}

	/** Replies with the request: the smallest handleCall. */
	static final class Echo extends GenServer<Object> {

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			return ok(Boolean.TRUE);
		}

		@Override
		protected Result<Object> handleCall(Object request, From from, Object state) {
			return reply(request, state);
		}

	}

	/** Counts casts and plain messages; answers a {@link Flush} with the count. */
	static final class Counter extends GenServer<Object> {

		private long count;

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			return ok(Boolean.TRUE);
		}

		@Override
		protected Result<Object> handleCast(Object request, Object state) {
			return count(request, state);
		}

		@Override
		protected Result<Object> handleInfo(Object message, Object state) {
			return count(message, state);
		}

		private Result<Object> count(Object message, Object state) {
			if (message instanceof Flush flush) {
				flush.done(this.count);
			}
			else {
				this.count++;
			}
			return noReply(state);
		}

	}

}
