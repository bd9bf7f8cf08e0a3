package dev.procreg.introspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Observation;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.PartitionStats;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.supervisor.SupervisionEvent;
import dev.procreg.supervisor.SupervisionTree;

/**
 * The recent history of a runtime's load, kept in a ring of samples for charts that have a past
 * when they open: live processes, messages handled, registrations, unregistrations and restarts
 * per second, and the longest mailbox. Something calls {@link #sample()} at a steady interval (the
 * starter does, with the Spring context); the history only keeps what it is given.
 *
 * <pre>{@code
 * try (History history = History.start(runtime, 600)) {       // 10 minutes at one sample a second
 *     scheduler.scheduleAtFixedRate(history::sample, 1, 1, TimeUnit.SECONDS);
 *     List<History.Sample> lastMinute = history.samples(System.currentTimeMillis() - 60_000);
 * }
 * }</pre>
 *
 * <h2>Costs</h2>
 * A sample reads the runtime's {@linkplain ProcessRuntime#totals() totals} (one pass over the
 * processes' plain counters, no lock, no message) and each registry's partition counters; rates
 * are differences between two samples, so nothing is counted on the paths that send and receive.
 * Restarts are counted as they happen, by a supervision observer.
 */
public final class History implements AutoCloseable {

	private final ProcessRuntime runtime;

	private final Sample[] ring;

	private final LongAdder restarts = new LongAdder();

	private final Observation restartCount;

	private int next;

	private int size;

	private @Nullable Raw last;

	private History(ProcessRuntime runtime, int capacity) {
		this.runtime = runtime;
		this.ring = new Sample[capacity];
		this.restartCount = SupervisionTree.observe(runtime, (event) -> {
			if (event instanceof SupervisionEvent.Restarted) {
				this.restarts.increment();
			}
		});
	}

	/**
	 * Starts keeping a history; the first {@link #sample()} sets the base the next one's rates are
	 * measured from.
	 * @param runtime the runtime
	 * @param capacity the most samples kept, at least 2
	 * @return the history
	 * @throws IllegalArgumentException for a capacity below 2
	 */
	public static History start(ProcessRuntime runtime, int capacity) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		if (capacity < 2) {
			throw new IllegalArgumentException("a history keeps at least 2 samples, was asked for " + capacity);
		}
		return new History(runtime, capacity);
	}

	/** @return the most samples kept */
	public int capacity() {
		return this.ring.length;
	}

	/**
	 * Takes a sample now. The first call only sets the base for the rates and keeps nothing.
	 * @return the sample kept, or {@code null} on the first call
	 */
	public synchronized @Nullable Sample sample() {
		long now = System.currentTimeMillis();
		ProcessRuntime.Totals totals = this.runtime.totals();
		long registrations = 0;
		long unregistrations = 0;
		for (ProcessRegistry<?, ?> registry : ProcessRegistry.all(this.runtime)) {
			for (PartitionStats stats : registry.partitionStats()) {
				registrations += stats.registrations();
				unregistrations += stats.unregistrations();
			}
		}
		Raw raw = new Raw(now, System.nanoTime(), totals.messagesHandled(), registrations, unregistrations,
				this.restarts.sum());
		Raw previous = this.last;
		this.last = raw;
		if (previous == null) {
			return null;
		}
		double seconds = Math.max(1e-3, (raw.nanos - previous.nanos) / 1e9);
		Sample sample = new Sample(now, totals.processes(), rate(raw.messages - previous.messages, seconds),
				rate(raw.registrations - previous.registrations, seconds),
				rate(raw.unregistrations - previous.unregistrations, seconds),
				rate(raw.restarts - previous.restarts, seconds), totals.longestMailbox(), totals.longestMailboxPid());
		this.ring[this.next] = sample;
		this.next = (this.next + 1) % this.ring.length;
		this.size = Math.min(this.size + 1, this.ring.length);
		return sample;
	}

	private static double rate(long delta, double seconds) {
		return Math.round(Math.max(0, delta) / seconds * 100.0) / 100.0;
	}

	/**
	 * @param sinceMillis only samples taken after this time (epoch milliseconds); 0 for all
	 * @return the samples kept, oldest first
	 */
	public synchronized List<Sample> samples(long sinceMillis) {
		List<Sample> samples = new ArrayList<>(this.size);
		int start = (this.next - this.size + this.ring.length) % this.ring.length;
		for (int i = 0; i < this.size; i++) {
			Sample sample = this.ring[(start + i) % this.ring.length];
			if (sample.time() > sinceMillis) {
				samples.add(sample);
			}
		}
		return samples;
	}

	/** Stops counting restarts; the samples kept stay readable. */
	@Override
	public void close() {
		this.restartCount.close();
	}

	private record Raw(long millis, long nanos, long messages, long registrations, long unregistrations,
			long restarts) {
	}

	/**
	 * One sample: figures at its time, rates over the interval before it.
	 *
	 * @param time when, in epoch milliseconds
	 * @param processes live processes
	 * @param messagesPerSecond messages handled per second
	 * @param registrationsPerSecond registry registrations per second
	 * @param unregistrationsPerSecond registry unregistrations per second (explicit and by exit)
	 * @param restartsPerSecond supervisor restarts per second
	 * @param longestMailbox the longest mailbox
	 * @param longestMailboxPid whose, or {@code null} when every mailbox was empty
	 */
	public record Sample(long time, int processes, double messagesPerSecond, double registrationsPerSecond,
			double unregistrationsPerSecond, double restartsPerSecond, int longestMailbox,
			@Nullable Pid longestMailboxPid) {
	}

}
