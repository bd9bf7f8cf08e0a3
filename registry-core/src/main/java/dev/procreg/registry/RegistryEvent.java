package dev.procreg.registry;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;

/**
 * What a {@link RegistryListener} is told: every registration and every unregistration,
 * including those caused by the owner's exit, with the exit reason.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public sealed interface RegistryEvent<K, V> {

	/** @return the name of the registry */
	String registry();

	/** @return the key */
	K key();

	/** @return the process */
	Pid pid();

	/**
	 * A process registered.
	 *
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param registry the registry's name
	 * @param key the key
	 * @param pid the process
	 * @param value its value
	 */
	record Registered<K, V>(String registry, K key, Pid pid, @Nullable V value) implements RegistryEvent<K, V> {
	}

	/**
	 * A registration ended.
	 *
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param registry the registry's name
	 * @param key the key
	 * @param pid the process
	 * @param exitReason the owner's exit reason when it ended because the owner exited;
	 * {@code null} when the owner unregistered
	 */
	record Unregistered<K, V>(String registry, K key, Pid pid, @Nullable ExitReason exitReason)
			implements RegistryEvent<K, V> {

		/** @return whether the owner's exit ended the registration */
		public boolean byExit() {
			return this.exitReason != null;
		}

	}

}
