package dev.procreg.boot.autoconfigure;

import dev.procreg.cluster.membership.DuplicateNodeException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup refused because another live member of the cluster has this node's name.
 */
class DuplicateNodeFailureAnalyzer extends AbstractFailureAnalyzer<DuplicateNodeException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DuplicateNodeException cause) {
		String name = cause.refused().name();
		return new FailureAnalysis(
				"This node could not join the cluster: its name '" + name + "' is already used by the live member "
						+ cause.existing() + ". Node names are unique in a cluster.",
				"Give every node its own name with process-registry.node (it is '" + name
						+ "' here), or stop the other node first.",
				cause);
	}

}
