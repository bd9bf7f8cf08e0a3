package dev.procreg.registry;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Pid;

/**
 * The outcome of {@link ProcessRegistry#updateValue}, Elixir's {@code {new, old}} or
 * {@code :error}: only the key's owner may update its value, and another process asking is an
 * ordinary outcome to handle, not a bug.
 *
 * <pre>{@code
 * switch (sessions.updateValue("donor-123", info -> info.touch())) {
 *     case ValueUpdate.Updated<SessionInfo>(SessionInfo now, SessionInfo before) -> log(now);
 *     case ValueUpdate.NotOwner<SessionInfo>(Pid owner) -> forwardTo(owner);
 * }
 * }</pre>
 *
 * @param <V> the value type
 */
public sealed interface ValueUpdate<V> {

	/**
	 * The calling process owns the key and its value was replaced.
	 *
	 * @param <V> the value type
	 * @param newValue the value now registered
	 * @param oldValue the value before
	 */
	record Updated<V>(V newValue, @Nullable V oldValue) implements ValueUpdate<V> {
	}

	/**
	 * The calling process does not own the key; nothing changed.
	 *
	 * @param <V> the value type
	 * @param owner the live process that owns it, or {@code null} when no live process does
	 */
	record NotOwner<V>(@Nullable Pid owner) implements ValueUpdate<V> {
	}

}
