package dev.procreg.boot.admin;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.introspect.EventJournal;
import dev.procreg.introspect.History;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The operator console's live parts under {@code /process-admin/api}: the load history (kept on
 * the server, so charts have a past when the page opens), the recent events and their live feed
 * as Server-Sent Events, and the metrics and health from Micrometer and the health indicators
 * when those are present.
 *
 * <h2>The live feed is bounded</h2>
 * Each feed has its own queue of {@link AdminConsole.Settings#streamQueue()} events, filled by
 * the journal and drained by a virtual thread of the feed's own that writes to the client; a
 * client that reads slower than events come loses its oldest and is sent a {@code dropped} event
 * with their number. Neither a slow client nor a silent one holds more; the feed ends after
 * {@link AdminConsole.Settings#streamTimeout()} (a browser's {@code EventSource} reconnects and
 * resumes after its {@code Last-Event-ID}), when the client goes away (found at the next write
 * or heartbeat, every 15 seconds), and when the context closes.
 */
@RestController
@RequestMapping(ProcessAdminController.PATH + "/api")
public class AdminEventsController {

	private static final Logger logger = LoggerFactory.getLogger(AdminEventsController.class);

	static final Duration HEARTBEAT = Duration.ofSeconds(15);

	private final AdminConsole console;

	private final @Nullable AdminMeters meters;

	private final @Nullable AdminHealth health;

	/**
	 * @param console what the console keeps
	 * @param meters the meters, or {@code null} without a metrics library
	 * @param health the health, or {@code null} without the health module
	 */
	public AdminEventsController(AdminConsole console, @Nullable AdminMeters meters, @Nullable AdminHealth health) {
		this.console = console;
		this.meters = meters;
		this.health = health;
	}

	/**
	 * The load history, column by column as charts take it.
	 * @param since only samples taken after this time, in epoch milliseconds
	 * @return the samples, oldest first
	 */
	@GetMapping("/history")
	public HistoryDescriptor history(@RequestParam(defaultValue = "0") long since) {
		List<History.Sample> samples = this.console.history().samples(since);
		int size = samples.size();
		double[] time = new double[size];
		int[] processes = new int[size];
		double[] messages = new double[size];
		double[] registrations = new double[size];
		double[] unregistrations = new double[size];
		double[] restarts = new double[size];
		int[] longest = new int[size];
		for (int i = 0; i < size; i++) {
			History.Sample sample = samples.get(i);
			time[i] = sample.time() / 1000.0;
			processes[i] = sample.processes();
			messages[i] = sample.messagesPerSecond();
			registrations[i] = sample.registrationsPerSecond();
			unregistrations[i] = sample.unregistrationsPerSecond();
			restarts[i] = sample.restartsPerSecond();
			longest[i] = sample.longestMailbox();
		}
		History.Sample last = samples.isEmpty() ? null : samples.getLast();
		return new HistoryDescriptor(this.console.settings().historyInterval().toMillis(),
				this.console.history().capacity(), time, processes, messages, registrations, unregistrations, restarts,
				longest, (last != null && last.longestMailboxPid() != null) ? last.longestMailboxPid().toString() : null);
	}

	/**
	 * The recent events, oldest first.
	 * @param type a comma-separated list of types, or none for all
	 * @param limit the most events, 1 to {@value EventJournal#MAX_LIMIT}
	 * @param after only events with a greater sequence number
	 * @return the events; a 400 problem for an unknown type or a limit out of range
	 */
	@GetMapping("/events")
	public EventsDescriptor events(@RequestParam(required = false) @Nullable String type,
			@RequestParam(defaultValue = "100") int limit, @RequestParam(defaultValue = "0") long after) {
		Set<EventJournal.Type> types = EventJournal.Type.parseAll(type);
		EventJournal journal = this.console.journal();
		return new EventsDescriptor(journal.lastSeq(),
				journal.recent(types, limit, after).stream().map(EventDescriptor::of).toList());
	}

	/**
	 * The live feed of events as Server-Sent Events: {@code id} is the event's sequence number,
	 * {@code event} its type, {@code data} the event as {@link #events} gives it.
	 * @param type a comma-separated list of types, or none for all
	 * @param lastEventId the last event the client saw, to resume after it (sent by a
	 * reconnecting {@code EventSource})
	 * @return the feed; a 400 problem for an unknown type
	 */
	@GetMapping(path = "/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public SseEmitter stream(@RequestParam(required = false) @Nullable String type,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
		Set<EventJournal.Type> types = EventJournal.Type.parseAll(type);
		long after = -1;
		if (lastEventId != null && !lastEventId.isBlank()) {
			try {
				after = Long.parseLong(lastEventId.trim());
			}
			catch (NumberFormatException ex) {
				throw AdminProblem.of(HttpStatus.BAD_REQUEST,
						"Last-Event-ID must be an event's sequence number, was '" + lastEventId + "'");
			}
		}
		SseEmitter emitter = new SseEmitter(this.console.settings().streamTimeout().toMillis());
		EventJournal.Subscription subscription = this.console.journal()
			.subscribe(types, this.console.settings().streamQueue(), after);
		emitter.onCompletion(subscription::close);
		emitter.onTimeout(subscription::close);
		emitter.onError((ex) -> subscription.close());
		Thread.ofVirtual().name("procreg-admin-events").start(() -> pump(subscription, emitter));
		return emitter;
	}

	private static void pump(EventJournal.Subscription subscription, SseEmitter emitter) {
		try {
			emitter.send(SseEmitter.event().comment("procreg events").reconnectTime(2000));
			while (!subscription.isClosed()) {
				EventJournal.Batch batch = subscription.poll(HEARTBEAT);
				if (batch.dropped() > 0) {
					emitter.send(SseEmitter.event().name("dropped").data(new Dropped(batch.dropped()),
							MediaType.APPLICATION_JSON));
				}
				for (EventJournal.Event event : batch.events()) {
					emitter.send(SseEmitter.event()
						.id(Long.toString(event.seq()))
						.name(event.type().key())
						.data(EventDescriptor.of(event), MediaType.APPLICATION_JSON));
				}
				if (batch.events().isEmpty() && batch.dropped() == 0 && !subscription.isClosed()) {
					emitter.send(SseEmitter.event().comment("heartbeat"));
				}
			}
			emitter.complete();
		}
		catch (IOException | IllegalStateException ex) {
			// the client went away, or the request ended (timeout, shutdown): nothing left to write to
			logger.debug("Process admin: event stream ended: {}", ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			emitter.complete();
		}
		finally {
			subscription.close();
		}
	}

	/**
	 * The selected meters: {@code procreg.*} and a few of the JVM's.
	 * @return the meters, or {@code available = false} without a metrics library
	 */
	@GetMapping("/metrics")
	public MetricsDescriptor metrics() {
		return (this.meters != null) ? new MetricsDescriptor(true, this.meters.meters())
				: new MetricsDescriptor(false, List.of());
	}

	/**
	 * What the health indicators say, the {@code processRegistry} contributor among them.
	 * @return the health, or {@code available = false} without the health module
	 */
	@GetMapping("/health")
	public HealthDescriptor health() {
		if (this.health == null) {
			return new HealthDescriptor(false, null, Map.of());
		}
		AdminHealth.Report report = this.health.health();
		return new HealthDescriptor(true, report.status(), report.components());
	}

	/**
	 * The load history, column by column.
	 *
	 * @param intervalMillis how often a sample is taken
	 * @param capacity the most samples kept
	 * @param time each sample's time, in epoch seconds
	 * @param processes live processes
	 * @param messagesPerSecond messages handled per second
	 * @param registrationsPerSecond registrations per second
	 * @param unregistrationsPerSecond unregistrations per second
	 * @param restartsPerSecond restarts per second
	 * @param longestMailbox the longest mailbox
	 * @param longestMailboxPid whose it is in the newest sample, or {@code null}
	 */
	public record HistoryDescriptor(long intervalMillis, int capacity, double[] time, int[] processes,
			double[] messagesPerSecond, double[] registrationsPerSecond, double[] unregistrationsPerSecond,
			double[] restartsPerSecond, int[] longestMailbox, @Nullable String longestMailboxPid) {
	}

	/**
	 * Recent events.
	 *
	 * @param lastSeq the newest event's sequence number
	 * @param events oldest first
	 */
	public record EventsDescriptor(long lastSeq, List<EventDescriptor> events) {
	}

	/**
	 * One event.
	 *
	 * @param seq its sequence number
	 * @param time when
	 * @param type registered, unregistered, exit, restart, give-up or action
	 * @param pid the process it is about, or {@code null}
	 * @param reason an exit reason, or {@code null}
	 * @param registry a registration's registry, or {@code null}
	 * @param key a registration's key, or {@code null}
	 * @param supervisor the supervisor of a restart, give-up or supervised exit, or {@code null}
	 * @param childId the child's id, or {@code null}
	 * @param user an action's operator, or {@code null}
	 * @param detail more, or {@code null}
	 */
	public record EventDescriptor(long seq, Instant time, String type, @Nullable String pid, @Nullable String reason,
			@Nullable String registry, @Nullable String key, @Nullable String supervisor, @Nullable String childId,
			@Nullable String user, @Nullable String detail) {

		static EventDescriptor of(EventJournal.Event event) {
			return new EventDescriptor(event.seq(), event.time(), event.type().key(),
					(event.pid() != null) ? event.pid().toString() : null, event.reason(), event.registry(),
					event.key(), (event.supervisor() != null) ? event.supervisor().toString() : null, event.childId(),
					event.user(), event.detail());
		}

	}

	/**
	 * Events a slow feed lost.
	 *
	 * @param dropped how many
	 */
	public record Dropped(long dropped) {
	}

	/**
	 * The selected meters.
	 *
	 * @param available whether a metrics library is present
	 * @param meters the meters
	 */
	public record MetricsDescriptor(boolean available, List<AdminMeters.Meter> meters) {
	}

	/**
	 * The health.
	 *
	 * @param available whether the health module is present
	 * @param status the overall status, or {@code null}
	 * @param components each indicator
	 */
	public record HealthDescriptor(boolean available, @Nullable String status,
			Map<String, AdminHealth.Component> components) {
	}

}
