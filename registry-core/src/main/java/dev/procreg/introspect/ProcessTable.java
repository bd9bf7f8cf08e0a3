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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * into one snapshot, and keeps each order it sorted for the life of the snapshot. Only the very
 * first page builds a snapshot on its caller's thread. After that a page is served from the
 * snapshot there is, at once, even when it is older than {@code maxAge}: such a page starts one
 * rebuild on a virtual thread of its own (one at a time, however many viewers ask), which reads
 * every process, sorts each order the old snapshot had been asked for, and then replaces the old
 * snapshot; the pages after it show what it read. A rebuild that fails is logged and the old
 * snapshot stays until the next stale page tries again. So a page costs its rows, never the number
 * of processes (but for the first sort in an order nobody had asked for): each shown process is
 * read again, live (mailbox, status, names; {@code EXITED} for one that died since the snapshot),
 * and only the shown rows are projected. A search for a pid reads that process only; a search for the start of
 * a name or key finds its processes through the runtime's names and each registry's sorted key
 * index (shared with the pages of keys), reads only those, and keeps the result for the
 * snapshot's life.
 *
 * <p>{@link #close()} ends the rebuilds: it waits for the one running, if any, and starts no other;
 * pages are served from the last snapshot after it. No rebuild starts either once the runtime is
 * closed.
 */
public final class ProcessTable implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ProcessTable.class);

	/** Searches a snapshot remembers. */
	private static final int SEARCHES = 16;

	private final Introspection introspection;

	private final Duration maxAge;

	private final Clock clock;

	/** Reads every process; the runtime's summaries but in tests that count, hold or fail builds. */
	private final Supplier<ProcessSummary[]> reader;

	/** Guards the first build, {@link #rebuilder} and {@link #closed}. */
	private final Object lock = new Object();

	/** Swapped in whole by the build that made it; read without a lock by every page. */
	private volatile @Nullable Snapshot snapshot;

	/** Whether a rebuild runs: set by the one page that starts it, cleared by the rebuild when done. */
	private final AtomicBoolean rebuilding = new AtomicBoolean();

	/** The last rebuild started, which {@link #close()} joins (at once when it ended). */
	private @Nullable Thread rebuilder;

	private boolean closed;

	/** Whether the last rebuild failed, so that a run of failures is logged at WARN once. */
	private volatile boolean failing;

	/**
	 * @param introspection the read model of the runtime shown
	 * @param maxAge how old a snapshot may be before the next page starts building a new one in
	 * the background (that page and those until the new one is built are served the old one)
	 */
	public ProcessTable(Introspection introspection, Duration maxAge) {
		this(introspection, maxAge, Clock.systemUTC());
	}

	ProcessTable(Introspection introspection, Duration maxAge, Clock clock) {
		this(introspection, maxAge, clock, null);
	}

	ProcessTable(Introspection introspection, Duration maxAge, Clock clock,
			@Nullable Supplier<ProcessSummary[]> reader) {
		this.introspection = Objects.requireNonNull(introspection, "introspection must not be null");
		Objects.requireNonNull(maxAge, "maxAge must not be null");
		if (maxAge.isNegative()) {
			throw new IllegalArgumentException("maxAge must not be negative, was " + maxAge);
		}
		this.maxAge = maxAge;
		this.clock = clock;
		this.reader = (reader != null) ? reader
				: () -> introspection.runtime().summaries(false).toArray(ProcessSummary[]::new);
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
		Snapshot current = this.snapshot;
		if (current == null) {
			synchronized (this.lock) {
				current = this.snapshot;
				if (current == null) {
					current = build(Set.of());
					this.snapshot = current;
				}
			}
			return current;
		}
		if (Duration.between(current.takenAt, this.clock.instant()).compareTo(this.maxAge) >= 0
				&& !this.introspection.runtime().isClosed() && this.rebuilding.compareAndSet(false, true)) {
			startRebuild(current);
		}
		return current;
	}

	private void startRebuild(Snapshot previous) {
		synchronized (this.lock) {
			if (this.closed) {
				this.rebuilding.set(false);
				return;
			}
			Thread thread = Thread.ofVirtual()
				.name("procreg-process-table")
				.unstarted(() -> rebuild(previous));
			try {
				thread.start();
			}
			catch (RuntimeException | Error ex) {
				this.rebuilding.set(false); // the next stale page tries again
				throw ex;
			}
			this.rebuilder = thread;
		}
	}

	private void rebuild(Snapshot previous) {
		try {
			this.snapshot = build(previous.orders());
			this.failing = false;
		}
		catch (RuntimeException ex) {
			// the old snapshot stays; the next stale page tries again
			if (!this.failing) {
				this.failing = true;
				logger.warn("Process table: could not rebuild the snapshot of every process; serving the one of {}"
						+ " until a rebuild succeeds", previous.takenAt, ex);
			}
			else {
				logger.debug("Process table: the snapshot's rebuild failed again", ex);
			}
		}
		finally {
			this.rebuilding.set(false);
		}
	}

	private Snapshot build(Set<ProcessSort> orders) {
		Instant takenAt = this.clock.instant();
		Snapshot built = new Snapshot(this.reader.get(), takenAt);
		for (ProcessSort order : orders) {
			built.sorted(order);
		}
		return built;
	}

	/**
	 * Ends the background rebuilds: waits for the one running, if any, and starts none after.
	 * Pages keep being served from the last snapshot. Calling it again does nothing.
	 */
	@Override
	public void close() {
		Thread last;
		synchronized (this.lock) {
			this.closed = true;
			last = this.rebuilder;
		}
		if (last != null) {
			try {
				last.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** @return whether a rebuild runs now */
	boolean isRebuilding() {
		return this.rebuilding.get();
	}

	/** @return the orders the current snapshot holds sorted (none before the first page) */
	Set<ProcessSort> sortedOrders() {
		Snapshot current = this.snapshot;
		return (current != null) ? current.orders() : Set.of();
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

		synchronized Set<ProcessSort> orders() {
			return Set.copyOf(this.sorted.keySet());
		}

		synchronized ProcessSummary[] sorted(ProcessSort sort) {
			return this.sorted.computeIfAbsent(sort, (key) -> {
				ProcessSummary[] copy = this.all.clone();
				Arrays.sort(copy, key.order);
				return copy;
			});
		}

		synchronized ProcessSummary[] rows(ProcessSort sort, @Nullable String search,
				Function<String, ProcessSummary[]> finder) {
			if (search == null) {
				return sorted(sort);
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
	 * @param asOf when the snapshot the order and the total come from was taken (up to
	 * {@code maxAge} and one rebuild old); the rows themselves are read live, and a pid search
	 * reads its process now
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
