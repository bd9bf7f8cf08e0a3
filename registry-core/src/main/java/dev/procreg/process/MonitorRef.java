package dev.procreg.process;

import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;

/**
 * The reference of one monitor, returned by {@code monitor} and carried by the {@link Down} it
 * produces. Equal only to itself.
 *
 * <pre>{@code
 * MonitorRef ref = ctx.monitor(worker);
 * Down down = ctx.receive(Down.class, Duration.ofSeconds(5)).orElseThrow();   // down.ref() == ref
 * }</pre>
 */
public final class MonitorRef {

	private static final AtomicLong SERIALS = new AtomicLong();

	/** Unique in this JVM: also the monitor's reference on the wire. */
	final long serial = SERIALS.incrementAndGet();

	final Pid target;

	final LocalProcess watcher;

	/** Attached to the target: fires this monitor when the target exits. */
	final ExitHook hook = new Hook(this);

	/** Set by a flushing demonitor: a Down already queued for this ref is dropped unread. */
	volatile boolean flushed;

	MonitorRef(Pid target, LocalProcess watcher) {
		this.target = target;
		this.watcher = watcher;
	}

	/** @return the monitored process */
	public Pid target() {
		return this.target;
	}

	@Override
	public String toString() {
		return "#Ref<" + this.serial + ">";
	}

	/** The monitor's exit hook on the target: a telling hook, run after the cleaning ones. */
	private static final class Hook extends ExitHook {

		private final MonitorRef ref;

		Hook(MonitorRef ref) {
			this.ref = ref;
		}

		@Override
		public boolean notifies() {
			return true;
		}

		@Override
		public @Nullable Pid watcher() {
			return this.ref.watcher.pid;
		}

		@Override
		protected void processExited(Owner process, ExitReason reason) {
			this.ref.watcher.monitorFired(this.ref);
			this.ref.watcher.deliver(new Down(this.ref, this.ref.target, reason));
		}

		@Override
		protected void attachFailed(Owner process, ExitReason reason) {
			processExited(process, ExitReason.NOPROC); // Erlang: a monitor of the dead says noproc
		}

		@Override
		public String toString() {
			return this.ref.toString();
		}

	}

}
