package dev.procreg.cluster.transport;

import java.io.Serial;

import dev.procreg.process.Signal;

/**
 * A signal encodes larger than the connection's frame limit
 * ({@link TransportOptions#maxFrameSize()}); it is not sent and the connection stays up.
 */
public class FrameTooLargeException extends SignalEncodingException {

	@Serial
	private static final long serialVersionUID = 1L;

	private final int limit;

	/**
	 * @param signalType the kind of signal
	 * @param limit the frame limit in bytes
	 */
	public FrameTooLargeException(Class<? extends Signal> signalType, int limit) {
		super("a " + signalType.getSimpleName() + " signal encodes larger than the frame limit of " + limit
				+ " bytes (maxFrameSize); it was not sent", signalType, null);
		this.limit = limit;
	}

	/** @return the frame limit in bytes */
	public int limit() {
		return this.limit;
	}

}
