package dev.procreg.introspect;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

import dev.procreg.process.ProcessSummary;

/**
 * What an operator's process table is sorted by. Ascending means: lowest pid, shortest mailbox,
 * fewest messages, shortest uptime, fewest restarts first; ties go by pid.
 */
public enum ProcessSort {

	/** By pid, that is by start order. */
	PID((summary) -> 0L),

	/** By the messages waiting in the mailbox. */
	MAILBOX(ProcessSummary::mailboxLength),

	/** By the messages handled since the process started. */
	MESSAGES(ProcessSummary::messagesHandled),

	/** By how long the process has run: the later it started (the higher its pid), the shorter. */
	UPTIME((summary) -> -summary.pid().serial()),

	/** By how many times its supervisor restarted its child slot. */
	RESTARTS(ProcessSummary::restarts);

	/** The order: by the key, then by pid; two primitive comparisons, no boxing. */
	final Comparator<ProcessSummary> order;

	ProcessSort(ToLongFunction<ProcessSummary> key) {
		this.order = (left, right) -> {
			int byKey = Long.compare(key.applyAsLong(left), key.applyAsLong(right));
			return (byKey != 0) ? byKey : left.pid().compareTo(right.pid());
		};
	}

	/** @return the name a query uses: {@code pid}, {@code mailbox}, ... */
	public String key() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Reads a sort key as a query gives it.
	 * @param key {@code pid}, {@code mailbox}, {@code messages}, {@code uptime} or {@code restarts},
	 * in any case
	 * @return the sort
	 * @throws IllegalArgumentException for another key, naming the ones that exist
	 */
	public static ProcessSort parse(String key) {
		if (key != null) {
			for (ProcessSort sort : values()) {
				if (sort.key().equalsIgnoreCase(key.trim())) {
					return sort;
				}
			}
		}
		throw new IllegalArgumentException("unknown sort key '" + key + "': use "
				+ Arrays.stream(values()).map(ProcessSort::key).collect(Collectors.joining(", ")));
	}

}
