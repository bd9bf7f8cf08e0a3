package dev.procreg.process.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

/**
 * What the core's other packages ask of a {@link ProcessRuntime} beyond its public API: the named
 * components built on it (registries, group scopes, keyed workers, the supervisor index), so that
 * via names and operators find them by name, and the ordered stop of top-level supervisors when it
 * closes. The runtime installs the access when its class loads.
 */
public final class Runtimes {

	private static volatile @Nullable Access access;

	private Runtimes() {
	}

	/**
	 * Installs the runtime's side; once, by {@link ProcessRuntime}'s class initializer.
	 * @param installed the access
	 */
	public static void install(Access installed) {
		synchronized (Runtimes.class) {
			if (access != null) {
				throw new IllegalStateException("the runtime access is installed already");
			}
			access = installed;
		}
	}

	private static Access access() {
		Access current = access;
		if (current == null) {
			throw new IllegalStateException("ProcessRuntime is not loaded");
		}
		return current;
	}

	/**
	 * Records a component built on a runtime under a name, so that it can be found by name.
	 * @param <T> the component's kind
	 * @param runtime the runtime
	 * @param kind the kind, such as {@code ProcessRegistry.class}
	 * @param name the name, unique per kind
	 * @param component the component
	 * @return whether it was recorded; {@code false} when the kind has a component of that name
	 */
	public static <T> boolean addComponent(ProcessRuntime runtime, Class<T> kind, String name, T component) {
		return access().addComponent(runtime, kind, name, component);
	}

	/**
	 * @param <T> the component's kind
	 * @param runtime the runtime
	 * @param kind the kind
	 * @param name the name
	 * @return the component of that kind and name
	 */
	public static <T> Optional<T> component(ProcessRuntime runtime, Class<T> kind, String name) {
		return access().component(runtime, kind, name);
	}

	/**
	 * @param <T> the component's kind
	 * @param runtime the runtime
	 * @param kind the kind
	 * @return the components of that kind, in the order they were added
	 */
	public static <T> List<T> components(ProcessRuntime runtime, Class<T> kind) {
		return access().components(runtime, kind);
	}

	/**
	 * Asks the runtime's {@code close()} to stop a process before all others, in reverse order of
	 * these calls: a top-level supervisor registers itself when it starts. On close the process
	 * gets {@code shutdown} and up to {@code timeout} to exit; then it is killed. The entry goes
	 * away when the process exits.
	 * @param runtime the runtime
	 * @param pid a process of the runtime
	 * @param timeout how long {@code close} waits for it; {@code null} for the runtime's shutdown
	 * timeout
	 */
	public static void stopInOrderOnClose(ProcessRuntime runtime, Pid pid, @Nullable Duration timeout) {
		access().stopInOrderOnClose(runtime, pid, timeout);
	}

	/** The runtime's side of these operations. */
	/**
	 * Registers a component that mirrors its state to other nodes; see {@link Replica}. Works
	 * before the runtime is distributed too: the replica then hears of the nodes as they connect.
	 * @param runtime the runtime
	 * @param channel the channel's name, the same on every node, unique per runtime
	 * @param replica the component
	 * @return how it sends
	 * @throws IllegalStateException when the channel has a replica already
	 */
	public static Replication replicate(ProcessRuntime runtime, String channel, Replica replica) {
		return access().replicate(runtime, channel, replica);
	}

	public interface Access {

		Replication replicate(ProcessRuntime runtime, String channel, Replica replica);


		<T> boolean addComponent(ProcessRuntime runtime, Class<T> kind, String name, T component);

		<T> Optional<T> component(ProcessRuntime runtime, Class<T> kind, String name);

		<T> List<T> components(ProcessRuntime runtime, Class<T> kind);

		void stopInOrderOnClose(ProcessRuntime runtime, Pid pid, @Nullable Duration timeout);

	}

}
