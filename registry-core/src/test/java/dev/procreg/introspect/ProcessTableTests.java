package dev.procreg.introspect;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessInfo;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

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
	void viewersShareOneSnapshotUntilItIsOlderThanItsMaximumAge() {
		MutableClock clock = new MutableClock();
		ProcessTable table = new ProcessTable(this.introspection, Duration.ofSeconds(1), clock);
		blocked(0);
		ProcessTable.Page before = table.page(ProcessQuery.of(0, 10, "mailbox", null, null));
		Pid late = blocked(3);
		ProcessTable.Page shared = table.page(ProcessQuery.of(0, 10, "mailbox", null, null));
		assertThat(shared.asOf()).isEqualTo(before.asOf());
		assertThat(shared.total()).as("a process started after the snapshot waits for the next").isEqualTo(1);
		clock.advance(Duration.ofSeconds(1));
		ProcessTable.Page fresh = table.page(ProcessQuery.of(0, 10, "mailbox", null, null));
		assertThat(fresh.total()).isEqualTo(2);
		assertThat(fresh.items().getFirst().pid()).isEqualTo(late);
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

	private static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

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
