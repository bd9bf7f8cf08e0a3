package dev.procreg.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jspecify.annotations.Nullable;

/**
 * A link of a {@link Mailbox}'s queue: its position and the next link. Message nodes are links,
 * and so is the mailbox itself, the queue's first stub.
 */
abstract class MailboxLink {

	static final VarHandle NEXT;

	static {
		try {
			NEXT = MethodHandles.lookup().findVarHandle(MailboxLink.class, "next", MailboxLink.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** The position in the queue; written before the swing that publishes the link. */
	int seq;

	@SuppressWarnings("unused") // through NEXT
	private volatile @Nullable MailboxLink next;

}
