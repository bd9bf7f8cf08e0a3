package dev.procreg.process;

import org.jspecify.annotations.Nullable;

/**
 * Anything that addresses a process: a {@link Pid}, a registered name ({@link #of(String)}), or a
 * via name made by a registry ({@code registry.via(key)}).
 *
 * <p>Every operation that addresses a process (send, call, cast, exit, monitor, starting a
 * server under a name) takes a {@code Name} and resolves it at the moment of use, so a name
 * whose process died and was restarted reaches the new process.
 *
 * <pre>{@code
 * GenServer.start(runtime, new RateLimiter(), null, Name.of("rate-limiter"));
 * runtime.call(Name.of("rate-limiter"), new Check("donor-1"));
 * }</pre>
 */
public interface Name {

	/**
	 * A name registered in the runtime with {@link ProcessRuntime#register(String, Pid)}.
	 * @param name the name, not blank
	 * @return the name
	 */
	static RegisteredName of(String name) {
		return new RegisteredName(name);
	}

	/**
	 * The process this name stands for now.
	 * @param runtime the runtime the name is used in
	 * @return the pid, or {@code null} when nothing is registered under the name; a pid names
	 * itself even once dead
	 */
	@Nullable Pid resolve(ProcessRuntime runtime);

}
