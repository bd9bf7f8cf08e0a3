package dev.procreg.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * A process's mailbox: any number of senders, one consumer (the process itself, or whoever holds
 * a server's runner word).
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>A linked queue (Vyukov's multi-producer single-consumer): {@code head} is a consumed stub,
 * the messages are the nodes after it up to {@code tail}. A sender swings {@code tail} to its
 * node with one compare-and-set, then links the previous node to it; the consumer only ever
 * moves {@code head}. Messages from one sender arrive in the order sent. The first stub is
 * the mailbox itself (a {@link MailboxLink}), so an empty mailbox is one object.</li>
 * <li>Every node carries its position: {@code node.seq == prev.seq + 1}, fixed before the swing
 * that publishes it. So {@code tail.seq - head.seq} is the number of queued messages at any
 * moment: the length is O(1), and a bounded mailbox checks its bound in the same step that
 * enqueues, without a second atomic counter on the hot path.</li>
 * <li>Messages a selective receive looked at and left stay in a side queue of the consumer's,
 * oldest first, and still count in {@link #length()}.</li>
 * <li>With a limit, a bounded {@link #offer} never makes {@link #length()} exceed it: a message
 * that would is dropped and counted (drop newest). Unbounded offers (signals, monitors' downs,
 * calls) ignore the limit, so a full mailbox never loses an exit signal.</li>
 * </ul>
 *
 * <p>The class is not final so that a test can plant a non-atomic tail swing in a subclass and
 * prove that the linearizability suite catches it; production code never subclasses it, so the
 * one virtual call stays monomorphic.
 */
class Mailbox extends MailboxPadding {

	private static final VarHandle TAIL;

	private static final VarHandle HEAD;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			TAIL = lookup.findVarHandle(MailboxSenderSide.class, "tail", MailboxLink.class);
			HEAD = lookup.findVarHandle(Mailbox.class, "head", MailboxLink.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** Written by the consumer only, through {@code HEAD}; read by senders and observers. */
	@SuppressWarnings("unused")
	private MailboxLink head;

		/**
	 * How many messages the consumer took from this mailbox (the process's "messages handled").
	 * A plain field, written only by whoever consumes the mailbox (one thread at a time, handed
	 * over with a server's runner word), on the consumer's side of the padding, so counting costs
	 * the hot path no shared write; readers on other threads see a recent value, which is all an
	 * operator's view needs.
	 */
	long handled;

	/** Messages a selective receive set aside, oldest first; the consumer's own. */
	private @Nullable ArrayDeque<Object> saved;

	/** The size of {@code saved}, for observers on other threads. */
	private volatile int savedCount;

	/**
	 * An empty mailbox, which is its own first stub (position 0): a mailbox that was never sent a
	 * message carries no node, and one object less for the collector to trace.
	 */
	Mailbox() {
		this.head = this;
		this.tail = this;
	}

	/**
	 * Enqueues a message. Any thread may call it.
	 * @param message the message
	 * @param bounded whether the limit applies: true for user messages
	 * @return false when the message was dropped because the mailbox is full
	 */
	final boolean offer(Object message, boolean bounded) {
		Node node = new Node(message);
		Bound limits = bounded ? this.bound : null;
		MailboxLink prev = swingTail(node, (limits != null) ? limits.limit : 0);
		if (prev == null) {
			limits.dropped.increment();
			return false;
		}
		NEXT.setRelease(prev, node);
		return true;
	}

	/**
	 * Makes {@code node} the tail, numbered after the current one, unless {@code limit} is
	 * positive and the mailbox holds that many messages.
	 * @return the previous tail, for the caller to link; null when full
	 */
	@Nullable MailboxLink swingTail(Node node, int limit) {
		for (;;) {
			MailboxLink last = (MailboxLink) TAIL.getVolatile(this);
			if (limit > 0 && last.seq - ((MailboxLink) HEAD.getAcquire(this)).seq + this.savedCount >= limit) {
				return null;
			}
			node.seq = last.seq + 1;
			if (TAIL.compareAndSet(this, last, node)) {
				return last;
			}
		}
	}

	/**
	 * Takes the oldest queued message (not looking at set-aside ones); only the consumer may call it.
	 * @return the message, or null when the queue is empty
	 */
	final @Nullable Object poll() {
		MailboxLink h = (MailboxLink) HEAD.get(this);
		Node next = (Node) NEXT.getAcquire(h);
		if (next == null) {
			if (h == TAIL.getVolatile(this)) {
				return null;
			}
			// a sender swung tail but has not linked its node yet: it is about to
			do {
				Thread.onSpinWait();
				next = (Node) NEXT.getAcquire(h);
			}
			while (next == null);
		}
		return take(h, next);
	}

	/**
	 * Takes the oldest linked message, without looking at the tail: {@code null} also while a
	 * sender that swung the tail has not linked its node yet, even when a later sender's offer has
	 * returned (its node is linked behind that one). So it is not linearizable on its own: it takes
	 * what {@link #poll()} would take, or nothing. A consumer uses it, and {@link #hasLinked()}
	 * while it spins, and decides that nothing came (to park, to let go, to time out) on
	 * {@link #isEmpty()}, which reads the tail. A consumer that read the tail at every look would
	 * pull its cache line away from the sender at every message, and the sender's next swing would
	 * have to fetch it back. Only the consumer may call it.
	 * @return the message, or null when none is linked
	 */
	final @Nullable Object pollLinked() {
		MailboxLink h = (MailboxLink) HEAD.get(this);
		Node next = (Node) NEXT.getAcquire(h);
		return (next != null) ? take(h, next) : null;
	}

	/**
	 * Whether a message is linked after the head: a spinning consumer's look, which reads only
	 * the link the next sender writes (see {@link #pollLinked()}). Only the consumer may call it.
	 */
	final boolean hasLinked() {
		return NEXT.getAcquire((MailboxLink) HEAD.get(this)) != null;
	}

	private Object take(MailboxLink h, Node next) {
		Object item = next.item;
		next.item = null;
		HEAD.setRelease(this, next);
		if (h == this) {
			// the mailbox was the first stub: no sender links to it again (the tail has left it),
			// and its link would keep every consumed node reachable
			NEXT.setRelease(this, null);
		}
		return item;
	}

	/**
	 * Visits the queued messages (not the set-aside ones) from any thread, while senders add and
	 * the consumer takes: a dying server's exit hook finds its waiting calls this way. Every
	 * message whose sender swung the tail before the visit read it, and that is not taken
	 * meanwhile, is met: the visit waits for a sender that swung the tail and has not linked its
	 * node yet (its link is a release write, which a later read of the sender's may pass, so the
	 * sender may already have gone on to check its server alive). A message taken meanwhile may be
	 * missed: its taker has it.
	 * @param action what to do with each message
	 */
	final void forEachQueued(Consumer<Object> action) {
		MailboxLink node = (MailboxLink) HEAD.getAcquire(this);
		MailboxLink last = (MailboxLink) TAIL.getVolatile(this);
		while (last.seq - node.seq > 0) { // a difference, as in length(): positions wrap
			Node next = (Node) NEXT.getAcquire(node);
			if (next == null) {
				MailboxLink head = (MailboxLink) HEAD.getAcquire(this);
				if (node == this && head != this) {
					node = head; // the first message was taken, which unlinks the mailbox's own stub
				}
				else {
					Thread.onSpinWait(); // a sender swung the tail and is about to link its node
				}
				continue;
			}
			Object item = next.item;
			if (item != null) {
				action.accept(item);
			}
			node = next;
		}
	}

	/** @return whether no message is queued (set-aside ones aside) */
	final boolean isEmpty() {
		return HEAD.getAcquire(this) == TAIL.getVolatile(this);
	}

	/**
	 * The number of messages waiting, queued or set aside, in O(1). Any thread may call it.
	 * @return the length
	 */
	final int length() {
		return queuedLength() + this.savedCount;
	}

	/**
	 * The number of messages queued, not counting set-aside ones: what a receive that looks only at
	 * what is waiting now has left to look at. Any thread may call it.
	 * @return the number queued
	 */
	final int queuedLength() {
		// head first: tail only moves forward and head never passes it, so the difference is never
		// negative; messages that move during the two reads may make it off by those, as any
		// length of a queue that others change is
		MailboxLink h = (MailboxLink) HEAD.getAcquire(this);
		MailboxLink t = (MailboxLink) TAIL.getVolatile(this);
		return t.seq - h.seq;
	}

	/** Keeps a message a selective receive looked at and did not take; only the consumer may call it. */
	final void setAside(Object message) {
		ArrayDeque<Object> aside = this.saved;
		if (aside == null) {
			aside = new ArrayDeque<>();
			this.saved = aside;
		}
		aside.addLast(message);
		this.savedCount = aside.size();
	}

	/**
	 * Takes the oldest set-aside message that matches; only the consumer may call it.
	 * @param matcher which message; null for any
	 * @param discard messages to drop wherever they are met (a flushed monitor's down)
	 * @return the message, or null
	 */
	final @Nullable Object takeSetAside(@Nullable Predicate<Object> matcher, Predicate<Object> discard) {
		ArrayDeque<Object> aside = this.saved;
		if (aside == null || aside.isEmpty()) {
			return null;
		}
		Object found = null;
		for (Iterator<Object> it = aside.iterator(); it.hasNext();) {
			Object message = it.next();
			if (discard.test(message)) {
				it.remove();
			}
			else if (matcher == null || matcher.test(message)) {
				it.remove();
				found = message;
				break;
			}
		}
		this.savedCount = aside.size();
		return found;
	}

	/**
	 * Bounds the mailbox: a user message sent while {@code maxMessages} are waiting is dropped
	 * and counted. Messages already waiting stay.
	 * @param maxMessages the bound, or 0 for none
	 */
	final void limit(int maxMessages) {
		requireLimit(maxMessages);
		synchronized (this) {
			Bound limits = this.bound;
			if (limits == null) {
				this.bound = new Bound(maxMessages);
			}
			else {
				limits.limit = maxMessages;
			}
		}
	}

	/**
	 * Refuses a negative bound.
	 * @param maxMessages a bound, or 0 for none
	 */
	static void requireLimit(int maxMessages) {
		if (maxMessages < 0) {
			throw new IllegalArgumentException("mailbox limit must not be negative: " + maxMessages);
		}
	}

	/** @return the bound, or 0 for none */
	final int limit() {
		Bound limits = this.bound;
		return (limits != null) ? limits.limit : 0;
	}

	/** @return how many bounded messages were dropped because the mailbox was full */
	final long dropped() {
		Bound limits = this.bound;
		return (limits != null) ? limits.dropped.sum() : 0L;
	}

	/** A mailbox's bound. */
	static final class Bound {

		volatile int limit;

		final LongAdder dropped = new LongAdder();

		Bound(int limit) {
			this.limit = limit;
		}

	}

	/** A mailbox node: a message, and its position and link. */
	static final class Node extends MailboxLink {

		@Nullable Object item;

		Node(@Nullable Object item) {
			this.item = item;
		}

	}

}
