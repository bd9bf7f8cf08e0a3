package dev.procreg.cluster.names;

import java.io.Serial;
import java.io.Serializable;

import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;

/**
 * Who holds a name: the owner process's node and serial, and when the claim was made (epoch
 * milliseconds on the owner's clock). Claims are values: two claims are the same claim when all
 * three parts are equal, which is what a conditional release compares.
 *
 * <pre>{@code
 * Claim claim = Claim.of(pid);                 // now
 * Claim existing = names.claim("sessions", "donor-42", claim);
 * if (existing != null) { ... already held by existing.pid() ... }
 * }</pre>
 *
 * @param node the owner's node and incarnation (never 0)
 * @param serial the owner pid's serial on that node
 * @param time when the claim was made, epoch milliseconds on the owner's clock
 */
public record Claim(NodeId node, long serial, long time) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	public Claim {
		if (node == null) {
			throw new IllegalArgumentException("node must not be null");
		}
		if (node.incarnation() == 0) {
			throw new IllegalArgumentException("a claim's node incarnation must be known, got 0 for node " + node.name());
		}
		if (serial < 0) {
			throw new IllegalArgumentException("serial must not be negative: " + serial);
		}
		if (time < 0) {
			throw new IllegalArgumentException("time must not be negative: " + time);
		}
	}

	/**
	 * A claim by a process, made now.
	 * @param owner the process that takes the name; its node incarnation must be known
	 * @return the claim
	 */
	public static Claim of(Pid owner) {
		if (owner == null) {
			throw new IllegalArgumentException("owner must not be null");
		}
		return new Claim(owner.nodeId(), owner.serial(), System.currentTimeMillis());
	}

	/**
	 * @return the owner's pid
	 */
	public Pid pid() {
		return Pid.of(this.node, this.serial);
	}

	@Override
	public String toString() {
		return "<" + this.node + "." + this.serial + ">@" + this.time;
	}

}
