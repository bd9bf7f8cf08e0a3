package dev.procreg.process;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;

/**
 * A runtime's side of its {@link Distribution}: what its processes do to processes of other nodes
 * leaves through here as {@link Signal}s, and what other nodes send comes in through here, on the
 * transport's thread. Only messages, calls' requests and signals cross; no process code runs on
 * the transport's thread (a call's request goes to the server's mailbox).
 *
 * <p>State kept per remote relation, each cleared by its normal end and by the node going down:
 * <ul>
 * <li>{@code calls}: calls waiting for another node's reply, by this node's reference;</li>
 * <li>{@code monitorsOut}: monitors local processes hold on other nodes' processes, by reference;</li>
 * <li>{@code monitorsIn}: monitors other nodes' processes hold on local ones (an exit hook each);</li>
 * <li>{@code links}: the remote processes each local process is linked to. A link is added and
 * its {@link Signal.Link} sent under the local process's lock, where its death also takes the
 * links, so a link is either seen by the death (which signals it) or refused as dead.</li>
 * </ul>
 */
final class RemoteSignals implements NodeLink {

	private static final Logger logger = LoggerFactory.getLogger(RemoteSignals.class);

	private static final AtomicLong REFS = new AtomicLong();

	private final ProcessRuntime runtime;

	private final Distribution distribution;

	/** The nodes connected now, by name: one incarnation each. */
	private final Map<String, NodeId> connected = new ConcurrentHashMap<>();

	private final Map<Long, PendingCall> calls = new ConcurrentHashMap<>();

	private final Map<Long, MonitorRef> monitorsOut = new ConcurrentHashMap<>();

	private final Map<Watch, WatchHook> monitorsIn = new ConcurrentHashMap<>();

	/** The remote pids each local process is linked to; a set is guarded by its process's lock. */
	private final Map<LocalProcess, Set<Pid>> links = new ConcurrentHashMap<>();

	RemoteSignals(ProcessRuntime runtime, Distribution distribution) {
		this.runtime = runtime;
		this.distribution = distribution;
	}

	/**
	 * @param pid a pid
	 * @return whether it names a process of another node that may be alive: not of this node,
	 * nor of an earlier run of a node connected now (such pids are nobody, {@code noproc})
	 */
	boolean isRemote(Pid pid) {
		if (pid.node().equals(this.runtime.node())) {
			return false;
		}
		long incarnation = pid.nodeId().incarnation();
		NodeId current = (incarnation != 0) ? this.connected.get(pid.node()) : null;
		return current == null || current.incarnation() == incarnation;
	}

	/** @return the incarnation of the named node connected now, if it is */
	@Nullable NodeId connected(String node) {
		return this.connected.get(node);
	}

	/**
	 * Sends a signal the runtime itself owes (an exit of a death, a Down, an answer): a signal
	 * that cannot be encoded (a reason not serializable) is logged, never thrown into the death or
	 * the transport's thread that owes it.
	 */
	private void quietly(NodeId node, Signal signal) {
		try {
			this.distribution.send(node, signal);
		}
		catch (RuntimeException ex) {
			logger.warn("Runtime {}: could not send {} to {}: {}", this.runtime.node(), signal, node, ex.getMessage());
		}
	}

	// ---- out: what local processes do to remote ones

	void send(Pid to, Object message) {
		this.distribution.send(to.nodeId(), new Signal.Send(to, message));
	}

	void sendNamed(NodeId node, String name, Object message) {
		this.distribution.send(node, new Signal.SendNamed(name, message));
	}

	boolean replicate(NodeId node, String channel, Object payload) {
		return this.distribution.send(node, new Signal.Replicate(channel, payload));
	}

	void cast(Pid to, Object request) {
		this.distribution.send(to.nodeId(), new Signal.Cast(to, request));
	}

	void exit(@Nullable Pid from, Pid to, ExitReason reason) {
		this.distribution.send(to.nodeId(),
				new Signal.ExitSignal(from, to, RemoteCrashException.portable(reason), false));
	}

