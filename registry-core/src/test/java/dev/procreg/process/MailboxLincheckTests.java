package dev.procreg.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.stream.Stream;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
 * <p>A process makes its mailbox on its first message: the first sender installs it with a
 * compare-and-set. That install is checked the same way, on a real process (made and never
 * started, so that no thread of its own consumes it): its senders are
 * {@link LocalProcess#deliverBounded}, its consumer the process's own looks ({@code pollLinked},
 * {@code mailboxEmpty}, {@code poll}), which answer an empty mailbox while none is installed.
 *
 * <p>The suite proves its power on two planted bugs: a subclass of the real mailbox whose tail
 * swing is a read followed by a write instead of one compare-and-set, which loses messages when two
 * senders interleave; and a sender that installs a process's first mailbox by looking and then
 * writing the process's field, instead of one compare-and-set, so that of two first senders the
 * later overwrites the mailbox the earlier has already put its message in.
 */
@ExtendWith(LincheckProgress.class)
public class MailboxLincheckTests {

	/** The runtime the processes of {@link ProcessMailbox} belong to; none of them is started. */
	private static final ProcessRuntime RUNTIME = ProcessRuntime.start();

	@ParameterizedTest(name = "{0}")
	@MethodSource("correctMailboxes")
	void modelCheckingPasses(Class<?> mailbox) {
		modelChecking().check(mailbox);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("correctMailboxes")
	void stressPasses(Class<?> mailbox) {
		new StressOptions().iterations(6)
			.invocationsPerIteration(500)
			.threads(3)
			.actorsPerThread(3)
			.sequentialSpecification(FifoModel.class)
			.check(mailbox);
	}

	/** A non-atomic tail swing, and a first mailbox installed by a look and then a write. */
	@ParameterizedTest(name = "{0}")
	@MethodSource("plantedBugs")
	void catchesAPlantedBug(Class<?> planted) {
		assertThatExceptionOfType(LincheckAssertionError.class)
			.isThrownBy(() -> modelChecking().minimizeFailedScenario(false).check(planted));
	}

	static Stream<Named<Class<?>>> correctMailboxes() {
		return Stream.of(Named.of("RealMailbox", RealMailbox.class), Named.of("ProcessMailbox", ProcessMailbox.class));
	}

	static Stream<Named<Class<?>>> plantedBugs() {
		return Stream.of(Named.of("NonAtomicTail", NonAtomicTail.class),
				Named.of("LookThenWriteInstall", LookThenWriteInstall.class));
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

	/**
	 * A mailbox driven from plain threads: any number of senders, one consumer. Subclasses say
	 * which mailbox (Lincheck collects the operations declared here for each of them).
	 */
	@Param(name = "value", gen = IntGen.class, conf = "1:9")
	public abstract static class DrivenMailbox {

		private final Mailbox mailbox;

		DrivenMailbox(Mailbox mailbox) {
			this.mailbox = mailbox;
		}

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

	/** The real {@link Mailbox}. */
	public static class RealMailbox extends DrivenMailbox {

		public RealMailbox() {
			super(new Mailbox());
		}

	}

	/**
	 * A planted bug in the real mailbox: its tail swing done as a read followed by a write instead
	 * of one compare-and-set, which loses a message when two senders interleave.
	 */
	public static class NonAtomicTail extends DrivenMailbox {

		public NonAtomicTail() {
			super(new Mailbox() {

				@Override
				MailboxLink swingTail(Mailbox.Node node, int limit) {
					MailboxLink last = this.tail;
					node.seq = last.seq + 1;
					this.tail = node;
					return last;
				}

			});
		}

	}

	/**
	 * A real process's mailbox, made by its first sender: a {@link ThreadProcess} whose thread is
	 * never started, driven from plain threads through the process's own steps. A fresh one per
	 * invocation, as Lincheck makes a fresh instance, so that every scenario's first sends race to
	 * install its mailbox. Subclasses say how a sender delivers.
	 */
	public abstract static class ProcessConsumer {

		final LocalProcess process = new ThreadProcess(RUNTIME, 1, (ctx) -> {
		});

		@Operation(nonParallelGroup = "consumer")
		public @Nullable Object poll() {
			return this.process.poll();
		}

		@Operation(nonParallelGroup = "consumer")
		public @Nullable Object pollLinkedThenTail() {
			Object message = this.process.pollLinked();
			return (message == null && !this.process.mailboxEmpty()) ? this.process.poll() : message;
		}

	}

	/** The real delivery, which makes the mailbox on the first message. */
	@Param(name = "value", gen = IntGen.class, conf = "1:9")
	public static class ProcessMailbox extends ProcessConsumer {

		@Operation
		public void send(@Param(name = "value") int value) {
			this.process.deliverBounded(value);
		}

	}

	/**
	 * A planted bug in the install of a process's first mailbox: the sender looks at the process's
	 * field and, finding none, writes its own new mailbox there, instead of one compare-and-set.
	 * The rest is the real path (the offer, the wake-up, the consumer's looks).
	 */
	@Param(name = "value", gen = IntGen.class, conf = "1:9")
	public static class LookThenWriteInstall extends ProcessConsumer {

		private static final VarHandle MAILBOX;

		static {
			try {
				MAILBOX = MethodHandles.privateLookupIn(LocalProcess.class, MethodHandles.lookup())
					.findVarHandle(LocalProcess.class, "mailbox", Mailbox.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		@Operation
		public void send(@Param(name = "value") int value) {
			Mailbox box = this.process.mailbox();
			if (box == null) {
				box = new Mailbox();
				MAILBOX.setVolatile(this.process, box);
			}
			box.offer(value, true);
			this.process.wake(value);
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
