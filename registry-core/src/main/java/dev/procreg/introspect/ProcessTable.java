package dev.procreg.introspect;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessInfo;
import dev.procreg.process.ProcessSummary;
import dev.procreg.supervisor.SupervisorInfo;

/**
 * An operator's table of every process, paged, sorted and searched on the server, built to stay
 * fast with hundreds of thousands of processes and any number of viewers.
 *
 * <pre>{@code
 * ProcessTable table = new ProcessTable(introspection, Duration.ofSeconds(1));
 * ProcessTable.Page page = table.page(ProcessQuery.of(0, 50, "mailbox", "desc", null));
 * page.items().forEach(row -> System.out.println(row.pid() + " " + row.mailboxLength()));
 * }</pre>
 *
 * <h2>Costs</h2>
 * Sorting needs every process: the table reads them all ({@link dev.procreg.process.ProcessRuntime#summaries(boolean)}, without names)
 * into one snapshot at most once per {@code maxAge}, whoever asks and however many ask at once
 * (they share the build), and keeps each order it sorted for the life of the snapshot. A page then
 * costs its rows: each shown process is read again, live (mailbox, status, names), and only the
 * shown rows are projected. A search for a pid reads that process only; a search for the start of
 * a name or key finds its processes through the runtime's names and each registry's sorted key
 * index (shared with the pages of keys), reads only those, and keeps the result for the
 * snapshot's life.
 */
public final class ProcessTable {

	/** Searches a snapshot remembers. */
	private static final int SEARCHES = 16;

	private final Introspection introspection;

	private final Duration maxAge;

	private final Clock clock;

	private final Object lock = new Object();

	private @Nullable Snapshot snapshot;

	/**
	 * @param introspection the read model of the runtime shown
	 * @param maxAge how old a snapshot may be before the next page builds a new one
	 */
	public ProcessTable(Introspection introspection, Duration maxAge) {
		this(introspection, maxAge, Clock.systemUTC());
	}

	ProcessTable(Introspection introspection, Duration maxAge, Clock clock) {
		this.introspection = Objects.requireNonNull(introspection, "introspection must not be null");
		Objects.requireNonNull(maxAge, "maxAge must not be null");
		if (maxAge.isNegative()) {
			throw new IllegalArgumentException("maxAge must not be negative, was " + maxAge);
		}
		this.maxAge = maxAge;
		this.clock = clock;
	}

	/**
	 * One page of the table.
	 * @param query which page
	 * @return the page
	 */
	public Page page(ProcessQuery query) {
		Objects.requireNonNull(query, "query must not be null");
		String search = query.search();
		Pid pid = (search != null) ? pidOrNull(search) : null;
		if (pid != null) {
			return pidPage(query, pid);
		}
		Snapshot current = snapshot();
		ProcessSummary[] rows = current.rows(query.sort(), search, this::search);
		int total = rows.length;
		int from = Math.min(query.offset(), total);
		int to = Math.min(total, from + query.limit());
		List<ProcessSummary> shown = new ArrayList<>(to - from);
		for (int i = from; i < to; i++) {
			shown.add(rows[query.descending() ? total - 1 - i : i]);
		}
		return new Page(total, query.offset(), query.limit(), query.sort(), query.descending(), search,
				current.takenAt, rows(shown));
	}

	private Page pidPage(ProcessQuery query, Pid pid) {
		Instant now = this.clock.instant();
		if (!pid.node().equals(this.introspection.runtime().node())) {
			return new Page(0, query.offset(), query.limit(), query.sort(), query.descending(), query.search(), now,
					List.of());
		}
		ProcessSummary summary = this.introspection.runtime().summary(pid).orElse(null);
		List<ProcessSummary> shown = (summary != null && query.offset() == 0) ? List.of(summary) : List.of();
		return new Page((summary != null) ? 1 : 0, query.offset(), query.limit(), query.sort(), query.descending(),
				query.search(), now, rows(shown));
	}

	private List<Row> rows(List<ProcessSummary> shown) {
		Map<Pid, String> topNames = this.introspection.topLevelNames();
		Map<Pid, Boolean> lastChild = new HashMap<>();
		List<Row> rows = new ArrayList<>(shown.size());
		for (ProcessSummary seen : shown) {
			ProcessSummary live = this.introspection.runtime().summary(seen.pid()).orElse(null);
			if (live == null) {
				rows.add(new Row(seen.pid(), List.of(), List.of(), ProcessInfo.Status.EXITED, 0, seen.messagesHandled(),
						seen.startedAt(), seen.restarts(), seen.parent(), null, null));
				continue;
			}
			Introspection.Naming naming = this.introspection.naming(live, topNames, lastChild);
			rows.add(new Row(live.pid(), naming.names(), naming.keys(), live.status(), live.mailboxLength(),
					live.messagesHandled(), live.startedAt(), live.restarts(), live.parent(), naming.supervisorKind(),
					naming.confirm()));
		}
		return rows;
	}

