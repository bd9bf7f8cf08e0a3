package dev.procreg.introspect;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.introspect.EventJournal.Event;
import dev.procreg.introspect.EventJournal.Type;
import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.Supervisor;
import dev.procreg.testing.Await;
import dev.procreg.testing.IdleServer;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** Tests for the operators' event feed, {@link EventJournal}. */
@ExtendWith(RuntimeExtension.class)
class EventJournalTests {

	private final ProcessRuntime runtime;

	private final EventJournal journal;

	EventJournalTests(ProcessRuntime runtime) {
		this.runtime = runtime;
		this.journal = EventJournal.start(runtime, 100);
	}

	@AfterEach
	void close() {
		this.journal.close();
	}

	private List<Event> events(Type type) {
		return this.journal.recent(EnumSet.of(type), 100, 0);
	}

	@Test
	void aKilledProcessIsAnExitWithItsReasonAndNamesAndANormalUnsupervisedExitIsNot() {
		Pid quiet = this.runtime.spawn((ctx) -> {
		});
		this.runtime.awaitExit(quiet, Await.LONG);
		Pid victim = this.runtime.spawn((ctx) -> ctx.receive());
		this.runtime.register("victim", victim);
		this.runtime.exit(victim, ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> !events(Type.EXIT).isEmpty());
		List<Event> exits = events(Type.EXIT);
		assertThat(exits).hasSize(1);
		Event exit = exits.getFirst();
		assertThat(exit.pid()).isEqualTo(victim);
		assertThat(exit.reason()).isEqualTo("killed");
		assertThat(exit.detail()).isEqualTo("victim");
		assertThat(exit.seq()).isPositive();
		assertThat(this.journal.lastSeq()).isGreaterThanOrEqualTo(exit.seq());
	}

	@Test
	void registrationsRestartsAndGiveUpsAreRecordedFromCore() throws Exception {
		ProcessRegistry<String, String> registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("feed"));
		CountDownLatch registered = new CountDownLatch(1);
		Pid owner = this.runtime.spawn((ctx) -> {
			registry.register("k1", "v");
			registered.countDown();
			ctx.receive();
		});
		Await.latch(registered);
		this.runtime.exit(owner, ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> events(Type.UNREGISTERED).size() == 1);
		assertThat(events(Type.REGISTERED)).singleElement()
			.satisfies((event) -> assertThat(List.of(event.registry(), event.key(), event.pid()))
				.containsExactly("feed", "k1", owner));
		assertThat(events(Type.UNREGISTERED).getFirst().reason()).isEqualTo("killed");

