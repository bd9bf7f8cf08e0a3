package dev.procreg.process;

/**
 * A cache line between the senders' side of a {@link Mailbox} and the consumer's: the JVM lays a
 * superclass's fields before a subclass's, and these longs are not read or written.
 */
@SuppressWarnings("unused")
abstract class MailboxPadding extends MailboxSenderSide {

	private long p0, p1, p2, p3, p4, p5, p6, p7;

}
