package dev.procreg.supervisor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Observation;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Runtimes;

/**
 * The live supervisors of one runtime, kept as a component of that runtime (never in a static,
 * JVM-wide map): which pids are supervisors, of which kind, under which supervisor, and how many
 * restarts each and its subtree made. The one place restarts are counted.
 *
 * <p>An entry is added by the supervisor itself before its children start and removed by an
 * exit listener, so {@link #isSupervisor} answers without asking the process. Restart counts are
 * monotonic for the life of a supervisor: a child that leaves does not take its restarts with it.
 */
final class SupervisorIndex {

	private static final String NAME = "supervisors";

	private final ConcurrentHashMap<Pid, Entry> live = new ConcurrentHashMap<>();

	private static final SupervisionObserver[] NONE = {};

	/** Copied on write; read once per event. */
	private volatile SupervisionObserver[] observers = NONE;

	static SupervisorIndex of(ProcessRuntime runtime) {
		SupervisorIndex index = Runtimes.component(runtime, SupervisorIndex.class, NAME).orElse(null);
		if (index != null) {
			return index;
		}
		Runtimes.addComponent(runtime, SupervisorIndex.class, NAME, new SupervisorIndex());
		return Runtimes.component(runtime, SupervisorIndex.class, NAME).orElseThrow();
	}

	/** Records a supervisor that just started; called from its own {@code init}. */
	Entry track(ProcessRuntime runtime, Pid pid, @Nullable Pid parent, SupervisorInfo.Kind kind) {
		Entry entry = new Entry(pid, (parent != null) ? this.live.get(parent) : null, kind);
		this.live.put(pid, entry);
		runtime.onExit(pid, (exited, reason) -> this.live.remove(exited, entry));
		return entry;
	}

	Observation observe(SupervisionObserver observer) {
		synchronized (this.live) {
			SupervisionObserver[] current = this.observers;
			SupervisionObserver[] next = Arrays.copyOf(current, current.length + 1);
			next[current.length] = observer;
			this.observers = next;
		}
		return () -> {
			synchronized (this.live) {
				this.observers = Arrays.stream(this.observers)
					.filter((candidate) -> candidate != observer)
					.toArray(SupervisionObserver[]::new);
			}
		};
	}

	boolean observed() {
		return this.observers.length > 0;
	}

	void publish(SupervisionEvent event) {
		for (SupervisionObserver observer : this.observers) {
			try {
				observer.observed(event);
			}
			catch (Throwable ex) {
				SupervisorServer.logger.warn("Supervision observer {} failed on {}", observer, event, ex);
			}
		}
	}

	@Nullable Entry get(Pid pid) {
		return this.live.get(pid);
	}

	List<Pid> pids() {
		List<Pid> pids = new ArrayList<>(this.live.keySet());
		pids.sort(null);
		return pids;
	}

	/** One live supervisor. */
	static final class Entry {

		final Pid pid;

		final @Nullable Entry parent;

		final SupervisorInfo.Kind kind;

		/** Restarts this supervisor made. */
		final AtomicLong restarts = new AtomicLong();

		/** Restarts this supervisor and every supervisor below it made. */
		final AtomicLong subtreeRestarts = new AtomicLong();

		Entry(Pid pid, @Nullable Entry parent, SupervisorInfo.Kind kind) {
			this.pid = pid;
			this.parent = parent;
			this.kind = kind;
		}

		void restarted() {
			this.restarts.incrementAndGet();
			for (Entry entry = this; entry != null; entry = entry.parent) {
				entry.subtreeRestarts.incrementAndGet();
			}
		}

	}

}
