package dev.procreg.cluster.hazelcast;

import java.io.Serial;
import java.io.Serializable;
import java.util.Map;
import java.util.Set;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.query.Predicate;

import dev.procreg.cluster.names.Claim;
import dev.procreg.cluster.names.ClaimKey;
import dev.procreg.process.NodeId;

/**
 * Removes the claims of departed nodes where they are stored, each removal atomic with the check
 * that the claim still belongs to such a node, so a claim put since by a live node stays. As the
 * predicate it selects the entries; as the processor it removes them and answers true.
 *
 * @param departed the nodes whose claims go, or empty to remove those of every node not in
 * {@code live}
 * @param live the nodes whose claims stay, when {@code departed} is empty
 */
record ClaimRemoval(Set<NodeId> departed, Set<NodeId> live)
		implements EntryProcessor<ClaimKey, Claim, Boolean>, Predicate<ClaimKey, Claim>, Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	static ClaimRemoval of(NodeId departed) {
		return new ClaimRemoval(Set.of(departed), Set.of());
	}

	static ClaimRemoval allBut(Set<NodeId> live) {
		return new ClaimRemoval(Set.of(), Set.copyOf(live));
	}

	@Override
	public boolean apply(Map.Entry<ClaimKey, Claim> entry) {
		Claim claim = entry.getValue();
		return claim != null && removes(claim);
	}

	@Override
	public Boolean process(Map.Entry<ClaimKey, Claim> entry) {
		Claim claim = entry.getValue();
		if (claim == null || !removes(claim)) {
			return Boolean.FALSE;
		}
		entry.setValue(null);
		return Boolean.TRUE;
	}

	private boolean removes(Claim claim) {
		return this.departed.isEmpty() ? !this.live.contains(claim.node()) : this.departed.contains(claim.node());
	}

}
