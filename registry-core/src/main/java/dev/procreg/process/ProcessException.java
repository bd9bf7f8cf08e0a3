package dev.procreg.process;

import org.jspecify.annotations.Nullable;

/**
 * Base class of the exceptions thrown when a process cannot be reached or did not answer.
 */
public class ProcessException extends RuntimeException {

	public ProcessException(String message) {
		super(message);
	}

	public ProcessException(String message, Throwable cause) {
		super(message, cause);
	}

	protected ProcessException(@Nullable String message, @Nullable Throwable cause, boolean writableStackTrace) {
		super(message, cause, true, writableStackTrace);
	}

}
