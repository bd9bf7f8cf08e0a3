package dev.procreg.registry;

import org.jspecify.annotations.Nullable;

/**
 * The result of {@link ProcessRegistry#updateValue}.
 *
 * @param <V> the value type
 * @param newValue the value now registered
 * @param oldValue the value before
 */
public record ValueUpdate<V>(V newValue, @Nullable V oldValue) {
}
