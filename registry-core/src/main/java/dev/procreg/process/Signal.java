package dev.procreg.process;

import java.io.Serializable;

import org.jspecify.annotations.Nullable;

/**
 * What one node's runtime tells another's, Erlang's distribution protocol: every message and
 * signal addressed to a process of another node travels as one of these, through the
 * {@link Distribution}, in order per pair of nodes. A transport encodes them; nothing else does.
 *
 * <p>References ({@code ref}) are chosen by the node that opened the exchange (the caller, the
 * watcher) and are unique there; the receiving node reads them only together with the node they
 * came from.
 */
public sealed interface Signal extends Serializable {

	/**
	 * A message to a process, Erlang's {@code send}.
	 * @param to the receiver
	 * @param message the message
	 */
	record Send(Pid to, Object message) implements Signal {
	}

	/**
	 * A message to the process registered under a name on the receiving node, Erlang's
	 * {@code {Name, Node} ! Message}; dropped when no process has the name.
	 * @param name the registered name
	 * @param message the message
	 */
	record SendNamed(String name, Object message) implements Signal {
	}

	/**
	 * State a core component (a group scope, a clustered registry) mirrors to the same component
	 * of another node; dropped when the receiving node has no such channel.
	 * @param channel the component's channel, the same on every node
	 * @param payload what it mirrors
	 */
	record Replicate(String channel, Object payload) implements Signal {
	}

	/**
	 * A cast to a server (a plain process gets the request as a message).
	 * @param to the server
	 * @param request the request
	 */
	record Cast(Pid to, Object request) implements Signal {
	}

	/**
	 * A call: the receiving node hands the request to the server's mailbox and answers with
	 * {@link CallReply} or {@link CallFailed}, never both.
	 * @param ref the caller node's reference of the call
	 * @param caller the calling process, or null for a plain thread
	 * @param to the server
	 * @param request the request
	 */
	record CallRequest(long ref, @Nullable Pid caller, Pid to, Object request) implements Signal {
	}

	/**
	 * The reply to a {@link CallRequest}.
	 * @param ref the call's reference
	 * @param reply the reply, may be null
	 */
	record CallReply(long ref, @Nullable Object reply) implements Signal {
	}

	/**
	 * A {@link CallRequest} that got no reply.
	 * @param ref the call's reference
	 * @param server the server called
	 * @param failure why
	 * @param reason the server's exit reason when it exited, else {@code noproc}
	 */
	record CallFailed(long ref, Pid server, CallFailure failure, ExitReason reason) implements Signal {
	}

	/** Why a remote call got no reply. */
	enum CallFailure {

		/** No live process had the pid when the request arrived. */
		NO_PROCESS,

		/** The process is not a {@link GenServer}. */
		NOT_A_SERVER,

		/** The server exited before it replied. */
		EXITED,

		/** The server replied, but its reply could not be sent (too large, not serializable). */
		UNDELIVERABLE

	}

	/**
	 * An exit signal: from a linked process's death ({@code link}), or sent with
	 * {@link ProcessRuntime#exit(Name, ExitReason)}.
	 * @param from the sender, or null when no process sent it
	 * @param to the receiver
	 * @param reason the reason
	 * @param link whether it comes from a link (ignored when the link is gone)
	 */
	record ExitSignal(@Nullable Pid from, Pid to, ExitReason reason, boolean link) implements Signal {
	}

	/**
	 * Links two processes; the receiving node answers a dead {@code to} with an exit signal
	 * {@code noproc}.
	 * @param from the process that links
	 * @param to the process it links to
	 */
	record Link(Pid from, Pid to) implements Signal {
	}

	/**
	 * Removes a link.
	 * @param from the process that unlinks
	 * @param to the process it unlinks from
	 */
	record Unlink(Pid from, Pid to) implements Signal {
	}

	/**
	 * Starts a monitor: the receiving node answers once with {@link MonitorDown}, at once with
	 * {@code noproc} when the target is not alive.
	 * @param ref the watcher node's reference of the monitor
	 * @param watcher the watching process
	 * @param target the watched process
	 */
	record Monitor(long ref, Pid watcher, Pid target) implements Signal {
	}

	/**
	 * Ends a monitor.
	 * @param ref the monitor's reference
	 * @param target the watched process
	 */
	record Demonitor(long ref, Pid target) implements Signal {
	}

	/**
	 * A monitored process exited.
	 * @param ref the monitor's reference
	 * @param watcher the watching process
	 * @param target the process that exited
	 * @param reason its exit reason
	 */
	record MonitorDown(long ref, Pid watcher, Pid target, ExitReason reason) implements Signal {
	}

}
