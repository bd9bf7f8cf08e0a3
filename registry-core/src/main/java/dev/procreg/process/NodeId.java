package dev.procreg.process;

import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One start of a node: its name and an incarnation drawn at random when the runtime starts,
 * Erlang's node name and creation. Every pid carries the node id of the runtime that made it, so
 * two JVMs never make equal pids, and the pids of a node's earlier run, restarted under the same
 * name, are not its processes: they address nobody ({@code noproc}).
 *
 * <p>Incarnation {@code 0} means "not known": a pid read back from text
 * ({@link Pid#parse(String)}, {@link Pid#of(String, long)}) has it, and a runtime resolves it
 * against its current incarnation.
 *
 * <pre>{@code
 * NodeId self = runtime.nodeId();           // node1#7350918201
 * self.name();                              // "node1"
 * }</pre>
 *
 * @param name the node name, unique in a cluster
 * @param incarnation which start of that node, or 0 when not known
 */
public record NodeId(String name, long incarnation) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	public NodeId {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("node name must not be null or blank");
		}
		if (incarnation < 0) {
			throw new IllegalArgumentException("incarnation must not be negative: " + incarnation);
		}
	}

	/**
	 * A new incarnation of a node: what a runtime takes when it starts.
	 * @param name the node name
	 * @return the node id, with a random positive incarnation
	 */
	public static NodeId newIncarnation(String name) {
		return new NodeId(name, 1 + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE - 1));
	}

	/**
	 * @param other another node id
	 * @return whether both name the same node, and the same start of it when both incarnations
	 * are known
	 */
	public boolean sameNodeAs(NodeId other) {
		return this.name.equals(other.name)
				&& (this.incarnation == other.incarnation || this.incarnation == 0 || other.incarnation == 0);
	}

	@Override
	public String toString() {
		return this.name + "#" + this.incarnation;
	}

}
