package dev.procreg.introspect;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.jspecify.annotations.Nullable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessInfo;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.ProcessSummary;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** Tests for the operators' process table, {@link ProcessTable}, and its queries. */
@ExtendWith(RuntimeExtension.class)
class ProcessTableTests {

	private final ProcessRuntime runtime;

	private final Introspection introspection;

	private final CountDownLatch release = new CountDownLatch(1);

	ProcessTableTests(ProcessRuntime runtime) {
		this.runtime = runtime;
		this.introspection = new Introspection(runtime, null, Introspection.Settings.defaults());
	}

	@AfterEach
	void releaseProcesses() {
		this.release.countDown();
	}

	/** A process that never reads its mailbox until the test ends. */
	private Pid blocked(int messages) {
		Pid pid = this.runtime.spawn((ctx) -> this.release.await());
		for (int i = 0; i < messages; i++) {
			this.runtime.send(pid, i);
		}
		return pid;
	}

	@Test
	void pagesComeInPidOrderByDefaultAndEachSortOrdersTheWholeTable() {
		List<Pid> pids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			pids.add(blocked(i * 2));
		}
		ProcessTable table = new ProcessTable(this.introspection, Duration.ZERO);
		ProcessTable.Page first = table.page(ProcessQuery.of(0, 2, null, null, null));
		assertThat(first.total()).isEqualTo(5);
		assertThat(first.sort()).isEqualTo(ProcessSort.PID);
		assertThat(first.descending()).isFalse();
		assertThat(first.items()).extracting(ProcessTable.Row::pid).containsExactly(pids.get(0), pids.get(1));
		assertThat(table.page(ProcessQuery.of(4, 2, "pid", "asc", null)).items()).extracting(ProcessTable.Row::pid)
			.containsExactly(pids.get(4));
		assertThat(table.page(ProcessQuery.of(10, 2, null, null, null)).items()).isEmpty();

