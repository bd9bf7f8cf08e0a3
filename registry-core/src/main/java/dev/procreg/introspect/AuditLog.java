package dev.procreg.introspect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Pid;

/**
 * What operators did, and were refused, in one bounded ring, newest kept: who, when, to which
 * process, and how it ended. Each entry is also an {@code action} event of the journal, when one
 * is given, so live feeds show it.
 *
 * <pre>{@code
 * AuditLog audit = new AuditLog(200, journal);
 * audit.record("alice", "terminate", pid.toString(), "rate-limiter", AuditLog.Outcome.ACCEPTED, 200, "shutdown");
 * audit.entries(20).forEach(System.out::println);
 * }</pre>
 */
public final class AuditLog {

	/** The longest answer of {@link #entries}. */
	public static final int MAX_LIMIT = 1000;

	private final Entry[] ring;

	private final @Nullable EventJournal journal;

	private long nextId = 1;

	/**
	 * @param capacity the most entries kept, at least 1
	 * @param journal where each entry is also published as an action event, or {@code null}
	 * @throws IllegalArgumentException for a capacity below 1
	 */
	public AuditLog(int capacity, @Nullable EventJournal journal) {
		if (capacity < 1) {
			throw new IllegalArgumentException("an audit log keeps at least 1 entry, was asked for " + capacity);
		}
		this.ring = new Entry[capacity];
		this.journal = journal;
	}

	/**
	 * Records an action.
	 * @param user who, or {@code null} when unknown
	 * @param action what, such as {@code terminate}
	 * @param target the text of what it was aimed at (a pid's text as given, even when it is no pid)
	 * @param targetName the name the target is shown by, or {@code null}
	 * @param outcome how it ended
	 * @param status the HTTP status answered, or 0 outside HTTP
	 * @param detail more: how a process ended, why an action was refused
	 * @return the entry
	 */
	public Entry record(@Nullable String user, String action, String target, @Nullable String targetName,
			Outcome outcome, int status, @Nullable String detail) {
		Objects.requireNonNull(action, "action must not be null");
		Objects.requireNonNull(target, "target must not be null");
		Objects.requireNonNull(outcome, "outcome must not be null");
		Entry entry;
		synchronized (this.ring) {
			long id = this.nextId++;
			entry = new Entry(id, Instant.now(), user, action, target, targetName, outcome, status, detail);
			this.ring[(int) (id % this.ring.length)] = entry;
		}
		EventJournal events = this.journal;
		if (events != null) {
			events.action(user, pidOrNull(target), action + " " + target + ": " + outcome.key()
					+ ((detail != null) ? " (" + detail + ")" : ""));
		}
		return entry;
	}

	private static @Nullable Pid pidOrNull(String text) {
		try {
			return Pid.parse(text);
		}
		catch (IllegalArgumentException ex) {
			return null; // the target as given was no pid: the event carries it in its detail
		}
	}

	/**
	 * @param limit the most entries, from 1 to {@value #MAX_LIMIT}
	 * @return the newest entries, newest first
	 * @throws IllegalArgumentException for a limit outside 1 to {@value #MAX_LIMIT}
	 */
	public List<Entry> entries(int limit) {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", was " + limit);
		}
		List<Entry> entries = new ArrayList<>(Math.min(limit, this.ring.length));
		synchronized (this.ring) {
			long first = Math.max(1, this.nextId - this.ring.length);
			for (long id = this.nextId - 1; id >= first && entries.size() < limit; id--) {
				entries.add(this.ring[(int) (id % this.ring.length)]);
			}
		}
		return entries;
	}

	/** How an action ended. */
	public enum Outcome {

		/** Done. */
		ACCEPTED,

		/** Refused: actions are off, or the user lacks the role. */
		REFUSED,

		/** The target was not found (not alive). */
		NOT_FOUND,

		/** The request was malformed (a bad pid, an unknown reason). */
		BAD_REQUEST,

		/** The operator did not type the name the action needs. */
		CONFIRM_REQUIRED;

		/** @return its name in views: {@code accepted}, {@code not-found}, ... */
		public String key() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

	/**
	 * One audited action.
	 *
	 * @param id its number, from 1
	 * @param time when
	 * @param user who, or {@code null} when unknown
	 * @param action what
	 * @param target what it was aimed at, as given
	 * @param targetName the name the target is shown by, or {@code null}
	 * @param outcome how it ended
	 * @param status the HTTP status answered, or 0
	 * @param detail more, or {@code null}
	 */
	public record Entry(long id, Instant time, @Nullable String user, String action, String target,
			@Nullable String targetName, Outcome outcome, int status, @Nullable String detail) {
	}

}
