package dev.procreg.registry;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Observation;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.internal.Runtimes;

/**
 * The listeners that hear every registry of one runtime, present and future, kept as a component
 * of the runtime: each registry reads {@link #dispatcher} once per event, {@code null} (nothing
 * to do) while nobody observes.
 */
final class RegistryObservers {

	private static final String NAME = "registry-observers";

	private final List<RegistryListener<Object, Object>> listeners = new ArrayList<>();

	/** Replaced whenever the listeners change; events already handed to an old one still arrive. */
	volatile @Nullable EventDispatcher<Object, Object> dispatcher;

	static RegistryObservers of(ProcessRuntime runtime) {
		RegistryObservers observers = Runtimes.component(runtime, RegistryObservers.class, NAME).orElse(null);
		if (observers != null) {
			return observers;
		}
		Runtimes.addComponent(runtime, RegistryObservers.class, NAME, new RegistryObservers());
		return Runtimes.component(runtime, RegistryObservers.class, NAME).orElseThrow();
	}

	Observation observe(RegistryListener<Object, Object> listener) {
		synchronized (this.listeners) {
			this.listeners.add(listener);
			rebuild();
		}
		return () -> {
			synchronized (this.listeners) {
				if (this.listeners.remove(listener)) {
					rebuild();
				}
			}
		};
	}

	private void rebuild() {
		this.dispatcher = this.listeners.isEmpty() ? null : new EventDispatcher<>("*", this.listeners);
	}

}
