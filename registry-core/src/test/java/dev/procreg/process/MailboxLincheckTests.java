package dev.procreg.process;

import java.util.ArrayDeque;

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
 * Linearizability of the mailbox hand-off, checked by Lincheck against a FIFO queue: any number
 * of senders offer concurrently, one consumer polls (the process itself, or whoever holds a
 * server's runner word). The suite drives the real {@link Mailbox} class, the one every process
 * holds, from plain platform threads. The consumer's look that passes the tail ({@code pollLinked})
 * is not linearizable on its own: it answers nothing while the oldest sender has swung the tail
 * and not linked its node, even after a later sender's send returned. What a consumer does with
 * it is: take what is linked, and when nothing is, decide on the tail whether the mailbox is empty,
 * and if it is not, wait for the link ({@code poll}). That composite is checked against the same
 * queue.
 *
 * <p>The suite proves its power on a planted bug: a subclass of the real mailbox whose tail swing
 * is a read followed by a write instead of one compare-and-set, which loses messages when two
 * senders interleave.
 */
@ExtendWith(LincheckProgress.class)
public class MailboxLincheckTests {

	@Test
	void modelCheckingPasses() {
		modelChecking().check(RealMailbox.class);
	}

	@Test
	void stressPasses() {
		new StressOptions().iterations(6)
			.invocationsPerIteration(500)
			.threads(3)
			.actorsPerThread(3)
			.sequentialSpecification(FifoModel.class)
			.check(RealMailbox.class);
	}

	@Test
	void catchesANonAtomicTailSwing() {
		assertThatExceptionOfType(LincheckAssertionError.class)
			.isThrownBy(() -> modelChecking().minimizeFailedScenario(false).check(NonAtomicTail.class));
	}

	private static ModelCheckingOptions modelChecking() {
		return new ModelCheckingOptions().iterations(15)
			.invocationsPerIteration(300)
			.threads(3)
			.actorsPerThread(2)
			.actorsBefore(1)
			.actorsAfter(2)
			.sequentialSpecification(FifoModel.class);
	}

	/** The real {@link Mailbox}, driven from plain threads. */
	@Param(name = "value", gen = IntGen.class, conf = "1:9")
	public static class RealMailbox {

		private final Mailbox mailbox = new Mailbox();

		@Operation
		public void send(@Param(name = "value") int value) {
			this.mailbox.offer(value, true);
		}

		@Operation(nonParallelGroup = "consumer")
		public @Nullable Object poll() {
			return this.mailbox.poll();
		}

		@Operation(nonParallelGroup = "consumer")
		public @Nullable Object pollLinkedThenTail() {
			Object message = this.mailbox.pollLinked();
			return (message == null && !this.mailbox.isEmpty()) ? this.mailbox.poll() : message;
		}

	}

	/**
	 * A planted bug in the real mailbox: its tail swing done as a read followed by a write instead
	 * of one compare-and-set, which loses a message when two senders interleave.
	 */
	@Param(name = "value", gen = IntGen.class, conf = "1:9")
	public static class NonAtomicTail {

		private final Mailbox mailbox = new Mailbox() {

			@Override
			MailboxLink swingTail(Mailbox.Node node, int limit) {
				MailboxLink last = this.tail;
				node.seq = last.seq + 1;
				this.tail = node;
				return last;
			}

		};

		@Operation
		public void send(@Param(name = "value") int value) {
			this.mailbox.offer(value, true);
		}

		@Operation(nonParallelGroup = "consumer")
		public @Nullable Object poll() {
			return this.mailbox.poll();
		}

		@Operation(nonParallelGroup = "consumer")
		public @Nullable Object pollLinkedThenTail() {
			Object message = this.mailbox.pollLinked();
			return (message == null && !this.mailbox.isEmpty()) ? this.mailbox.poll() : message;
		}

	}

	/** The sequential specification: a FIFO queue. */
	public static class FifoModel {

		private final ArrayDeque<Object> queue = new ArrayDeque<>();

		public void send(int value) {
			this.queue.addLast(value);
		}

		public @Nullable Object poll() {
			return this.queue.pollFirst();
		}

		public @Nullable Object pollLinkedThenTail() {
			return this.queue.pollFirst();
		}

	}

}