	/**
	 * A call to a server of another node: waits on a pending call settled by the reply, a
	 * failure, the node going down ({@code noconnection}) or the deadline, whichever comes first.
	 */
	@Nullable Object call(Pid to, Object request, Name name, java.time.Duration timeout) {
		long nanos = ProcessRuntime.nanos(timeout);
		long start = System.nanoTime();
		LocalProcess caller = LocalProcess.current();
		Pid callerPid = (caller != null) ? caller.pid : null;
		Call call = new Call(request, callerPid);
		long ref = REFS.incrementAndGet();
		this.calls.put(ref, new PendingCall(call, to));
		try {
			if (!this.distribution.send(to.nodeId(), new Signal.CallRequest(ref, callerPid, to, request))) {
				call.fail(to, ExitReason.NOCONNECTION);
			}
			return call.await(name, start, nanos, timeout, 0L);
		}
		finally {
			this.calls.remove(ref);
		}
	}

	/** Links a live local process to a remote one; see the class comment for the lock. */
	void link(LocalProcess process, Pid other) {
		boolean lost;
		synchronized (process) {
			if (process.exitReason() != null) {
				return;
			}
			Set<Pid> linked = this.links.computeIfAbsent(process, (p) -> new HashSet<>(4));
			if (!linked.add(other)) {
				return;
			}
			process.remotelyLinked = true;
			lost = !this.distribution.send(other.nodeId(), new Signal.Link(process.pid, other));
			if (lost) {
				linked.remove(other);
			}
		}
		if (lost) {
			process.exitSignal(other, ExitReason.NOCONNECTION, true);
		}
	}

	void unlink(LocalProcess process, Pid other) {
		boolean removed;
		synchronized (process) {
			Set<Pid> linked = this.links.get(process);
			removed = linked != null && linked.remove(other);
		}
		if (removed) {
			this.distribution.send(other.nodeId(), new Signal.Unlink(process.pid, other));
		}
	}

	/**
	 * Takes a dying process's remote links; called under its lock, in the step that marks it dead.
	 * @return the remote processes to send the exit signal to
	 */
	@Nullable Set<Pid> takeLinks(LocalProcess process) {
		return this.links.remove(process);
	}

	/** @return the remote processes a local one is linked to; called under its lock */
	Set<Pid> linksOf(LocalProcess process) {
		Set<Pid> linked = this.links.get(process);
		return (linked != null) ? linked : Set.of();
	}

	/** Tells the remote processes linked to a dead local one; called after its exit hooks ran. */
	void exited(LocalProcess process, Set<Pid> linked, ExitReason reason) {
		for (Pid other : linked) {
			quietly(other.nodeId(), new Signal.ExitSignal(process.pid, other, RemoteCrashException.portable(reason), true));
		}
	}

	/** Starts a monitor of a remote process; called under the watcher's lock, with the ref recorded. */
	boolean monitor(MonitorRef ref) {
		this.monitorsOut.put(ref.serial, ref);
		if (this.distribution.send(ref.target.nodeId(), new Signal.Monitor(ref.serial, ref.watcher.pid, ref.target))) {
			return true;
		}
		this.monitorsOut.remove(ref.serial);
		return false;
	}

	/** @return whether the monitor was active */
	boolean demonitor(MonitorRef ref) {
		if (this.monitorsOut.remove(ref.serial) == null) {
			return false;
		}
		this.distribution.send(ref.target.nodeId(), new Signal.Demonitor(ref.serial, ref.target));
		return true;
	}

	// ---- in: what other nodes send

	@Override
	public NodeId node() {
		return this.runtime.nodeId();
	}

