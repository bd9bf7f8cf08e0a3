package dev.procreg.process;

import org.jspecify.annotations.Nullable;

/**
 * The fields of a {@link Mailbox} that senders write, laid out before a cache line's worth of
 * padding ({@link MailboxPadding}) so that the consumer's writes (its head, its count) never
 * invalidate the line a sender swings the tail in, and the other way round. Between two processes
 * that exchange messages on two cores, that false sharing cost each message two more transfers
 * of a cache line between the cores.
 */
abstract class MailboxSenderSide extends MailboxLink {

	/** Written by senders, through {@code Mailbox.TAIL}; package-private for a test's planted bug. */
	volatile @Nullable MailboxLink tail;

	/** The bound and its drop count, made on first use: most processes never have one. */
	volatile Mailbox.@Nullable Bound bound;

}