	/**
	 * The processes a search finds, read live: those whose registered name starts with it (the
	 * runtime's names) and those holding a registry key whose text starts with it (each registry's
	 * sorted key index): what matches, not what exists.
	 */
	private ProcessSummary[] search(String text) {
		Set<Pid> pids = new LinkedHashSet<>();
		for (String name : this.introspection.runtime().registered()) {
			if (name.startsWith(text)) {
				this.introspection.runtime().whereis(name).ifPresent(pids::add);
			}
		}
		pids.addAll(this.introspection.pidsByKeyPrefix(text));
		List<ProcessSummary> found = new ArrayList<>(pids.size());
		for (Pid pid : pids) {
			this.introspection.runtime().summary(pid).ifPresent(found::add);
		}
		return found.toArray(ProcessSummary[]::new);
	}

	private static @Nullable Pid pidOrNull(String text) {
		boolean bracketed = text.startsWith("<") && text.endsWith(">");
		int dot = text.lastIndexOf('.');
		if (!bracketed && (dot <= 0 || dot == text.length() - 1)) {
			return null;
		}
		try {
			return Pid.parse(text);
		}
		catch (IllegalArgumentException ex) {
			return null; // not a pid: a name or key to search for
		}
	}

	private Snapshot snapshot() {
		synchronized (this.lock) {
			Instant now = this.clock.instant();
			Snapshot current = this.snapshot;
			if (current == null || Duration.between(current.takenAt, now).compareTo(this.maxAge) >= 0) {
				current = new Snapshot(this.introspection.runtime().summaries(false).toArray(ProcessSummary[]::new),
						now);
				this.snapshot = current;
			}
			return current;
		}
	}

	/** Every process as read at one moment, with the orders and searches made from it. */
	private static final class Snapshot {

		private final ProcessSummary[] all;

		final Instant takenAt;

		private final EnumMap<ProcessSort, ProcessSummary[]> sorted = new EnumMap<>(ProcessSort.class);

		private final Map<String, ProcessSummary[]> searches = new LinkedHashMap<>(SEARCHES, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, ProcessSummary[]> eldest) {
				return size() > SEARCHES;
			}

		};

		Snapshot(ProcessSummary[] all, Instant takenAt) {
			this.all = all;
			this.takenAt = takenAt;
		}

		synchronized ProcessSummary[] rows(ProcessSort sort, @Nullable String search,
				Function<String, ProcessSummary[]> finder) {
			if (search == null) {
				return this.sorted.computeIfAbsent(sort, (key) -> {
					ProcessSummary[] copy = this.all.clone();
					Arrays.sort(copy, key.order);
					return copy;
				});
			}
			return this.searches.computeIfAbsent(sort + "\u0000" + search, (key) -> {
				ProcessSummary[] found = finder.apply(search);
				Arrays.sort(found, sort.order);
				return found;
			});
		}

	}

	/**
	 * One page of the table.
	 *
	 * @param total rows matching the search (all processes without one)
	 * @param offset rows skipped
	 * @param limit the page size asked for
	 * @param sort the order
	 * @param descending whether reversed
	 * @param search what was searched for, or {@code null}
	 * @param asOf when the snapshot the order comes from was taken
	 * @param items the rows, read live
	 */
	public record Page(int total, int offset, int limit, ProcessSort sort, boolean descending, @Nullable String search,
			Instant asOf, List<Row> items) {
	}

	/**
	 * One process in the table.
	 *
	 * @param pid the process
	 * @param names its registered runtime names
	 * @param keys its registry keys, as {@code registry:key}
	 * @param status what it does now; {@code EXITED} when it died since the snapshot
	 * @param mailboxLength messages waiting
	 * @param messagesHandled messages it handled
	 * @param startedAt when it started
	 * @param restarts how many times its supervisor had restarted its child slot when it started it
	 * @param supervisor the process that started it linked (its supervisor), or {@code null}
	 * @param supervisorKind its kind when it is a supervisor itself, or {@code null}
	 * @param confirm the text an operator must type to terminate it, or {@code null} when no
	 * confirmation is needed (see {@link Introspection#confirmation})
	 */
	public record Row(Pid pid, List<String> names, List<String> keys, ProcessInfo.Status status, int mailboxLength,
			long messagesHandled, Instant startedAt, int restarts, @Nullable Pid supervisor,
			SupervisorInfo.@Nullable Kind supervisorKind, @Nullable String confirm) {
	}

}