	@Override
	public void receive(NodeId from, Signal signal) {
		try {
			switch (signal) {
				case Signal.Send send -> {
					LocalProcess to = this.runtime.local(send.to());
					if (to != null) {
						to.deliverBounded(send.message());
					}
				}
				case Signal.SendNamed named -> {
					Pid pid = this.runtime.whereisOrNull(named.name());
					LocalProcess to = (pid != null) ? this.runtime.local(pid) : null;
					if (to != null) {
						to.deliverBounded(named.message());
					}
				}
				case Signal.Replicate replicate -> {
					dev.procreg.process.internal.Replica replica = this.runtime.replica(replicate.channel());
					if (replica != null) {
						replica.received(from, replicate.payload());
					}
				}
				case Signal.Cast cast -> {
					LocalProcess to = this.runtime.local(cast.to());
					if (to instanceof ServerProcess server) {
						server.cast(cast.request());
					}
					else if (to != null) {
						to.deliverBounded(cast.request());
					}
				}
				case Signal.CallRequest request -> callRequested(from, request);
				case Signal.CallReply reply -> {
					PendingCall pending = this.calls.get(reply.ref());
					if (pending != null) {
						pending.call.reply(reply.reply());
					}
				}
				case Signal.CallFailed failed -> {
					PendingCall pending = this.calls.get(failed.ref());
					if (pending != null) {
						pending.call.fail(failed.server(), failed.failure(), failed.reason());
					}
				}
				case Signal.ExitSignal exit -> exitSignalled(exit);
				case Signal.Link link -> linked(link);
				case Signal.Unlink unlink -> {
					LocalProcess to = this.runtime.local(unlink.to());
					if (to != null) {
						synchronized (to) {
							Set<Pid> linked = this.links.get(to);
							if (linked != null) {
								linked.remove(unlink.from());
							}
						}
					}
				}
				case Signal.Monitor monitor -> monitored(from, monitor);
				case Signal.Demonitor demonitor -> {
					WatchHook hook = this.monitorsIn.remove(new Watch(from, demonitor.ref()));
					LocalProcess target = (hook != null) ? this.runtime.local(demonitor.target()) : null;
					if (target != null) {
						target.detach(hook);
					}
				}
				case Signal.MonitorDown down -> {
					MonitorRef ref = this.monitorsOut.remove(down.ref());
					if (ref != null) {
						ref.watcher.monitorFired(ref);
						ref.watcher.deliver(new Down(ref, ref.target, down.reason()));
					}
				}
			}
		}
		catch (RuntimeException ex) {
			// one bad signal must not stop the connection's reader
			logger.error("Runtime {}: could not handle {} from {}", this.runtime.node(), signal, from, ex);
		}
	}

	private void callRequested(NodeId from, Signal.CallRequest request) {
		LocalProcess to = this.runtime.local(request.to());
		if (to == null || !to.isAlive()) {
			quietly(from, new Signal.CallFailed(request.ref(), request.to(),
					Signal.CallFailure.NO_PROCESS, ExitReason.NOPROC));
			return;
		}
		if (!(to instanceof ServerProcess server)) {
			quietly(from, new Signal.CallFailed(request.ref(), request.to(),
					Signal.CallFailure.NOT_A_SERVER, ExitReason.NOPROC));
			return;
		}
		RemoteCall call = new RemoteCall(from, request, server);
		if (!server.deliverCall(call)) {
			call.fail(server.pid, Signal.CallFailure.NO_PROCESS);
		}
	}

	private void exitSignalled(Signal.ExitSignal exit) {
		LocalProcess to = this.runtime.local(exit.to());
		if (to == null) {
			return;
		}
		if (exit.link()) {
			Pid from = exit.from();
			boolean wasLinked;
			synchronized (to) {
				Set<Pid> linked = this.links.get(to);
				wasLinked = linked != null && from != null && linked.remove(from);
			}
			if (wasLinked) {
				to.exitSignal(from, exit.reason(), true);
			}
		}
		else {
			to.exitSignal(exit.from(), exit.reason(), false);
		}
	}

	private void linked(Signal.Link link) {
		LocalProcess to = this.runtime.local(link.to());
		boolean alive = false;
		if (to != null) {
			synchronized (to) {
				if (to.exitReason() == null) {
					this.links.computeIfAbsent(to, (p) -> new HashSet<>(4)).add(link.from());
					to.remotelyLinked = true;
					alive = true;
				}
			}
		}
		if (!alive) {
			quietly(link.from().nodeId(), new Signal.ExitSignal(link.to(), link.from(), ExitReason.NOPROC, true));
		}
	}

	private void monitored(NodeId from, Signal.Monitor monitor) {
		LocalProcess target = this.runtime.local(monitor.target());
		if (target == null) {
			quietly(from, new Signal.MonitorDown(monitor.ref(), monitor.watcher(), monitor.target(), ExitReason.NOPROC));
			return;
		}
		WatchHook hook = new WatchHook(new Watch(from, monitor.ref()), monitor);
		this.monitorsIn.put(hook.watch, hook);
		target.attachOrRun(hook);
	}

	@Override
	public void nodeUp(NodeId node) {
		NodeId earlier = this.connected.get(node.name());
		if (earlier != null && !earlier.equals(node)) {
			nodeDown(earlier); // the node restarted: its earlier run is gone
		}
		if (this.connected.putIfAbsent(node.name(), node) == null) {
			for (dev.procreg.process.internal.Replica replica : this.runtime.replicas()) {
				replica.nodeUp(node);
			}
		}
	}

