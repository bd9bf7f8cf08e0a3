package dev.procreg.process;

import java.io.Serial;
import java.io.Serializable;

import org.jspecify.annotations.Nullable;

/**
 * The identity of a process: the node it runs on ({@link NodeId}: a name and the incarnation of
 * the runtime that made it) and a serial that is never reused.
 *
 * <p>Two pids are equal when node name, incarnation and serial are equal. A pid is also a
 * {@link Name}: sending to it addresses exactly that process, on this node or another one, and
 * sending to a dead pid is a silent no-op, as in Erlang. The text form {@code <node.serial>}
 * leaves out the incarnation; a pid read back from it resolves against the node's current run.
 *
 * <pre>{@code
 * Pid pid = runtime.spawn(ctx -> System.out.println(ctx.receive()));
 * runtime.send(pid, "hello");      // prints hello
 * pid.toString();                   // "<local.42>"
 * }</pre>
 */
public final class Pid implements Name, Comparable<Pid>, Serializable {

	@Serial
	private static final long serialVersionUID = 2L;

	private final NodeId node;

	private final long serial;

	/** The process itself while this pid was made by a runtime in this JVM; null once deserialized. */
	final transient @Nullable LocalProcess process;

	Pid(NodeId node, long serial, @Nullable LocalProcess process) {
		this.node = node;
		this.serial = serial;
		this.process = process;
	}

	/**
	 * A pid of a known node incarnation, as a transport reads it off the wire; it is never bound
	 * to a local process object, so a runtime resolves it by node and serial.
	 * @param node the node and its incarnation
	 * @param serial the serial on that node
	 * @return the pid
	 */
	public static Pid of(NodeId node, long serial) {
		if (node == null) {
			throw new IllegalArgumentException("node must not be null");
		}
		if (serial < 0) {
			throw new IllegalArgumentException("serial must not be negative: " + serial);
		}
		return new Pid(node, serial, null);
	}

	/**
	 * A pid read back from storage or typed by an operator: its incarnation is not known, so a
	 * runtime resolves it against the named node's current run.
	 * @param node the node name
	 * @param serial the serial on that node
	 * @return the pid
	 */
	public static Pid of(String node, long serial) {
		if (node == null || node.isBlank()) {
			throw new IllegalArgumentException("node must not be null or blank");
		}
		return of(new NodeId(node, 0), serial);
	}

	/**
	 * Reads a pid back from its text, as {@link #toString()} writes it ({@code <node.serial>}) or
	 * without the angle brackets ({@code node.serial}). The node name may itself contain dots;
	 * the serial is what follows the last one. The pid may belong to any node.
	 * <pre>{@code
	 * Pid pid = Pid.parse("<local.42>");   // node "local", serial 42
	 * }</pre>
	 * @param text the text
	 * @return the pid
	 * @throws IllegalArgumentException when the text is no pid, naming what is wrong
	 */
	public static Pid parse(String text) {
		if (text == null) {
			throw new IllegalArgumentException("pid text must not be null");
		}
		String bare = text.trim();
		if (bare.startsWith("<") && bare.endsWith(">")) {
			bare = bare.substring(1, bare.length() - 1);
		}
		int dot = bare.lastIndexOf('.');
		if (dot <= 0 || dot == bare.length() - 1) {
			throw new IllegalArgumentException("'" + text + "' is not a pid: expected <node.serial>, such as <local.42>");
		}
		long serial;
		try {
			serial = Long.parseLong(bare.substring(dot + 1));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(
					"'" + text + "' is not a pid: the serial after the last dot must be a number", ex);
		}
		if (serial < 0) {
			throw new IllegalArgumentException("'" + text + "' is not a pid: the serial must not be negative");
		}
		return of(bare.substring(0, dot), serial);
	}

	/** @return the name of the node this process runs on */
	public String node() {
		return this.node.name();
	}

	/** @return the node this process runs on, with the incarnation of the runtime that made it */
	public NodeId nodeId() {
		return this.node;
	}

	/** @return the serial, unique on its node */
	public long serial() {
		return this.serial;
	}

	/**
	 * {@inheritDoc} A pid of a known incarnation is itself; one of another node read back from
	 * text takes the incarnation that node runs as now, when the runtime is connected to it.
	 */
	@Override
	public Pid resolve(ProcessRuntime runtime) {
		// a pid bound to its process was made by a runtime: qualified, with no load of its node
		return (this.process != null || this.node.incarnation() != 0) ? this : runtime.qualify(this);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Pid that && this.serial == that.serial
				&& (this.node == that.node || this.node.equals(that.node));
	}

	@Override
	public int hashCode() {
		// not scrambled: serials are handed out in order, so the pids of processes spawned one
		// after another fill neighbouring slots of a hash table (the runtime's process table)
		// instead of a cache line each; distinct serials of one node never collide
		return Long.hashCode(this.serial) ^ this.node.name().hashCode();
	}

	@Override
	public int compareTo(Pid other) {
		int byNode = this.node.name().compareTo(other.node.name());
		if (byNode == 0) {
			byNode = Long.compare(this.node.incarnation(), other.node.incarnation());
		}
		return (byNode != 0) ? byNode : Long.compare(this.serial, other.serial);
	}

	@Override
	public String toString() {
		return "<" + this.node.name() + "." + this.serial + ">";
	}

}
