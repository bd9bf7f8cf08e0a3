package dev.procreg.process;

/**
 * An observer registered with the runtime or one of its components; close it to stop observing.
 * Closing twice does nothing.
 *
 * <pre>{@code
 * try (Observation exits = runtime.observeExits(exit -> log.info("{} exited", exit.pid()))) {
 *     ...
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Observation extends AutoCloseable {

	/** Stops observing; what is being delivered at this moment may still arrive. */
	@Override
	void close();

}
