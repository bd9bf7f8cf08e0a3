package dev.procreg.process;

import java.time.Duration;

/**
 * Thrown when a call got no reply in time. A reply that comes later is dropped: it never reaches
 * the caller's mailbox.
 */
public class CallTimeoutException extends ProcessException {

	public CallTimeoutException(Name name, Duration timeout) {
		super("call to " + name + " timed out after " + timeout.toMillis() + " ms");
	}

}
