package dev.procreg.supervisor;

/**
 * Hears the restarts and give-ups of every supervisor of a runtime, for operators' event feeds:
 * {@link SupervisionTree#observe(dev.procreg.process.ProcessRuntime, SupervisionObserver)}.
 *
 * <pre>{@code
 * Observation restarts = SupervisionTree.observe(runtime, (event) -> {
 *     if (event instanceof SupervisionEvent.GaveUp gaveUp) {
 *         alert(gaveUp.supervisor());
 *     }
 * });
 * }</pre>
 */
@FunctionalInterface
public interface SupervisionObserver {

	/**
	 * Called on the supervisor's own thread as the event happens. Must be short and must not
	 * block, and must not call the supervisor: the supervisor waits for it.
	 * @param event the event
	 */
	void observed(SupervisionEvent event);

}
