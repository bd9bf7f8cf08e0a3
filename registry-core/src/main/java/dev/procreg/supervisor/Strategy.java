package dev.procreg.supervisor;

/**
 * What a {@link Supervisor} does when a child exits and must be restarted, Elixir's
 * {@code :strategy}.
 *
 * <pre>{@code
 * Supervisor.start(runtime, Strategy.REST_FOR_ONE, List.of(database, cache, api), Supervisor.Options.defaults());
 * }</pre>
 */
public enum Strategy {

	/** Restart only the child that exited. */
	ONE_FOR_ONE,

	/** Stop every other child (in reverse start order), then start them all again in order. */
	ONE_FOR_ALL,

	/**
	 * Stop the children started after the one that exited (in reverse order), then start it and
	 * them again in order.
	 */
	REST_FOR_ONE

}
