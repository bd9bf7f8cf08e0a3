package dev.procreg.registry;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a registry's events to its listeners in order, on a virtual thread of its own that
 * runs only while events are pending, so no listener ever runs on a registering thread.
 */
final class EventDispatcher<K, V> implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(EventDispatcher.class);

	private final String registry;

	private final List<RegistryListener<K, V>> listeners;

	private final ConcurrentLinkedQueue<RegistryEvent<K, V>> pending = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean draining = new AtomicBoolean();

	EventDispatcher(String registry, List<RegistryListener<K, V>> listeners) {
		this.registry = registry;
		this.listeners = List.copyOf(listeners);
	}

	void publish(RegistryEvent<K, V> event) {
		this.pending.add(event);
		if (!this.draining.get() && this.draining.compareAndSet(false, true)) {
			Thread.startVirtualThread(this);
		}
	}

	@Override
	public void run() {
		for (;;) {
			RegistryEvent<K, V> event;
			while ((event = this.pending.poll()) != null) {
				for (RegistryListener<K, V> listener : this.listeners) {
					try {
						listener.onEvent(event);
					}
					catch (Throwable ex) {
						// an Error too: one listener must not stop the events of every other
						logger.warn("Listener {} of registry '{}' failed on {}", listener, this.registry, event, ex);
					}
				}
			}
			this.draining.set(false);
			if (this.pending.isEmpty() || !this.draining.compareAndSet(false, true)) {
				return;
			}
		}
	}

}
