package dev.procreg.registry;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

/**
 * Receives a registry's events, in the order they happened, on a thread of the registry's own:
 * never on the registering thread. A slow listener delays later events, not registrations.
 *
 * <pre>{@code
 * RegistryOptions.unique("sessions")
 *     .withListener(event -> log.info("{}", event))                  // a callback
 *     .withListener(RegistryListener.process(runtime, auditorPid));  // messages to a process
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface RegistryListener<K, V> {

	/**
	 * Called once per event.
	 * @param event the event
	 */
	void onEvent(RegistryEvent<K, V> event);

	/**
	 * A listener that sends each event as a message to a process, as Elixir's listeners do.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param runtime the runtime of the process
	 * @param pid the process
	 * @return the listener
	 */
	static <K, V> RegistryListener<K, V> process(ProcessRuntime runtime, Pid pid) {
		return (event) -> runtime.send(pid, event);
	}

}
