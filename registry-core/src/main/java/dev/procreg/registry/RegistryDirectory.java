package dev.procreg.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ProcessRuntime;

/** The registries of each runtime, by name, so via names and operators can find them. */
final class RegistryDirectory {

	private static final Map<ProcessRuntime, Map<String, ProcessRegistry<?, ?>>> byRuntime = new WeakHashMap<>();

	private RegistryDirectory() {
	}

	static synchronized void add(ProcessRuntime runtime, ProcessRegistry<?, ?> registry) {
		Map<String, ProcessRegistry<?, ?>> registries = byRuntime.computeIfAbsent(runtime,
				(key) -> new LinkedHashMap<>());
		if (registries.containsKey(registry.name())) {
			throw new IllegalStateException(
					"runtime " + runtime.node() + " already has a registry named '" + registry.name() + "'");
		}
		registries.put(registry.name(), registry);
	}

	static synchronized @Nullable ProcessRegistry<?, ?> find(ProcessRuntime runtime, String name) {
		Map<String, ProcessRegistry<?, ?>> registries = byRuntime.get(runtime);
		return (registries != null) ? registries.get(name) : null;
	}

	static synchronized List<ProcessRegistry<?, ?>> all(ProcessRuntime runtime) {
		Map<String, ProcessRegistry<?, ?>> registries = byRuntime.get(runtime);
		return (registries != null) ? List.copyOf(new ArrayList<>(registries.values())) : List.of();
	}

}
