package dev.procreg.boot.admin;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.introspect.AuditLog;
import dev.procreg.introspect.EventJournal;
import dev.procreg.introspect.History;
import dev.procreg.introspect.Introspection;
import dev.procreg.introspect.ProcessTable;

import org.springframework.context.SmartLifecycle;

/**
 * What the operator console keeps between requests, all of it core's: the load
 * {@link History} (sampled on a single platform thread that runs while the context runs), the
 * {@link EventJournal} of recent events, the {@link AuditLog} of actions and the shared
 * {@link ProcessTable} snapshot. Started and stopped with the Spring context; stopping ends every
 * live event stream and the table's background rebuilds (waiting for one that runs).
 */
public class AdminConsole implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(AdminConsole.class);

	private final Introspection introspection;

	private final Settings settings;

	private final History history;

	private final EventJournal journal;

	private final AuditLog audit;

	private final ProcessTable table;

	private final Object lock = new Object();

	private @Nullable ScheduledExecutorService sampler;

	/**
	 * @param introspection the read model of the runtime shown
	 * @param settings sizes and intervals
	 */
	public AdminConsole(Introspection introspection, Settings settings) {
		this.introspection = Objects.requireNonNull(introspection, "introspection must not be null");
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
		this.history = History.start(introspection.runtime(), settings.historySize());
		this.journal = EventJournal.start(introspection.runtime(), settings.eventsSize());
		this.audit = new AuditLog(settings.auditSize(), this.journal);
		this.table = new ProcessTable(introspection, settings.snapshotInterval());
	}

	/** @return the read model */
	public Introspection introspection() {
		return this.introspection;
	}

	/** @return the settings */
	public Settings settings() {
		return this.settings;
	}

	/** @return the load history */
	public History history() {
		return this.history;
	}

	/** @return the recent events */
	public EventJournal journal() {
		return this.journal;
	}

	/** @return the actions audited */
	public AuditLog audit() {
		return this.audit;
	}

	/** @return the process table */
	public ProcessTable table() {
		return this.table;
	}

	@Override
	public void start() {
		synchronized (this.lock) {
			if (this.sampler != null) {
				return;
			}
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "procreg-admin-sampler");
				thread.setDaemon(true);
				return thread;
			});
			long millis = this.settings.historyInterval().toMillis();
			this.history.sample();
			executor.scheduleAtFixedRate(this::sample, millis, millis, TimeUnit.MILLISECONDS);
			this.sampler = executor;
		}
	}

	private void sample() {
		try {
			this.history.sample();
		}
		catch (RuntimeException ex) {
			// a failed sample is a gap in the chart, never the end of the sampler
			logger.warn("Process admin: could not sample the runtime's load", ex);
		}
	}

	@Override
	public void stop() {
		synchronized (this.lock) {
			ScheduledExecutorService executor = this.sampler;
			if (executor == null) {
				return;
			}
			this.sampler = null;
			executor.shutdownNow();
			try {
				executor.awaitTermination(1, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.history.close();
			this.journal.close();
			this.table.close();
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.lock) {
			return this.sampler != null;
		}
	}

	/** Stops before the runtime's supervisors stop, so that the feed does not report a shutdown as exits. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	/**
	 * Sizes and intervals of the console.
	 *
	 * @param historyInterval how often the load is sampled
	 * @param historySize how many samples are kept
	 * @param eventsSize how many recent events are kept
	 * @param streamQueue how many events wait for one slow live feed before its oldest are dropped
	 * @param streamTimeout how long one live feed lasts before the browser reconnects
	 * @param auditSize how many audited actions are kept
	 * @param snapshotInterval how old the process table's snapshot may be before a page starts building a
	 * new one in the background (pages are served the old one meanwhile)
	 */
	public record Settings(Duration historyInterval, int historySize, int eventsSize, int streamQueue,
			Duration streamTimeout, int auditSize, Duration snapshotInterval) {

		/**
		 * @throws IllegalArgumentException for an interval that is not positive or a size below 1
		 */
		public Settings {
			if (historyInterval.isZero() || historyInterval.isNegative()) {
				throw new IllegalArgumentException("the history interval must be positive, was " + historyInterval);
			}
			if (streamTimeout.isZero() || streamTimeout.isNegative()) {
				throw new IllegalArgumentException("the stream timeout must be positive, was " + streamTimeout);
			}
			if (historySize < 2 || eventsSize < 1 || streamQueue < 1 || auditSize < 1) {
				throw new IllegalArgumentException("history size must be at least 2 and the events, stream queue and"
						+ " audit sizes at least 1, were " + historySize + ", " + eventsSize + ", " + streamQueue
						+ " and " + auditSize);
			}
			Objects.requireNonNull(snapshotInterval, "snapshotInterval must not be null");
		}

		/** @return one sample a second for 10 minutes, 1000 events, 256 per feed, 30 minute feeds, 200 actions, 1 s snapshots */
		public static Settings defaults() {
			return new Settings(Duration.ofSeconds(1), 600, 1000, 256, Duration.ofMinutes(30), 200,
					Duration.ofSeconds(1));
		}

	}

}
