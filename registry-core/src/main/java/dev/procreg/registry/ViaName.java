package dev.procreg.registry;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.RegistrableName;
import dev.procreg.process.internal.NameRegistrars;
import dev.procreg.process.internal.Owner;
import dev.procreg.process.internal.Runtimes;

/**
 * A name that stands for whatever live process holds a unique key, Elixir's via tuple. Made by
 * {@link ProcessRegistry#via(Object)}, or by {@link #of(String, Object)} to refer to a registry by
 * name, resolved when used. Accepted everywhere a {@link dev.procreg.process.Name} is: start a
 * server under it, send, call, cast, exit, monitor.
 *
 * <pre>{@code
 * GenServer.start(runtime, new Session(), null, sessions.via("donor-123"));
 * runtime.call(ViaName.of("sessions", "donor-123"), new Donate(100_000, "IDR"));
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ViaName<K, V> implements RegistrableName {

	static {
		NameRegistrars.install(ViaName.class, (name, process) -> ((ViaName<?, ?>) name).register(process));
	}

	private final @Nullable ProcessRegistry<K, V> registry;

	private final @Nullable String registryName;

	private final K key;

	private final @Nullable V value;

	ViaName(ProcessRegistry<K, V> registry, K key, @Nullable V value) {
		this.registry = registry;
		this.registryName = null;
		this.key = key;
		this.value = value;
	}

	private ViaName(String registryName, K key) {
		this.registry = null;
		this.registryName = registryName;
		this.key = key;
		this.value = null;
	}

	/**
	 * A via name that finds its registry by name when used, so it can be made before the
	 * registry exists; using it when the runtime has no such registry throws.
	 * @param <K> the key type
	 * @param registryName the registry's name
	 * @param key the key
	 * @return the name
	 */
	public static <K> ViaName<K, Object> of(String registryName, K key) {
		if (registryName == null || registryName.isBlank()) {
			throw new IllegalArgumentException("registry name must not be null or blank");
		}
		return new ViaName<>(registryName, Objects.requireNonNull(key, "key must not be null"));
	}

	/** @return the key */
	public K key() {
		return this.key;
	}

	@Override
	public @Nullable Pid resolve(ProcessRuntime runtime) {
		return registryIn(runtime).whereisOrNull(this.key);
	}

	/** Registers a server that has not run any code yet under this name, as it starts. */
	private @Nullable Pid register(Owner process) {
		return registryIn(process.runtime()).register(process, this.key, this.value);
	}

	@SuppressWarnings("unchecked")
	private ProcessRegistry<K, V> registryIn(ProcessRuntime runtime) {
		if (this.registry != null) {
			if (this.registry.runtime() != runtime) {
				throw new IllegalArgumentException(
						"via name " + this + " belongs to runtime " + this.registry.runtime().node() + ", not to this one");
			}
			return this.registry;
		}
		ProcessRegistry<?, ?> found = Runtimes.component(runtime, ProcessRegistry.class, this.registryName).orElse(null);
		if (found == null) {
			throw new IllegalArgumentException("unknown registry '" + this.registryName + "' in via name " + this
					+ ": runtime " + runtime.node() + " has no registry of that name");
		}
		if (found.keys() != Keys.UNIQUE) {
			throw new IllegalStateException("registry '" + this.registryName
					+ "' has duplicate keys; a via name needs a registry with unique keys");
		}
		return (ProcessRegistry<K, V>) found;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ViaName<?, ?> that && Objects.equals(registryName(), that.registryName())
				&& this.key.equals(that.key);
	}

	@Override
	public int hashCode() {
		return Objects.hash(registryName(), this.key);
	}

	private String registryName() {
		return (this.registry != null) ? this.registry.name() : Objects.requireNonNull(this.registryName);
	}

	@Override
	public String toString() {
		return "via(" + registryName() + ", " + this.key + ")";
	}

}
