package dev.procreg.registry;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Pid;

/**
 * One registration as reads return it.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param key the key
 * @param pid the live process that registered it
 * @param value its value; {@code null} only for a process started under {@code via(key)}
 */
public record RegistryEntry<K, V>(K key, Pid pid, @Nullable V value) {
}
