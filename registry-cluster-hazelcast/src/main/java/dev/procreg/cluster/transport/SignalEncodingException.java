package dev.procreg.cluster.transport;

import java.io.Serial;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Signal;

/**
 * A signal that cannot go to another node: its codec cannot encode it (a message that is not
 * serializable, for the default codec), or it encodes larger than the frame limit. Thrown to the
 * sender; the connection stays up.
 */
public class SignalEncodingException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	private final Class<? extends Signal> signalType;

	/**
	 * @param message what went wrong
	 * @param signalType the kind of signal
	 * @param cause the codec's failure, if any
	 */
	public SignalEncodingException(String message, Class<? extends Signal> signalType, @Nullable Throwable cause) {
		super(message, cause);
		this.signalType = signalType;
	}

	/** @return the kind of signal that could not be sent */
	public Class<? extends Signal> signalType() {
		return this.signalType;
	}

}
