package dev.procreg.process;

import org.jspecify.annotations.Nullable;

/**
 * A name registered in a {@link ProcessRuntime}, Erlang's {@code register/2}: the pattern for
 * application-wide singletons such as a rate limiter.
 *
 * @param name the name
 */
public record RegisteredName(String name) implements RegistrableName {

	public RegisteredName {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("a registered name must not be null or blank");
		}
	}

	@Override
	public @Nullable Pid resolve(ProcessRuntime runtime) {
		return runtime.whereisOrNull(this.name);
	}

	@Override
	public String toString() {
		return this.name;
	}

}