	@Override
	public void nodeDown(NodeId node) {
		this.connected.remove(node.name(), node);
		for (var calls = this.calls.values().iterator(); calls.hasNext();) {
			PendingCall pending = calls.next();
			if (pending.server.nodeId().sameNodeAs(node)) {
				pending.call.fail(pending.server, ExitReason.NOCONNECTION);
			}
		}
		for (var refs = this.monitorsOut.values().iterator(); refs.hasNext();) {
			MonitorRef ref = refs.next();
			if (ref.target.nodeId().sameNodeAs(node) && this.monitorsOut.remove(ref.serial, ref)) {
				ref.watcher.monitorFired(ref);
				ref.watcher.deliver(new Down(ref, ref.target, ExitReason.NOCONNECTION));
			}
		}
		for (var hooks = this.monitorsIn.values().iterator(); hooks.hasNext();) {
			WatchHook hook = hooks.next();
			if (hook.watch.node.sameNodeAs(node) && this.monitorsIn.remove(hook.watch, hook)) {
				LocalProcess target = this.runtime.local(hook.monitor.target());
				if (target != null) {
					target.detach(hook);
				}
			}
		}
		for (Map.Entry<LocalProcess, Set<Pid>> entry : this.links.entrySet()) {
			LocalProcess process = entry.getKey();
			List<Pid> lost = new ArrayList<>();
			synchronized (process) {
				entry.getValue().removeIf((pid) -> pid.nodeId().sameNodeAs(node) && lost.add(pid));
			}
			for (Pid pid : lost) {
				process.exitSignal(pid, ExitReason.NOCONNECTION, true);
			}
		}
		for (dev.procreg.process.internal.Replica replica : this.runtime.replicas()) {
			replica.nodeDown(node);
		}
	}

	@Override
	public Set<NodeId> connectedNodes() {
		return Set.copyOf(this.connected.values());
	}

	private record PendingCall(Call call, Pid server) {
	}

	/** A monitor held by another node's process: the watcher's node and its reference. */
	private record Watch(NodeId node, long ref) {
	}

	/** Attached to a local process another node's process monitors: tells that node of the exit. */
	private final class WatchHook extends ExitHook {

		final Watch watch;

		final Signal.Monitor monitor;

		WatchHook(Watch watch, Signal.Monitor monitor) {
			this.watch = watch;
			this.monitor = monitor;
		}

		@Override
		public boolean notifies() {
			return true;
		}

		@Override
		public @Nullable Pid watcher() {
			return this.monitor.watcher();
		}

		@Override
		protected void processExited(Owner process, ExitReason reason) {
			if (RemoteSignals.this.monitorsIn.remove(this.watch, this)) {
				RemoteSignals.this.quietly(this.watch.node,
						new Signal.MonitorDown(this.monitor.ref(), this.monitor.watcher(), this.monitor.target(),
								RemoteCrashException.portable(reason)));
			}
		}

		@Override
		protected void attachFailed(Owner process, ExitReason reason) {
			processExited(process, ExitReason.NOPROC);
		}

	}

	/**
	 * A call from another node's process, in the server's mailbox like a local one; its settling
	 * step sends the reply (or the server's exit) back instead of waking a local caller.
	 */
	private final class RemoteCall extends Call {

		private final NodeId from;

		private final long ref;

		private final ServerProcess server;

		RemoteCall(NodeId from, Signal.CallRequest request, ServerProcess server) {
			super(request.request(), request.caller());
			this.from = from;
			this.ref = request.ref();
			this.server = server;
		}

		@Override
		void settled(Object result) {
			super.settled(result);
			Signal answer;
			if (result instanceof Failure failure) {
				answer = new Signal.CallFailed(this.ref, failure.server(), failure.kind(),
						RemoteCrashException.portable(failure.reason()));
			}
			else {
				answer = new Signal.CallReply(this.ref, (result == NULL_REPLY) ? null : result);
			}
			try {
				RemoteSignals.this.distribution.send(this.from, answer);
			}
			catch (RuntimeException ex) {
				// the reply cannot travel (too large, not serializable): the caller is told, the server goes on
				logger.warn("Runtime {}: the reply of {} to {} could not be sent: {}",
						RemoteSignals.this.runtime.node(), this.server.pid, this.from, ex.getMessage());
				RemoteSignals.this.quietly(this.from, new Signal.CallFailed(this.ref, this.server.pid,
						Signal.CallFailure.UNDELIVERABLE, ExitReason.crash(RemoteCrashException.of(ex))));
			}
		}

	}

}
