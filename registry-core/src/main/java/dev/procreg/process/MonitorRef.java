package dev.procreg.process;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference of one monitor, returned by {@code monitor} and carried by the {@link Down} it
 * produces. Equal only to itself.
 */
public final class MonitorRef extends ExitHook {

	private static final AtomicLong SERIALS = new AtomicLong();

	private final long serial = SERIALS.incrementAndGet();

	final Pid target;

	final LocalProcess watcher;

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
	protected boolean notifies() {
		return true;
	}

	@Override
	protected void processExited(LocalProcess process, ExitReason reason) {
		this.watcher.monitorFired(this);
		this.watcher.deliver(new Down(this, this.target, reason));
	}

	@Override
	public String toString() {
		return "#Ref<" + this.serial + ">";
	}

}
