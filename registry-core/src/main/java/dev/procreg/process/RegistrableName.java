package dev.procreg.process;

/**
 * A {@link Name} under which a process can be started: a {@link RegisteredName} or a registry's
 * via name ({@code registry.via(key)}). Starting a server under it registers the new process
 * before its {@code init} runs.
 *
 * <pre>{@code
 * GenServer.start(runtime, new RateLimiter(), null, Name.of("rate-limiter"));
 * GenServer.start(runtime, new Session(), null, sessions.via("donor-123"));
 * }</pre>
 */
public interface RegistrableName extends Name {

}
