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

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Linearizability of the mailbox hand-off, checked by Lincheck against a FIFO queue: any number
 * of senders deliver concurrently, one consumer polls (the process itself, or whoever holds a
 * server's runner word). The process is never started, so the scenario threads are plain
 * platform threads and {@code deliver} never has anyone to wake.
 *
 * <p>The suite proves its power on a planted bug: the same queue with the tail swing done as a
 * read followed by a write instead of one atomic exchange, which loses messages when two senders
 * interleave.
 */
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

	/** The real mailbox of a process that is never started. */
	@Param(name = "value", gen = IntGen.class, conf = "1:9")
	public static class RealMailbox {

		private final ThreadProcess process = new ThreadProcess(ProcessRuntime.start(), 1, (ctx) -> {
		});

		@Operation
		public void send(@Param(name = "value") int value) {
			this.process.deliver(value);
		}

		@Operation(nonParallelGroup = "consumer")
		public @Nullable Object poll() {
			return this.process.poll();
		}

	}

	/** A planted bug: the same linked queue with a tail swing that is not atomic. */
	@Param(name = "value", gen = IntGen.class, conf = "1:9")
	public static class NonAtomicTail {

		private static final class Node {

			@Nullable Object item;

			volatile @Nullable Node next;

			Node(@Nullable Object item) {
				this.item = item;
			}

		}

		private volatile Node head = new Node(null);

		private volatile Node tail = this.head;

		@Operation
		public void send(@Param(name = "value") int value) {
			Node node = new Node(value);
			Node prev = this.tail;
			this.tail = node;
			prev.next = node;
		}

		@Operation(nonParallelGroup = "consumer")
		public @Nullable Object poll() {
			Node next = this.head.next;
			if (next == null) {
				return null;
			}
			Object item = next.item;
			this.head = next;
			return item;
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

	}

}
