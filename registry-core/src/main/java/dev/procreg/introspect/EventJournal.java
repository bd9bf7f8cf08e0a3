package dev.procreg.introspect;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Observation;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessExit;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryEvent;
import dev.procreg.supervisor.SupervisionEvent;
import dev.procreg.supervisor.SupervisionTree;

/**
 * A runtime's recent events for operators, in one bounded ring: registrations and
 * unregistrations of every registry, exits (every exit whose reason is not {@code normal}, and
 * every exit of a supervised child), restarts, supervisors that gave up, and operators' actions.
 * Live feeds {@linkplain #subscribe subscribe} with a bounded queue each: a reader that falls
 * behind loses its oldest events and is told how many, and never makes the journal hold more.
 *
 * <pre>{@code
 * try (EventJournal journal = EventJournal.start(runtime, 1000)) {
 *     journal.recent(EnumSet.of(EventJournal.Type.EXIT), 20, 0).forEach(System.out::println);
 *     try (EventJournal.Subscription feed = journal.subscribe(EnumSet.allOf(EventJournal.Type.class), 256, -1)) {
 *         EventJournal.Batch next = feed.poll(Duration.ofSeconds(15));
 *     }
 * }
 * }</pre>
 *
 * <p>Events are recorded by the thread that causes them (an exiting process, a supervisor, a
 * registry's event thread) in a few field writes under a short lock; nobody waits for a reader.
 */
public final class EventJournal implements AutoCloseable {

	/** The longest answer of {@link #recent}. */
	public static final int MAX_LIMIT = 1000;

	private final ProcessRuntime runtime;

	private final Event[] ring;

	private final ReentrantLock lock = new ReentrantLock();

	private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();

	private final List<Observation> observations;

	/** The sequence number of the next event; the first is 1. */
	private long nextSeq = 1;

	private EventJournal(ProcessRuntime runtime, int capacity) {
		this.runtime = runtime;
		this.ring = new Event[capacity];
		this.observations = List.of(runtime.observeExits(this::exited),
				SupervisionTree.observe(runtime, this::supervision),
				ProcessRegistry.observeAll(runtime, this::registry));
	}