		Pid supervisor = ((StartResult.Started) Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE,
				List.of(ChildSpec.worker("w", IdleServer::new, null)), new Supervisor.Options(1, 60, null))).pid();
		Pid first = Supervisor.whichChildren(this.runtime, supervisor).getFirst().pid();
		this.runtime.exit(first, ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> events(Type.RESTART).size() == 1);
		Event restart = events(Type.RESTART).getFirst();
		assertThat(restart.supervisor()).isEqualTo(supervisor);
		assertThat(restart.childId()).isEqualTo("w");
		assertThat(restart.pid()).isEqualTo(first);
		assertThat(restart.reason()).isEqualTo("killed");
		assertThat(events(Type.EXIT)).extracting(Event::pid).contains(first);

		Pid second = Supervisor.whichChildren(this.runtime, supervisor).getFirst().pid();
		this.runtime.exit(second, ExitReason.KILL);
		await().atMost(Await.LONG).until(() -> events(Type.GIVE_UP).size() == 1);
		Event gaveUp = events(Type.GIVE_UP).getFirst();
		assertThat(gaveUp.supervisor()).isEqualTo(supervisor);
		assertThat(gaveUp.detail()).isEqualTo("more than 1 restarts in 60 s");
		assertThat(gaveUp.childId()).isEqualTo("w");
	}

	@Test
	void recentFiltersByTypeLimitAndSequenceAndTheRingKeepsTheNewest() {
		EventJournal small = EventJournal.start(this.runtime, 3);
		try {
			for (int i = 1; i <= 5; i++) {
				small.action("ann", null, "action " + i);
			}
			assertThat(small.recent(EnumSet.allOf(Type.class), 10, 0)).extracting(Event::detail)
				.containsExactly("action 3", "action 4", "action 5");
			assertThat(small.recent(EnumSet.of(Type.ACTION), 2, 0)).extracting(Event::detail)
				.containsExactly("action 4", "action 5");
			assertThat(small.recent(EnumSet.of(Type.ACTION), 10, 4)).extracting(Event::detail).containsExactly("action 5");
			assertThat(small.recent(EnumSet.of(Type.EXIT), 10, 0)).isEmpty();
		}
		finally {
			small.close();
		}
	}

	@Test
	void aSlowSubscriberLosesItsOldestEventsAndIsToldHowMany() throws Exception {
		try (EventJournal.Subscription feed = this.journal.subscribe(EnumSet.of(Type.ACTION), 2, -1)) {
			for (int i = 1; i <= 5; i++) {
				this.journal.action(null, null, "a" + i);
			}
			EventJournal.Batch batch = feed.poll(Duration.ZERO);
			assertThat(batch.events()).extracting(Event::detail).containsExactly("a4", "a5");
			assertThat(batch.dropped()).isEqualTo(3);
			assertThat(feed.poll(Duration.ZERO)).isEqualTo(new EventJournal.Batch(List.of(), 0));
		}
		assertThat(this.journal.subscriptions()).isZero();
	}

	@Test
	void aSubscriberReplaysWhatItMissedThenHearsWhatComesAndClosingWakesIt() throws Exception {
		Event first = this.journal.action(null, null, "first");
		this.journal.action(null, null, "second");
		EventJournal.Subscription feed = this.journal.subscribe(Set.of(Type.ACTION), 10, first.seq());
		assertThat(feed.poll(Duration.ZERO).events()).extracting(Event::detail).containsExactly("second");
		Thread reader = Thread.ofVirtual().start(() -> {
			try {
				feed.poll(Await.LONG);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		this.journal.close();
		assertThat(reader.join(Await.LONG)).as("closing the journal wakes a waiting reader").isTrue();
		assertThat(feed.isClosed()).isTrue();
		Pid later = this.runtime.spawn((ctx) -> ctx.receive());
		this.runtime.exit(later, ExitReason.KILL);
		this.runtime.awaitExit(later, Await.LONG);
		assertThat(events(Type.EXIT)).as("a closed journal records nothing more").isEmpty();
	}

	@Test
	void underConcurrentProducersAReaderGetsEveryEventOnceInOrderOrIsToldItLostIt() throws Exception {
		int producers = 4;
		int each = 5_000;
		EventJournal.Subscription feed = this.journal.subscribe(EnumSet.of(Type.ACTION), 64, -1);
		List<Thread> threads = new java.util.ArrayList<>();
		CountDownLatch start = new CountDownLatch(1);
		for (int p = 0; p < producers; p++) {
			int producer = p;
			threads.add(Thread.ofPlatform().start(() -> {
				Await.latch(start);
				for (int i = 0; i < each; i++) {
					this.journal.action("p" + producer, null, Integer.toString(i));
				}
			}));
		}
		start.countDown();
		long received = 0;
		long dropped = 0;
		long lastSeq = 0;
		boolean producing = true;
		while (producing || received + dropped < (long) producers * each) {
			producing = threads.stream().anyMatch(Thread::isAlive);
			EventJournal.Batch batch = feed.poll(Duration.ofMillis(producing ? 50 : 0));
			dropped += batch.dropped();
			for (Event event : batch.events()) {
				assertThat(event.seq()).as("in order, each once").isGreaterThan(lastSeq);
				lastSeq = event.seq();
				received++;
			}
			if (!producing && batch.events().isEmpty() && batch.dropped() == 0) {
				break;
			}
		}
		for (Thread thread : threads) {
			assertThat(thread.join(Await.LONG)).isTrue();
		}
		assertThat(received + dropped).as("every event was delivered or counted as lost").isEqualTo((long) producers * each);
		assertThat(this.journal.lastSeq()).isEqualTo((long) producers * each);
		List<Event> kept = this.journal.recent(EnumSet.of(Type.ACTION), 1000, 0);
		assertThat(kept).hasSize(this.journal.capacity());
		for (int i = 1; i < kept.size(); i++) {
			assertThat(kept.get(i).seq()).isEqualTo(kept.get(i - 1).seq() + 1);
		}
		feed.close();
	}

	@Test
	void badInputIsRefusedNamingTheMistake() {
		assertThatIllegalArgumentException().isThrownBy(() -> EventJournal.start(this.runtime, 0))
			.withMessageContaining("at least 1 event");
		assertThatIllegalArgumentException().isThrownBy(() -> this.journal.recent(EnumSet.allOf(Type.class), 0, 0))
			.withMessage("limit must be from 1 to 1000, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.journal.recent(EnumSet.allOf(Type.class), 1001, 0))
			.withMessage("limit must be from 1 to 1000, was 1001");
		assertThatIllegalArgumentException().isThrownBy(() -> this.journal.recent(EnumSet.allOf(Type.class), 10, -1))
			.withMessage("after must be at least 0, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> this.journal.subscribe(EnumSet.allOf(Type.class), 0, -1))
			.withMessageContaining("at least 1 event");
		assertThatIllegalArgumentException().isThrownBy(() -> Type.parseAll("exit,gossip"))
			.withMessage("unknown event type 'gossip': use registered, unregistered, exit, restart, give-up, action");
		assertThat(Type.parseAll(" give-up , EXIT")).containsExactlyInAnyOrder(Type.GIVE_UP, Type.EXIT);
		assertThat(Type.parseAll(null)).hasSize(Type.values().length);
	}

}
