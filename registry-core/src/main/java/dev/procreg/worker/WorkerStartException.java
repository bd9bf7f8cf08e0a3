package dev.procreg.worker;

import java.io.Serial;

/**
 * A keyed worker could not be started: its {@code init} failed or ignored the start, its type
 * runs its maximum of instances, or its supervisor is not running.
 */
public class WorkerStartException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * @param message what happened
	 */
	public WorkerStartException(String message) {
		super(message);
	}

	/**
	 * @param message what happened
	 * @param cause why
	 */
	public WorkerStartException(String message, Throwable cause) {
		super(message, cause);
	}

}
