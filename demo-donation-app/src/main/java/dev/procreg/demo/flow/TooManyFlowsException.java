package dev.procreg.demo.flow;

/**
 * A donor asked for one flow more than allowed.
 */
public class TooManyFlowsException extends RuntimeException {

	public TooManyFlowsException(String donorId, int max) {
		super("donor " + donorId + " already runs " + max + " flows, the most allowed (demo.flows.max-per-donor)");
	}

}
