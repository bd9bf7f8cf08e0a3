package dev.procreg.supervisor;

/**
 * Whether a child is a worker or a supervisor, Elixir's {@code :type}; it decides the default
 * {@link Shutdown}.
 *
 * <pre>{@code
 * ChildSpec.of("pool", rt -> Supervisor.startLink(rt, Strategy.ONE_FOR_ONE, workers, options))
 *         .withType(ChildType.SUPERVISOR);
 * }</pre>
 */
public enum ChildType {

	/** A worker; default shutdown: 5 seconds. */
	WORKER,

	/** A supervisor; default shutdown: infinity, so that it can stop its own children. */
	SUPERVISOR

}