	/**
	 * Starts recording a runtime's events.
	 * @param runtime the runtime
	 * @param capacity the most events kept, at least 1
	 * @return the journal; close it to stop recording
	 * @throws IllegalArgumentException for a capacity below 1
	 */
	public static EventJournal start(ProcessRuntime runtime, int capacity) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		if (capacity < 1) {
			throw new IllegalArgumentException("an event journal keeps at least 1 event, was asked for " + capacity);
		}
		return new EventJournal(runtime, capacity);
	}

	/** @return the most events kept */
	public int capacity() {
		return this.ring.length;
	}

	// ---- what is recorded

	private void exited(ProcessExit exit) {
		Pid parent = exit.parent();
		boolean supervised = parent != null && SupervisionTree.kindOf(this.runtime, parent).isPresent();
		if (exit.reason().isNormal() && !supervised) {
			return;
		}
		String names = exit.registeredNames().isEmpty() ? null : String.join(", ", exit.registeredNames());
		append(Type.EXIT, exit.pid(), exit.reason().toString(), null, null, supervised ? parent : null, null, null,
				names);
	}

	private void supervision(SupervisionEvent event) {
		switch (event) {
			case SupervisionEvent.Restarted restarted -> append(Type.RESTART, restarted.previous(),
					string(restarted.reason()), null, null, restarted.supervisor(), String.valueOf(restarted.childId()),
					null, "restart " + restarted.restartCount());
			case SupervisionEvent.GaveUp gaveUp -> append(Type.GIVE_UP, null, string(gaveUp.reason()), null, null,
					gaveUp.supervisor(), (gaveUp.childId() != null) ? String.valueOf(gaveUp.childId()) : null, null,
					"more than " + gaveUp.maxRestarts() + " restarts in " + gaveUp.maxSeconds() + " s");
		}
	}

	private void registry(RegistryEvent<Object, Object> event) {
		switch (event) {
			case RegistryEvent.Registered<Object, Object> registered -> append(Type.REGISTERED, registered.pid(), null,
					registered.registry(), String.valueOf(registered.key()), null, null, null, null);
			case RegistryEvent.Unregistered<Object, Object> unregistered -> append(Type.UNREGISTERED,
					unregistered.pid(), string(unregistered.exitReason()), unregistered.registry(),
					String.valueOf(unregistered.key()), null, null, null, null);
		}
	}

	/**
	 * Records what an operator did, or tried to do.
	 * @param user who, or {@code null} when unknown
	 * @param target the process acted on, or {@code null}
	 * @param detail what was done and how it ended
	 * @return the event
	 */
	public Event action(@Nullable String user, @Nullable Pid target, String detail) {
		return append(Type.ACTION, target, null, null, null, null, null, user, Objects.requireNonNull(detail, "detail"));
	}

	private static @Nullable String string(@Nullable ExitReason reason) {
		return (reason != null) ? reason.toString() : null;
	}

	private Event append(Type type, @Nullable Pid pid, @Nullable String reason, @Nullable String registry,
			@Nullable String key, @Nullable Pid supervisor, @Nullable String childId, @Nullable String user,
			@Nullable String detail) {
		Event event;
		this.lock.lock();
		try {
			long seq = this.nextSeq++;
			event = new Event(seq, Instant.now(), type, pid, reason, registry, key, supervisor, childId, user, detail);
			this.ring[(int) (seq % this.ring.length)] = event;
			// under the lock, so that every subscriber gets events in their order (a subscriber's
			// own lock is only ever taken inside this one, never the other way round)
			for (Subscription subscription : this.subscriptions) {
				subscription.offer(event);
			}
		}
		finally {
			this.lock.unlock();
		}
		return event;
	}

	// ---- what is read

	/** @return the sequence number of the newest event, 0 before the first */
	public long lastSeq() {
		this.lock.lock();
		try {
			return this.nextSeq - 1;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The newest events of some types, oldest first.
	 * @param types which types
	 * @param limit the most events returned, from 1 to {@value #MAX_LIMIT}
	 * @param afterSeq only events with a greater sequence number; 0 for all kept
	 * @return the events
	 * @throws IllegalArgumentException for a limit outside 1 to {@value #MAX_LIMIT} or a negative
	 * {@code afterSeq}
	 */
	public List<Event> recent(Set<Type> types, int limit, long afterSeq) {
		Objects.requireNonNull(types, "types must not be null");
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", was " + limit);
		}
		if (afterSeq < 0) {
			throw new IllegalArgumentException("after must be at least 0, was " + afterSeq);
		}
		ArrayDeque<Event> newest = new ArrayDeque<>(Math.min(limit, this.ring.length));
		this.lock.lock();
		try {
			long first = Math.max(afterSeq + 1, Math.max(1, this.nextSeq - this.ring.length));
			for (long seq = this.nextSeq - 1; seq >= first && newest.size() < limit; seq--) {
				Event event = this.ring[(int) (seq % this.ring.length)];
				if (types.contains(event.type())) {
					newest.addFirst(event);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		return new ArrayList<>(newest);
	}

	/**
	 * Subscribes to the events of some types from now on, for a live feed.
	 * @param types which types
	 * @param capacity the most events waiting for the reader; beyond it the oldest are dropped
	 * @param afterSeq replay the kept events with a greater sequence number first (a reconnecting
	 * feed's last seen event); negative for none
	 * @return the subscription; close it when the reader goes
	 * @throws IllegalArgumentException for a capacity below 1
	 */
	public Subscription subscribe(Set<Type> types, int capacity, long afterSeq) {
		Objects.requireNonNull(types, "types must not be null");
		if (capacity < 1) {
			throw new IllegalArgumentException("a subscription holds at least 1 event, was asked for " + capacity);
		}
		Subscription subscription = new Subscription(EnumSet.copyOf(types.isEmpty() ? EnumSet.noneOf(Type.class) : types),
				capacity);
		this.lock.lock();
		try {
			if (afterSeq >= 0) {
				long first = Math.max(afterSeq + 1, Math.max(1, this.nextSeq - this.ring.length));
				for (long seq = first; seq < this.nextSeq; seq++) {
					subscription.offer(this.ring[(int) (seq % this.ring.length)]);
				}
			}
			// under the lock: no event falls between the replay and the subscription
			this.subscriptions.add(subscription);
		}
		finally {
			this.lock.unlock();
		}
		return subscription;
	}

	/** @return the live subscriptions */
	public int subscriptions() {
		return this.subscriptions.size();
	}

	/** Stops recording and ends every subscription; the events kept stay readable. */
	@Override
	public void close() {
		this.observations.forEach(Observation::close);
		for (Subscription subscription : this.subscriptions) {
			subscription.close();
		}
	}

	/** What kind of event. */
	public enum Type {

		/** A process registered under a registry key. */
		REGISTERED,

		/** A registry key was released, by its owner or by its owner's exit ({@code reason} set). */
		UNREGISTERED,

		/** A process exited with a reason other than {@code normal}, or a supervised child exited. */
		EXIT,

		/** A supervisor restarted a child. */
		RESTART,

		/** A supervisor reached its restart intensity and gave up. */
		GIVE_UP,

		/** An operator acted, or was refused. */
		ACTION;

		/** @return the name a query and a feed use: {@code registered}, ..., {@code give-up}, {@code action} */
		public String key() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

		/**
		 * Reads a comma-separated list of types.
		 * @param text such as {@code exit,restart}; {@code null} or blank for every type
		 * @return the types
		 * @throws IllegalArgumentException naming an unknown type and the known ones
		 */
		public static Set<Type> parseAll(@Nullable String text) {
			if (text == null || text.isBlank()) {
				return EnumSet.allOf(Type.class);
			}
			EnumSet<Type> types = EnumSet.noneOf(Type.class);
			for (String part : text.split(",")) {
				types.add(parse(part));
			}
			return types;
		}

		/**
		 * @param key a type's {@link #key()}
		 * @return the type
		 * @throws IllegalArgumentException for an unknown key
		 */
		public static Type parse(String key) {
			String trimmed = key.trim();
			for (Type type : values()) {
				if (type.key().equalsIgnoreCase(trimmed)) {
					return type;
				}
			}
			throw new IllegalArgumentException("unknown event type '" + trimmed + "': use "
					+ Arrays.stream(values()).map(Type::key).collect(Collectors.joining(", ")));
		}

	}

	/**
	 * One event.
	 *
	 * @param seq its sequence number, from 1, in the order recorded
	 * @param time when
	 * @param type what kind
	 * @param pid the process it is about (for a restart the one that exited; for an action the
	 * target), or {@code null}
	 * @param reason an exit reason, or {@code null}
	 * @param registry the registry of a registration, or {@code null}
	 * @param key the key's text of a registration, or {@code null}
	 * @param supervisor the supervisor of a restart, give-up or supervised child's exit, or {@code null}
	 * @param childId the child's id of a restart or give-up, or {@code null}
	 * @param user the operator of an action, or {@code null}
	 * @param detail more: the names an exited process held, a restart's count, an action's outcome
	 */
	public record Event(long seq, Instant time, Type type, @Nullable Pid pid, @Nullable String reason,
			@Nullable String registry, @Nullable String key, @Nullable Pid supervisor, @Nullable String childId,
			@Nullable String user, @Nullable String detail) {
	}

	/**
	 * What a subscription's reader gets at once.
	 *
	 * @param events the events, oldest first
	 * @param dropped events lost since the last batch because the reader fell behind
	 */
	public record Batch(List<Event> events, long dropped) {
	}

	/** A live feed's bounded queue. */
	public final class Subscription implements AutoCloseable {

		private final Set<Type> types;

		private final int capacity;

		private final ArrayDeque<Event> queue;

		private final ReentrantLock queueLock = new ReentrantLock();

		private final Condition ready = this.queueLock.newCondition();

		private long dropped;

		private boolean closed;

		Subscription(Set<Type> types, int capacity) {
			this.types = types;
			this.capacity = capacity;
			this.queue = new ArrayDeque<>(Math.min(capacity, 64));
		}

		void offer(Event event) {
			if (!this.types.contains(event.type())) {
				return;
			}
			this.queueLock.lock();
			try {
				if (this.closed) {
					return;
				}
				if (this.queue.size() == this.capacity) {
					this.queue.removeFirst();
					this.dropped++;
				}
				this.queue.addLast(event);
				this.ready.signal();
			}
			finally {
				this.queueLock.unlock();
			}
		}

		/**
		 * Takes what is waiting, waiting at most {@code timeout} for something.
		 * @param timeout how long to wait
		 * @return the events and the count of those dropped since the last batch; empty when
		 * nothing came in time or the subscription is closed
		 * @throws InterruptedException when the reader's thread is interrupted
		 */
		public Batch poll(Duration timeout) throws InterruptedException {
			long nanos = timeout.toNanos();
			this.queueLock.lock();
			try {
				while (this.queue.isEmpty() && this.dropped == 0 && !this.closed && nanos > 0) {
					nanos = this.ready.awaitNanos(nanos);
				}
				List<Event> events = new ArrayList<>(this.queue);
				this.queue.clear();
				long lost = this.dropped;
				this.dropped = 0;
				return new Batch(events, lost);
			}
			finally {
				this.queueLock.unlock();
			}
		}

		/** @return whether it was closed, by its reader or by the journal */
		public boolean isClosed() {
			this.queueLock.lock();
			try {
				return this.closed;
			}
			finally {
				this.queueLock.unlock();
			}
		}

		/** Ends the subscription and wakes its reader. */
		@Override
		public void close() {
			EventJournal.this.subscriptions.remove(this);
			this.queueLock.lock();
			try {
				this.closed = true;
				this.queue.clear();
				this.ready.signalAll();
			}
			finally {
				this.queueLock.unlock();
			}
		}

	}

}