		ProcessTable.Page longest = table.page(ProcessQuery.of(0, 3, "mailbox", null, null));
		assertThat(longest.descending()).as("other orders start with the biggest").isTrue();
		assertThat(longest.items()).extracting(ProcessTable.Row::mailboxLength).containsExactly(8, 6, 4);
		assertThat(longest.items().getFirst().status()).isEqualTo(ProcessInfo.Status.RUNNING);
		assertThat(table.page(ProcessQuery.of(0, 5, "mailbox", "asc", null)).items())
			.extracting(ProcessTable.Row::mailboxLength)
			.containsExactly(0, 2, 4, 6, 8);
		assertThat(table.page(ProcessQuery.of(0, 5, "uptime", "desc", null)).items()).extracting(ProcessTable.Row::pid)
			.as("the longest running first: the oldest pid")
			.startsWith(pids.get(0));
		for (String sort : List.of("messages", "restarts", "UPTIME")) {
			assertThat(table.page(ProcessQuery.of(0, 500, sort, null, null)).items()).hasSize(5);
		}
	}

	@Test
	void searchFindsAPidANameOrTheStartOfARegistryKey() throws Exception {
		ProcessRegistry<String, String> sessions = ProcessRegistry.start(this.runtime, RegistryOptions.unique("sessions"));
		CountDownLatch registered = new CountDownLatch(2);
		Pid donor = this.runtime.spawn((ctx) -> {
			sessions.register("donor-42", "v");
			registered.countDown();
			this.release.await();
		});
		Pid limiter = this.runtime.spawn((ctx) -> {
			registered.countDown();
			this.release.await();
		});
		this.runtime.register("rate-limiter", limiter);
		Await.latch(registered);
		ProcessTable table = new ProcessTable(this.introspection, Duration.ZERO);
		for (String search : List.of("donor-4", "sessions:donor", "donor-42")) {
			ProcessTable.Page page = table.page(ProcessQuery.of(0, 10, null, null, search));
			assertThat(page.total()).as(search).isEqualTo(1);
			ProcessTable.Row row = page.items().getFirst();
			assertThat(row.pid()).isEqualTo(donor);
			assertThat(row.keys()).containsExactly("sessions:donor-42");
			assertThat(row.names()).isEmpty();
			assertThat(row.confirm()).isEqualTo("sessions:donor-42");
		}
		ProcessTable.Row named = table.page(ProcessQuery.of(0, 10, null, null, "rate")).items().getFirst();
		assertThat(named.names()).containsExactly("rate-limiter");
		assertThat(named.confirm()).isEqualTo("rate-limiter");
		String bare = limiter.toString().substring(1, limiter.toString().length() - 1);
		for (String search : List.of(limiter.toString(), bare)) {
			assertThat(table.page(ProcessQuery.of(0, 10, null, null, search)).items()).extracting(ProcessTable.Row::pid)
				.containsExactly(limiter);
		}
		assertThat(table.page(ProcessQuery.of(0, 10, null, null, "<elsewhere.1>")).total()).isZero();
		assertThat(table.page(ProcessQuery.of(0, 10, null, null, "nobody")).total()).isZero();
		assertThat(table.page(ProcessQuery.of(0, 10, null, null, "  ")).total()).isEqualTo(this.runtime.processCount());
	}

	@Test
	void viewersShareOneSnapshotUntilItIsOlderThanItsMaximumAgeThenGetItAtOnceWhileANewOneIsBuilt() {
		MutableClock clock = new MutableClock();
		ProcessTable table = new ProcessTable(this.introspection, Duration.ofSeconds(1), clock);
		blocked(0);
		ProcessTable.Page before = table.page(ProcessQuery.of(0, 10, "mailbox", null, null));
		assertThat(before.asOf()).as("the first page builds the snapshot on its caller's thread")
			.isEqualTo(clock.instant());
		Pid late = blocked(3);
		ProcessTable.Page shared = table.page(ProcessQuery.of(0, 10, "mailbox", null, null));
		assertThat(shared.asOf()).isEqualTo(before.asOf());
		assertThat(shared.total()).as("a process started after the snapshot waits for the next").isEqualTo(1);
		assertThat(table.isRebuilding()).as("a snapshot younger than its maximum age is not rebuilt").isFalse();
		clock.advance(Duration.ofSeconds(1));
		ProcessTable.Page stale = table.page(ProcessQuery.of(0, 10, "mailbox", null, null));
		assertThat(stale.asOf()).as("a stale snapshot is served at once, with its own time").isEqualTo(before.asOf());
		assertThat(stale.total()).isEqualTo(1);
		Instant rebuiltAt = clock.instant();
		ProcessTable.Page fresh = await().atMost(Await.LONG)
			.until(() -> table.page(ProcessQuery.of(0, 10, "mailbox", null, null)), (page) -> page.total() == 2);
		assertThat(fresh.asOf()).as("the page tells when the new snapshot was read").isEqualTo(rebuiltAt);
		assertThat(fresh.items().getFirst().pid()).isEqualTo(late);
	}

	@Test
	void manyViewersOfAStaleSnapshotStartOneRebuildAndAreAllServedTheOldSnapshotMeanwhile() throws Exception {
		MutableClock clock = new MutableClock();
		PlantedReader reader = new PlantedReader();
		ProcessTable table = new ProcessTable(this.introspection, Duration.ofSeconds(1), clock, reader);
		blocked(0);
		Instant first = table.page(ProcessQuery.of(0, 10, null, null, null)).asOf();
		assertThat(reader.builds).hasValue(1);
		blocked(0);
		Random random = new Random(13);
		for (int round = 1; round <= 3; round++) {
			clock.advance(Duration.ofSeconds(1 + random.nextInt(5)));
			reader.hold = new CountDownLatch(1);
			int viewers = 8 + random.nextInt(25);
			CountDownLatch go = new CountDownLatch(1);
			List<Future<ProcessTable.Page>> pages = new ArrayList<>();
			try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
				for (int i = 0; i < viewers; i++) {
					String sort = ProcessSort.values()[random.nextInt(ProcessSort.values().length)].toString();
					pages.add(threads.submit(() -> {
						go.await();
						return table.page(ProcessQuery.of(0, 10, sort, null, null));
					}));
				}
				go.countDown();
				for (Future<ProcessTable.Page> page : pages) {
					assertThat(page.get(Await.LONG.toSeconds(), TimeUnit.SECONDS).asOf())
						.as("served the old snapshot while the rebuild is held")
						.isEqualTo(first);
				}
			}
			int started = 1 + round;
			await().atMost(Await.LONG).until(() -> reader.builds.get() >= started);
			assertThat(reader.builds).as("one rebuild for %d viewers in round %d", viewers, round).hasValue(started);
			assertThat(table.isRebuilding()).isTrue();
			reader.hold.countDown();
			await().atMost(Await.LONG).until(() -> !table.isRebuilding());
			first = table.page(ProcessQuery.of(0, 10, null, null, null)).asOf();
			assertThat(first).isEqualTo(clock.instant());
		}
		assertThat(reader.builds).hasValue(4);
		assertThat(reader.mostAtOnce).as("never two builds at a time").hasValue(1);
	}

	@Test
	void aRebuildSortsTheOrdersTheOldSnapshotWasAskedFor() {
		MutableClock clock = new MutableClock();
		PlantedReader reader = new PlantedReader();
		ProcessTable table = new ProcessTable(this.introspection, Duration.ofSeconds(1), clock, reader);
		blocked(1);
		assertThat(table.sortedOrders()).isEmpty();
		table.page(ProcessQuery.of(0, 10, "mailbox", null, null));
		table.page(ProcessQuery.of(0, 10, "uptime", "asc", null));
		table.page(ProcessQuery.of(0, 10, "pid", null, "nobody"));
		assertThat(table.sortedOrders()).containsExactlyInAnyOrder(ProcessSort.MAILBOX, ProcessSort.UPTIME);
		Pid late = blocked(5);
		clock.advance(Duration.ofSeconds(1));
		table.page(ProcessQuery.of(0, 10, "mailbox", null, null));
		await().atMost(Await.LONG).until(() -> !table.isRebuilding());
		assertThat(reader.builds).hasValue(2);
		assertThat(table.sortedOrders()).as("sorted before the new snapshot was swapped in, a search is not")
			.containsExactlyInAnyOrder(ProcessSort.MAILBOX, ProcessSort.UPTIME);
		ProcessTable.Page longest = table.page(ProcessQuery.of(0, 1, "mailbox", null, null));
		assertThat(longest.asOf()).isEqualTo(clock.instant());
		assertThat(longest.items()).extracting(ProcessTable.Row::pid).containsExactly(late);
	}

	@Test
	void aFailedRebuildIsLoggedOnceAndTheOldSnapshotIsServedUntilARebuildSucceeds() {
		MutableClock clock = new MutableClock();
		PlantedReader reader = new PlantedReader();
		ProcessTable table = new ProcessTable(this.introspection, Duration.ofSeconds(1), clock, reader);
		Logger logger = (Logger) LoggerFactory.getLogger(ProcessTable.class);
		ListAppender<ILoggingEvent> logs = new ListAppender<>();
		logs.start();
		logger.addAppender(logs);
		try {
			blocked(0);
			Instant first = table.page(ProcessQuery.of(0, 10, null, null, null)).asOf();
			int before = table.page(ProcessQuery.of(0, 10, null, null, null)).total();
			blocked(0);
			reader.failure = new IllegalStateException("planted: no reading");
			for (int attempt = 1; attempt <= 3; attempt++) {
				clock.advance(Duration.ofSeconds(1));
				ProcessTable.Page page = table.page(ProcessQuery.of(0, 10, null, null, null));
				assertThat(page.asOf()).isEqualTo(first);
				assertThat(page.total()).isEqualTo(before);
				await().atMost(Await.LONG).until(() -> !table.isRebuilding());
				assertThat(reader.builds).as("each stale page after a failure tries again").hasValue(1 + attempt);
			}
			assertThat(table.page(ProcessQuery.of(0, 10, null, null, null)).asOf()).isEqualTo(first);
			assertThat(logs.list).filteredOn((event) -> event.getLevel() == Level.WARN)
				.singleElement()
				.satisfies((event) -> assertThat(event.getThrowableProxy().getMessage()).isEqualTo("planted: no reading"));
			reader.failure = null;
			await().atMost(Await.LONG)
				.until(() -> table.page(ProcessQuery.of(0, 10, null, null, null)), (page) -> page.total() == before + 1);
			assertThat(table.page(ProcessQuery.of(0, 10, null, null, null)).asOf()).isEqualTo(clock.instant());
		}
		finally {
			logger.detachAppender(logs);
		}
	}

	@Test
	void closeWaitsForTheRunningRebuildAndNoneStartsAfterIt() throws Exception {
		MutableClock clock = new MutableClock();
		PlantedReader reader = new PlantedReader();
		ProcessTable table = new ProcessTable(this.introspection, Duration.ofSeconds(1), clock, reader);
		blocked(0);
		Instant first = table.page(ProcessQuery.of(0, 10, null, null, null)).asOf();
		reader.hold = new CountDownLatch(1);
		reader.holding.set(null);
		clock.advance(Duration.ofSeconds(1));
		table.page(ProcessQuery.of(0, 10, null, null, null));
		await().atMost(Await.LONG).until(() -> reader.holding.get() != null);
		Thread rebuilder = reader.holding.get();
		Thread closer = new Thread(table::close, "closer");
		closer.start();
		await().atMost(Await.LONG).until(() -> closer.getState() == Thread.State.WAITING);
		assertThat(closer.isAlive()).as("close waits for the rebuild").isTrue();
		reader.hold.countDown();
		closer.join(Await.LONG.toMillis());
		assertThat(closer.isAlive()).isFalse();
		assertThat(rebuilder.isAlive()).as("no rebuild thread outlives close").isFalse();
		Instant last = table.page(ProcessQuery.of(0, 10, null, null, null)).asOf();
		assertThat(last).isAfter(first);
		clock.advance(Duration.ofSeconds(1));
		assertThat(table.page(ProcessQuery.of(0, 10, null, null, null)).asOf()).isEqualTo(last);
		assertThat(table.isRebuilding()).isFalse();
		assertThat(reader.builds).hasValue(2);
		table.close();
	}

	@Test
	void noRebuildStartsOnceTheRuntimeIsClosed() {
		MutableClock clock = new MutableClock();
		ProcessRuntime closing = ProcessRuntime.start();
		PlantedReader reader = new PlantedReader(closing);
		ProcessTable table = new ProcessTable(new Introspection(closing, null, Introspection.Settings.defaults()),
				Duration.ofSeconds(1), clock, reader);
		Pid pid = closing.spawn((ctx) -> this.release.await());
		assertThat(table.page(ProcessQuery.of(0, 10, null, null, null)).total()).isEqualTo(1);
		closing.close();
		clock.advance(Duration.ofSeconds(1));
		ProcessTable.Page page = table.page(ProcessQuery.of(0, 10, null, null, null));
		assertThat(table.isRebuilding()).isFalse();
		assertThat(reader.builds).hasValue(1);
		assertThat(page.items()).singleElement().satisfies((row) -> {
			assertThat(row.pid()).isEqualTo(pid);
			assertThat(row.status()).isEqualTo(ProcessInfo.Status.EXITED);
		});
	}

	@Test
	void aProcessThatDiedSinceTheSnapshotIsShownExited() {
		ProcessTable table = new ProcessTable(this.introspection, Duration.ofHours(1));
		Pid pid = blocked(0);
		table.page(ProcessQuery.of(0, 10, null, null, null));
		this.runtime.exit(pid, dev.procreg.process.ExitReason.KILL);
		this.runtime.awaitExit(pid, Await.LONG);
		ProcessTable.Row row = table.page(ProcessQuery.of(0, 10, null, null, null)).items().getFirst();
		assertThat(row.pid()).isEqualTo(pid);
		assertThat(row.status()).isEqualTo(ProcessInfo.Status.EXITED);
	}

	@Test
	void badQueriesAreRefusedNamingTheMistake() {
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessQuery.of(-1, 10, null, null, null))
			.withMessage("offset must be at least 0, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessQuery.of(0, 0, null, null, null))
			.withMessage("limit must be from 1 to 500, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessQuery.of(0, 501, null, null, null))
			.withMessage("limit must be from 1 to 500, was 501");
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessQuery.of(0, 10, "memory", null, null))
			.withMessage("unknown sort key 'memory': use pid, mailbox, messages, uptime, restarts");
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessQuery.of(0, 10, "pid", "up", null))
			.withMessage("unknown sort direction 'up': use asc or desc");
		assertThatIllegalArgumentException().isThrownBy(() -> new ProcessTable(this.introspection, Duration.ofSeconds(-1)))
			.withMessageContaining("maxAge must not be negative");
	}

	/**
	 * Reads the runtime's processes like the table's own reader, counting the builds and the most
	 * running at once, and holding a build on a latch or failing it when a test says so.
	 */
	private final class PlantedReader implements Supplier<ProcessSummary[]> {

		private final ProcessRuntime runtime;

		final AtomicInteger builds = new AtomicInteger();

		final AtomicInteger mostAtOnce = new AtomicInteger();

		final AtomicReference<@Nullable Thread> holding = new AtomicReference<>();

		private final AtomicInteger running = new AtomicInteger();

		volatile CountDownLatch hold = new CountDownLatch(0);

		volatile @Nullable RuntimeException failure;

		PlantedReader() {
			this(ProcessTableTests.this.runtime);
		}

		PlantedReader(ProcessRuntime runtime) {
			this.runtime = runtime;
		}

		@Override
		public ProcessSummary[] get() {
			this.builds.incrementAndGet();
			this.mostAtOnce.accumulateAndGet(this.running.incrementAndGet(), Math::max);
			try {
				this.holding.set(Thread.currentThread());
				Await.latch(this.hold);
				RuntimeException planted = this.failure;
				if (planted != null) {
					throw planted;
				}
				return this.runtime.summaries(false).toArray(ProcessSummary[]::new);
			}
			finally {
				this.running.decrementAndGet();
			}
		}

	}

	private static final class MutableClock extends Clock {

		private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
