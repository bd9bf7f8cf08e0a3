package dev.procreg.introspect;

import org.jspecify.annotations.Nullable;

/**
 * Turns a registry value into what an operator may see: a sanitizer that masks secrets, or a
 * renderer. {@link Introspection} calls it only for the entries of the page it returns, never
 * for every entry of a registry.
 *
 * <pre>{@code
 * ValueProjection masked = (registry, key, value) -> "******";
 * }</pre>
 */
@FunctionalInterface
public interface ValueProjection {

	/** Shows values as they are. */
	ValueProjection IDENTITY = (registry, key, value) -> value;

	/**
	 * @param registry the registry's name
	 * @param key the entry's key
	 * @param value the entry's value
	 * @return what to show
	 */
	@Nullable Object project(String registry, Object key, @Nullable Object value);

}
