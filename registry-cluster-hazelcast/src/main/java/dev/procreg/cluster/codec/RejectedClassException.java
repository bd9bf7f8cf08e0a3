package dev.procreg.cluster.codec;

import java.io.InvalidClassException;
import java.io.Serial;

/**
 * A peer sent a signal carrying a class this node's codec does not accept; the signal is dropped.
 */
public class RejectedClassException extends InvalidClassException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * @param className the class refused
	 */
	public RejectedClassException(String className) {
		super(className, "not in the codec's allow-list of packages");
	}

}
