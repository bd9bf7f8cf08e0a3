package dev.procreg.process;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.NameRegistrars;
import dev.procreg.process.internal.Owner;
import dev.procreg.process.internal.Replica;
import dev.procreg.process.internal.Replication;
import dev.procreg.process.internal.Runtimes;

/**
 * Where processes live: spawns them, delivers messages, calls servers, keeps registered names,
 * and ends every process when closed. Several runtimes may live in one JVM; pids are unique
 * across all of them.
 *
 * <pre>{@code
 * try (ProcessRuntime runtime = ProcessRuntime.start()) {
 *     Pid greeter = runtime.spawn(ctx -> {
 *         if (ctx.receive() instanceof Hello(Pid from)) {
 *             ctx.send(from, "hello, " + from);
 *         }
 *     });
 *     runtime.register("greeter", greeter);
 *     runtime.send(Name.of("greeter"), new Hello(...));
 * }
 * }</pre>
 *
 * <p>Every method may be called from any thread, including threads that run no process (a
 * servlet request thread): {@code send}, {@code call} and {@code cast} work from anywhere, while
 * {@code spawnLink}, {@code spawnMonitor} and {@code startLink} need a calling process to link or
 * monitor.
 */
public final class ProcessRuntime implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ProcessRuntime.class);

	/** Serials are unique in the JVM, so pids of two runtimes with the same node name never clash. */
	private static final AtomicLong SERIALS = new AtomicLong();

	/** Elixir's default call timeout. */
	public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);

	static {
		Runtimes.install(new Runtimes.Access() {

			@Override
			public <T> boolean addComponent(ProcessRuntime runtime, Class<T> kind, String name, T component) {
				return runtime.addComponent(kind, name, component);
			}

			@Override
			public <T> Optional<T> component(ProcessRuntime runtime, Class<T> kind, String name) {
				return runtime.component(kind, name);
			}

			@Override
			public <T> List<T> components(ProcessRuntime runtime, Class<T> kind) {
				return runtime.components(kind);
			}

			@Override
			public void stopInOrderOnClose(ProcessRuntime runtime, Pid pid, @Nullable Duration timeout) {
				runtime.stopInOrderOnClose(pid, timeout);
			}

			@Override
			public Replication replicate(ProcessRuntime runtime, String channel, Replica replica) {
				return runtime.replicate(channel, replica);
			}

		});
	}

	private final Options options;

	/** Every process not yet exited: what close() ends, processes() lists, a pid read from text finds. */
	private final LocalProcess.Table processes = new LocalProcess.Table();

	final NameTable names = new NameTable();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final long startedAt = System.currentTimeMillis();

	/** Messages handled by processes that exited, so that totals do not drop when processes die. */
	private final LongAdder exitedMessages = new LongAdder();

	private static final ExitObserver[] NO_OBSERVERS = {};

	/** Copied on write: an exit reads it once. */
	private volatile ExitObserver[] exitObservers = NO_OBSERVERS;

	private volatile @Nullable ScheduledThreadPoolExecutor scheduler;

	/** Named components built on this runtime (registries, group scopes), by kind, in start order. */
	private final Map<Class<?>, Map<String, Object>> components = new HashMap<>();

	/** Processes that {@link #close()} stops one by one, newest first, before all others. */
	private final java.util.concurrent.ConcurrentLinkedDeque<OrderedStop> orderedStops = new java.util.concurrent.ConcurrentLinkedDeque<>();

	/** This start of the node: every pid made here carries it. */
	private final NodeId nodeId;

	/** Set once, by {@link #distribute}: how signals reach other nodes. */
	private volatile @Nullable RemoteSignals remote;

	/**
	 * The clock by which a server's linger follows its clients ({@link SpinWait#nextLinger}): how
	 * long the server went without a thread, from its thread's release to the next message.
	 * {@link System#nanoTime()}, or a test's clock.
	 */
	private final LongSupplier lingerClock;

	private ProcessRuntime(Options options, LongSupplier lingerClock) {
		this.options = options;
		this.nodeId = NodeId.newIncarnation(options.node());
		this.lingerClock = lingerClock;
	}

	/**
	 * Starts a runtime with node name {@code local} and a 5 second shutdown timeout.
	 * @return the runtime
	 */
	public static ProcessRuntime start() {
		return start(Options.defaults());
	}

	/**
	 * Starts a runtime.
	 * @param options the options
	 * @return the runtime
	 */
	public static ProcessRuntime start(Options options) {
		return start(options, System::nanoTime);
	}

	/**
	 * A runtime whose servers time their threads' releases and next messages by
	 * {@code lingerClock}, so that a test decides how long a server went without a thread.
	 */
	static ProcessRuntime start(Options options, LongSupplier lingerClock) {
		return new ProcessRuntime(Objects.requireNonNull(options, "options"),
				Objects.requireNonNull(lingerClock, "lingerClock"));
	}

	/** @return the time by the clock the servers' lingers follow, in nanoseconds */
	long lingerClock() {
		return this.lingerClock.getAsLong();
	}

	/** @return this runtime's node name, carried by every pid it makes */
	public String node() {
		return this.options.node();
	}

	/** @return this runtime's node and incarnation, carried by every pid it makes */
	public NodeId nodeId() {
		return this.nodeId;
	}

	/**
	 * Connects this runtime to other nodes: from now on every message and signal to a pid of
	 * another node (send, cast, call, exit, link, monitor) goes through the distribution, and the
	 * returned {@link NodeLink} takes what arrives. A transport calls this once, when it starts.
	 * Without a distribution, a pid of another node is nobody: a send to it is dropped, a monitor
	 * of it says {@code noproc}.
	 * <pre>{@code
	 * NodeLink link = runtime.distribute(transport);   // transport: a Distribution
	 * transport.start(link);                           // hands it what arrives
	 * }</pre>
	 * @param distribution the transport's sending side
	 * @return the runtime's receiving side
	 * @throws IllegalStateException when the runtime has a distribution already, or is closed
	 */
	public NodeLink distribute(Distribution distribution) {
		Objects.requireNonNull(distribution, "distribution must not be null");
		synchronized (this) {
			ensureOpen();
			if (this.remote != null) {
				throw new IllegalStateException("runtime " + node() + " is distributed already");
			}
			RemoteSignals signals = new RemoteSignals(this, distribution);
			this.remote = signals;
			return signals;
		}
	}

	/** Components mirroring their state to other nodes, by channel. */
	private final Map<String, Replica> replicas = new java.util.concurrent.ConcurrentHashMap<>();

	private Replication replicate(String channel, Replica replica) {
		Objects.requireNonNull(channel, "channel must not be null");
		Objects.requireNonNull(replica, "replica must not be null");
		RemoteSignals signals;
		synchronized (this) {
			if (this.replicas.putIfAbsent(channel, replica) != null) {
				throw new IllegalStateException("runtime " + node() + " replicates channel '" + channel + "' already");
			}
			signals = this.remote;
		}
		if (signals != null) {
			for (NodeId node : signals.connectedNodes()) {
				replica.nodeUp(node);
			}
		}
		return new Replication() {

			@Override
			public boolean send(NodeId node, Object payload) {
				RemoteSignals current = ProcessRuntime.this.remote;
				return current != null && current.replicate(node, channel, payload);
			}

			@Override
			public void broadcast(Object payload) {
				RemoteSignals current = ProcessRuntime.this.remote;
				if (current != null) {
					for (NodeId node : current.connectedNodes()) {
						current.replicate(node, channel, payload);
					}
				}
			}

			@Override
			public java.util.Set<NodeId> connectedNodes() {
				return ProcessRuntime.this.connectedNodes();
			}

		};
	}

	@Nullable Replica replica(String channel) {
		return this.replicas.get(channel);
	}

	java.util.Collection<Replica> replicas() {
		return this.replicas.values();
	}

	/** @return the nodes this runtime is connected to now; empty without a distribution */
	public java.util.Set<NodeId> connectedNodes() {
		RemoteSignals signals = this.remote;
		return (signals != null) ? signals.connectedNodes() : java.util.Set.of();
	}

	// ---- spawning

	/**
	 * Starts a process running {@code body} on a virtual thread of its own.
	 * @param body the process's code
	 * @return its pid
	 */
	public Pid spawn(ProcessBody body) {
		LocalProcess.currentAlive("spawn");
		ThreadProcess process = newThreadProcess(body);
		process.start();
		return process.pid;
	}

	/**
	 * Starts a process linked to the calling process.
	 * @param body the process's code
	 * @return its pid
	 * @throws IllegalStateException when not called from a process
	 */
	public Pid spawnLink(ProcessBody body) {
		LocalProcess parent = requireCurrent("spawnLink");
		ThreadProcess process = newThreadProcess(body);
		process.parent = parent.pid;
		parent.link(process);
		if (!parent.isAlive()) {
			// the parent died after the check and before the link: the child would be an orphan
			process.exit(ExitReason.KILLED);
			parent.checkAlive("spawnLink");
		}
		process.start();
		return process.pid;
	}

	/**
	 * Starts a process monitored by the calling process.
	 * @param body the process's code
	 * @return its pid and the monitor's reference
	 * @throws IllegalStateException when not called from a process
	 */
	public SpawnedMonitor spawnMonitor(ProcessBody body) {
		LocalProcess watcher = requireCurrent("spawnMonitor");
		ThreadProcess process = newThreadProcess(body);
		MonitorRef ref = watcher.monitor(process.pid);
		process.start();
		return new SpawnedMonitor(process.pid, ref);
	}

	private ThreadProcess newThreadProcess(ProcessBody body) {
		Objects.requireNonNull(body, "body must not be null");
		ensureOpen();
		ThreadProcess process = new ThreadProcess(this, SERIALS.incrementAndGet(), body);
		admit(process);
		return process;
	}

	/**
	 * Enters a process that has run no code yet in the process table, where {@link #close()}
	 * finds it. A close that began meanwhile may not have seen it (it reads the table after
	 * marking the runtime closed; this reads the mark after writing the table, so one of the two
	 * sees the other): the process then ends here, unstarted, and the spawn fails.
	 */
	private void admit(LocalProcess process) {
		ProcessFaults.beforeAdmit();
		this.processes.add(process);
		if (this.closed.get()) {
			process.exit(ExitReason.SHUTDOWN);
			throw new IllegalStateException("runtime " + node() + " is closed");
		}
	}

	StartResult startServer(GenServer<?> server, @Nullable Object arg, @Nullable RegistrableName name, boolean link) {
		return startServer(server, arg, name, link, null);
	}

	StartResult startServer(GenServer<?> server, @Nullable Object arg, @Nullable RegistrableName name, boolean link,
			@Nullable Duration idleShutdown) {
		Objects.requireNonNull(server, "server must not be null");
		ensureOpen();
		LocalProcess parent = link ? requireCurrent("startLink") : null;
		if (parent == null) {
			LocalProcess.currentAlive("start");
		}
		ServerProcess process = new ServerProcess(this, SERIALS.incrementAndGet(), server);
		process.idleShutdown = idleShutdown;
		admit(process);
		if (name != null) {
			Pid owner;
			try {
				owner = claim(name, process);
			}
			catch (RuntimeException ex) {
				process.exit(ExitReason.NORMAL);
				throw ex;
			}
			if (owner != null) {
				process.exit(ExitReason.NORMAL);
				return new StartResult.AlreadyStarted(owner);
			}
		}
		if (parent != null) {
			process.parent = parent.pid;
			parent.link(process);
		}
		return process.init(arg);
	}

	// ---- messaging

	/**
	 * Sends a message, Erlang's {@code send/2}. Sending to a dead pid is a silent no-op.
	 * @param name the receiver: a pid, a registered name or a via name
	 * @param message the message, not null
	 * @throws NoProcessException when a name resolves to no process
	 */
	public void send(Name name, Object message) {
		Objects.requireNonNull(message, "message must not be null");
		LocalProcess sender = LocalProcess.currentAlive("send");
		Pid pid = resolveOrThrow(name);
		LocalProcess process = local(pid);
		if (process == null) {
			RemoteSignals signals = remote(pid);
			if (signals != null) {
				signals.send(pid, message);
			}
		}
		else if (process.deliverBounded(message) && sender instanceof ThreadProcess from
				&& process.runnableNotRunning()) {
			from.sentToRunnable();
		}
	}

	/**
	 * Calls a server with Elixir's default timeout of 5 seconds.
	 * @param <R> the reply's type, as the caller expects it
	 * @param name the server
	 * @param request the request, not null
	 * @return the reply
	 * @see #call(Name, Object, Duration)
	 */
	public <R> R call(Name name, Object request) {
		return call(name, request, DEFAULT_CALL_TIMEOUT);
	}

	/**
	 * Calls a server and waits for its reply.
	 * @param <R> the reply's type, as the caller expects it
	 * @param name the server
	 * @param request the request, not null
	 * @param timeout how long to wait
	 * @return the reply
	 * @throws NoProcessException at once, when the name resolves to no live process
	 * @throws ProcessExitException at once, when the server exits before replying
	 * @throws CallTimeoutException at the deadline when no reply came in time, whatever the
	 * handler is doing; a later reply is dropped. The handler runs on the server's own thread, so
	 * nothing of the calling thread (its thread-locals, MDC, interrupt, locks) reaches it
	 * @throws ProcessException when the calling thread is interrupted while it waits; the
	 * interrupt stays set on the caller and never reaches the server, and a later reply is dropped
	 * @throws IllegalArgumentException when the process is not a {@link GenServer}
	 */
	@SuppressWarnings("unchecked")
	public <R> R call(Name name, Object request, Duration timeout) {
		Objects.requireNonNull(request, "request must not be null");
		long nanos = nanos(timeout);
		// the caller found once, and handed on
		LocalProcess caller = LocalProcess.currentAlive("call");
		Pid pid = resolveOrThrow(name);
		LocalProcess process = local(pid);
		if (process == null) {
			RemoteSignals signals = remote(pid);
			if (signals != null) {
				return (R) signals.call(pid, request, name, timeout);
			}
		}
		if (process == null || !process.isAlive()) {
			throw new NoProcessException(name, "no process: " + name + " is not alive");
		}
		if (!(process instanceof ServerProcess server)) {
			throw new IllegalArgumentException(name + " is not a GenServer; send it a message instead");
		}
		return (R) server.call(caller, request, name, timeout, nanos);
	}

	/**
	 * Casts a request to a server: fire and forget. Like Elixir, casting to a name that resolves
	 * to nothing, or to a dead process, does nothing, and so does a via name whose registry this
	 * runtime does not have (Elixir's {@code GenServer.cast} returns {@code :ok} there too; a
	 * {@code send} or {@code call} to it throws). A plain process receives the request as a message.
	 * @param name the server
	 * @param request the request, not null
	 */
	public void cast(Name name, Object request) {
		Objects.requireNonNull(request, "request must not be null");
		Objects.requireNonNull(name, "name must not be null");
		LocalProcess.currentAlive("cast");
		Pid pid;
		try {
			pid = name.resolve(this);
		}
		catch (IllegalArgumentException unresolvable) {
			// an unknown registry in a via name: a cast never fails on its address
			logger.debug("Cast to {} dropped: {}", name, unresolvable.getMessage());
			return;
		}
		LocalProcess process = (pid != null) ? local(pid) : null;
		RemoteSignals signals;
		if (process instanceof ServerProcess server) {
			server.cast(request);
		}
		else if (process == null && pid != null && (signals = remote(pid)) != null) {
			signals.cast(pid, request);
		}
		else if (process != null) {
			process.deliverBounded(request);
		}
	}

	/**
	 * Stops a process and waits until it has exited: a server runs {@code terminate} with the
	 * reason, Elixir's {@code GenServer.stop/3}.
	 * @param name the process
	 * @param reason the reason
	 * @param timeout how long to wait
	 * @throws NoProcessException when no live process has the name
	 * @throws CallTimeoutException when it did not exit in time (it keeps running)
	 */
	public void stop(Name name, ExitReason reason, Duration timeout) {
		Objects.requireNonNull(reason, "reason must not be null");
		Objects.requireNonNull(timeout, "timeout must not be null");
		LocalProcess.currentAlive("stop");
		LocalProcess process = local(resolveOrThrow(name));
		if (process == null || !process.isAlive()) {
			throw new NoProcessException(name, "no process: " + name + " is not alive");
		}
		ExitLatch latch = new ExitLatch();
		if (!process.attach(latch)) {
			return;
		}
		if (process instanceof ServerProcess server) {
			server.stopGracefully(reason);
		}
		else {
			process.exit(reason);
		}
		if (!latch.await(timeout)) {
			process.detach(latch);
			throw new CallTimeoutException(name, timeout);
		}
	}

	/**
	 * Waits until a process has exited, without a mailbox: usable from any thread, including a
	 * server's callback (a supervisor waiting for a child to shut down).
	 * @param pid the process
	 * @param timeout how long to wait
	 * @return whether it is dead now
	 */
	public boolean awaitExit(Pid pid, Duration timeout) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		LocalProcess process = local(Objects.requireNonNull(pid, "pid must not be null"));
		if (process == null || !process.isAlive()) {
			return true; // dead already: no latch to make, no lock to take
		}
		ExitLatch latch = new ExitLatch();
		if (!process.attach(latch)) {
			return true;
		}
		if (latch.await(timeout)) {
			return true;
		}
		process.detach(latch);
		return !process.isAlive();
	}

	/**
	 * Calls a listener once when a process exits, after it is gone from every registry, group
	 * and name: the way for code outside the process to release what the process held (a slot of
	 * a limit, a status shown to operators). Unlike {@link ProcessContext#monitor(Name)} it needs
	 * no process and no mailbox. When the process is dead already, or is not a process of this
	 * runtime, the listener is called at once, on the calling thread.
	 * <pre>{@code
	 * ExitSubscription watch = runtime.onExit(worker, (pid, reason) -> slots.release());
	 * watch.cancel(); // when the exit no longer matters
	 * }</pre>
	 * @param pid the process
	 * @param listener what to call; short and non-blocking, it runs on the exiting thread
	 * @return the subscription, to cancel
	 */
	public ExitSubscription onExit(Pid pid, ExitListener listener) {
		Objects.requireNonNull(pid, "pid must not be null");
		Objects.requireNonNull(listener, "listener must not be null");
		return ExitSubscription.attach(this, pid, listener);
	}

	/**
	 * Waits until the thread of an exited process has left the process's code. A process is dead
	 * for every observer from the moment it exits, but a killed process's thread may still be
	 * inside its code (a handler that ignores interrupts, or blocks in non-interruptible I/O or
	 * on a lock) until that code returns. A supervisor waits for this before it restarts a child,
	 * so that a killed singleton and its replacement never run at the same time.
	 * @param pid an exited process (for a live one this waits for it to exit and leave)
	 * @param timeout how long to wait at most
	 * @return whether no thread runs the process's code any more
	 */
	public boolean awaitThreadLeft(Pid pid, Duration timeout) {
		long nanos = nanos(timeout);
		LocalProcess process = local(Objects.requireNonNull(pid, "pid must not be null"));
		if (process == null) {
			return true;
		}
		long start = System.nanoTime();
		if (!awaitExit(pid, timeout)) {
			return false;
		}
		return process.awaitCodeLeft(Math.max(0, nanos - (System.nanoTime() - start)));
	}

	/**
	 * Sends an exit signal, Erlang's {@code exit/2}: {@link ExitReason#KILL} ends the process
	 * whatever it does; other reasons end a process that does not trap exits, or arrive as an
	 * {@link Exit} message; {@code normal} is ignored by a process that does not trap exits.
	 * @param name the process
	 * @param reason the reason
	 * @throws NoProcessException when a name resolves to no process
	 */
	public void exit(Name name, ExitReason reason) {
		Objects.requireNonNull(reason, "reason must not be null");
		LocalProcess sender = LocalProcess.currentAlive("exit");
		Pid pid = resolveOrThrow(name);
		LocalProcess process = local(pid);
		RemoteSignals signals;
		if (process != null) {
			process.exitSignal((sender != null) ? sender.pid : null, reason, false);
		}
		else if ((signals = remote(pid)) != null) {
			signals.exit((sender != null) ? sender.pid : null, pid, reason);
		}
	}

	// ---- information

	/**
	 * @param pid a process
	 * @return whether it is alive; false for a pid this runtime does not know
	 */
	public boolean isAlive(Pid pid) {
		LocalProcess process = local(pid);
		return process != null && process.isAlive();
	}

	/**
	 * @param pid a process
	 * @return a snapshot of it, or empty when it is not alive
	 */
	public Optional<ProcessInfo> processInfo(Pid pid) {
		LocalProcess process = local(pid);
		return (process != null && process.isAlive()) ? Optional.of(process.info()) : Optional.empty();
	}

	/**
	 * The number of messages waiting in a process's mailbox, in O(1) and without building a
	 * {@link ProcessInfo}: what a metrics gauge reads.
	 * @param pid a process
	 * @return its mailbox length, or empty when it is not alive
	 */
	public OptionalInt mailboxLength(Pid pid) {
		LocalProcess process = local(Objects.requireNonNull(pid, "pid must not be null"));
		return (process != null && process.isAlive()) ? OptionalInt.of(process.mailboxLength()) : OptionalInt.empty();
	}

	/** @return the live processes, in pid order */
	public List<Pid> processes() {
		List<Pid> pids = new ArrayList<>();
		this.processes.forEach((process) -> {
			if (process.isAlive()) {
				pids.add(process.pid);
			}
		});
		pids.sort(null);
		return pids;
	}

	/**
	 * @return the number of live processes, counted in the process table: O(processes), about a
	 * millisecond for a million, so that a spawn need not update a shared count
	 */
	public int processCount() {
		return this.processes.size();
	}

	/** @return when this runtime started */
	public Instant startedAt() {
		return Instant.ofEpochMilli(this.startedAt);
	}

	/**
	 * A reading of one live process for operators' tables, without a message to it.
	 * @param pid a process
	 * @return the reading, or empty when it is not a live process of this runtime
	 */
	public Optional<ProcessSummary> summary(Pid pid) {
		LocalProcess process = local(Objects.requireNonNull(pid, "pid must not be null"));
		return (process != null && process.isAlive()) ? Optional.of(process.summary(true)) : Optional.empty();
	}

	/**
	 * A reading of every live process, in no particular order: what a sorted process table is
	 * built from. O(processes); build it once and share it rather than once per viewer.
	 * @param withNames whether each reading carries the process's names and keys (one short hold
	 * of each process's lock); without, the readings carry empty names, and nothing is locked
	 * @return the readings
	 */
	public List<ProcessSummary> summaries(boolean withNames) {
		List<ProcessSummary> summaries = new ArrayList<>();
		this.processes.forEach((process) -> {
			if (process.isAlive()) {
				summaries.add(process.summary(withNames));
			}
		});
		return summaries;
	}

	/**
	 * The runtime's running totals, for a sampler that turns them into rates: O(processes), reading
	 * plain per-process counters (no process is asked, no lock taken, nothing allocated per
	 * process).
	 * @return the totals now
	 */
	public Totals totals() {
		long[] handled = { this.exitedMessages.sum() };
		int[] longest = { 0 };
		Pid[] longestPid = { null };
		int[] count = { 0 };
		this.processes.forEach((process) -> {
			if (process.isAlive()) {
				count[0]++;
				handled[0] += process.messagesHandled();
				int length = process.mailboxLength();
				if (length > longest[0]) {
					longest[0] = length;
					longestPid[0] = process.pid;
				}
			}
		});
		return new Totals(count[0], handled[0], longest[0], longestPid[0]);
	}

	/**
	 * A runtime's running totals.
	 *
	 * @param processes live processes
	 * @param messagesHandled messages taken from mailboxes since the runtime started, by live and
	 * exited processes
	 * @param longestMailbox the longest mailbox now
	 * @param longestMailboxPid whose it is, or {@code null} when every mailbox is empty
	 */
	public record Totals(int processes, long messagesHandled, int longestMailbox, @Nullable Pid longestMailboxPid) {
	}

	/**
	 * Observes every exit of this runtime's processes from now on, for operators' event feeds.
	 * @param observer what to call on each exit (on the exiting thread; short and non-blocking)
	 * @return the observation, to close
	 */
	public Observation observeExits(ExitObserver observer) {
		Objects.requireNonNull(observer, "observer must not be null");
		synchronized (this.orderedStops) {
			ExitObserver[] current = this.exitObservers;
			ExitObserver[] next = Arrays.copyOf(current, current.length + 1);
			next[current.length] = observer;
			this.exitObservers = next;
		}
		return () -> {
			synchronized (this.orderedStops) {
				this.exitObservers = Arrays.stream(this.exitObservers)
					.filter((candidate) -> candidate != observer)
					.toArray(ExitObserver[]::new);
			}
		};
	}

	boolean observesExits() {
		return this.exitObservers.length > 0;
	}

	void exitObserved(LocalProcess process, ExitReason reason, List<String> names) {
		ExitObserver[] observers = this.exitObservers;
		if (observers.length == 0) {
			return;
		}
		ProcessExit exit = new ProcessExit(process.pid, reason, process.parent, List.copyOf(names));
		for (ExitObserver observer : observers) {
			try {
				observer.exited(exit);
			}
			catch (Throwable ex) {
				logger.warn("Exit observer {} failed on {}", observer, exit, ex);
			}
		}
	}

	/**
	 * The pid of the process whose code the calling thread runs.
	 * @return the pid, or empty on a thread that runs no process
	 */
	public Optional<Pid> self() {
		LocalProcess current = LocalProcess.current();
		return (current != null && current.runtime() == this) ? Optional.of(current.pid) : Optional.empty();
	}

	// ---- registered names

	/**
	 * Registers a name for a live process, Erlang's {@code register/2}. The name is released when
	 * the process exits. As in Erlang, a process holds at most one registered name; a process that
	 * needs several names takes them as keys of a {@code ProcessRegistry}.
	 * @param name the name, not blank
	 * @param pid a live process of this runtime
	 * @throws IllegalArgumentException when the process is not alive
	 * @throws IllegalStateException when another live process holds the name, or the process
	 * already holds another name (Erlang's {@code badarg})
	 */
	public void register(String name, Pid pid) {
		RegisteredName checked = new RegisteredName(name);
		Objects.requireNonNull(pid, "pid must not be null");
		LocalProcess.currentAlive("register");
		LocalProcess process = local(pid);
		if (process == null || !process.isAlive()) {
			throw new IllegalArgumentException("cannot register '" + name + "': " + pid + " is not alive");
		}
		Pid owner = this.names.register(checked.name(), process);
		if (owner != null) {
			throw new IllegalStateException("name '" + name + "' is already registered to " + owner);
		}
	}

	/**
	 * Removes a registered name.
	 * @param name the name
	 * @return whether a live process held it
	 */
	public boolean unregister(String name) {
		LocalProcess.currentAlive("unregister");
		return this.names.unregister(Objects.requireNonNull(name, "name must not be null"));
	}

	/**
	 * @param name a registered name
	 * @return the live process registered under it
	 */
	public Optional<Pid> whereis(String name) {
		return Optional.ofNullable(whereisOrNull(name));
	}

	@Nullable Pid whereisOrNull(String name) {
		return this.names.whereis(name);
	}

	/** @return the registered names of live processes, sorted */
	public List<String> registered() {
		return this.names.names();
	}

	/**
	 * Asks {@link #close()} to stop a process before all others, in reverse order of these calls:
	 * a top-level supervisor registers itself when it starts, so that closing the runtime stops
	 * supervisors in reverse start order. On close the process gets {@code shutdown} (a server
	 * runs {@code terminate}) and up to {@code timeout} to exit; then it is killed. The entry goes
	 * away when the process exits.
	 * @param pid a process of this runtime
	 * @param timeout how long {@code close} waits for it; {@code null} for the runtime's shutdown
	 * timeout
	 */
	void stopInOrderOnClose(Pid pid, @Nullable Duration timeout) {
		LocalProcess process = local(Objects.requireNonNull(pid, "pid must not be null"));
		if (process == null) {
			throw new IllegalArgumentException(pid + " is not a process of runtime " + node());
		}
		OrderedStop stop = new OrderedStop(process, (timeout != null) ? timeout : this.options.shutdownTimeout());
		this.orderedStops.addLast(stop);
		process.attachOrRun(stop);
	}

	// ---- named components

	/**
	 * Records a component built on this runtime under a name, so that it can be found by name:
	 * via names find their registry this way, operators list every registry and scope.
	 * @param <T> the component's kind
	 * @param kind the kind, such as {@code ProcessRegistry.class}
	 * @param name the name, unique per kind
	 * @param component the component
	 * @return whether it was recorded; {@code false} when the kind has a component of that name
	 */
	<T> boolean addComponent(Class<T> kind, String name, T component) {
		Objects.requireNonNull(component, "component must not be null");
		synchronized (this.components) {
			return this.components.computeIfAbsent(kind, (key) -> new LinkedHashMap<>())
				.putIfAbsent(name, component) == null;
		}
	}

	/**
	 * @param <T> the component's kind
	 * @param kind the kind
	 * @param name the name
	 * @return the component of that kind and name
	 */
	<T> Optional<T> component(Class<T> kind, String name) {
		synchronized (this.components) {
			Map<String, Object> byName = this.components.get(kind);
			return Optional.ofNullable((byName != null) ? kind.cast(byName.get(name)) : null);
		}
	}

	/**
	 * @param <T> the component's kind
	 * @param kind the kind
	 * @return the components of that kind, in the order they were added
	 */
	<T> List<T> components(Class<T> kind) {
		synchronized (this.components) {
			Map<String, Object> byName = this.components.get(kind);
			return (byName != null) ? byName.values().stream().map(kind::cast).toList() : List.of();
		}
	}

	// ---- internals shared with the processes

	@Nullable LocalProcess local(Pid pid) {
		LocalProcess process = pid.process;
		if (process != null && process.runtime() == this) {
			return process;
		}
		NodeId node = pid.nodeId();
		return (node == this.nodeId || node.sameNodeAs(this.nodeId)) ? this.processes.find(pid.serial()) : null;
	}

	/**
	 * A pid read back from text, with the incarnation its node runs as now when this runtime is
	 * connected to it; a pid of this node stays as it is ({@link #local} finds it by serial).
	 */
	Pid qualify(Pid pid) {
		if (pid.node().equals(node())) {
			return pid;
		}
		RemoteSignals signals = this.remote;
		NodeId current = (signals != null) ? signals.connected(pid.node()) : null;
		return (current != null) ? new Pid(current, pid.serial(), null) : pid;
	}

	/**
	 * @param pid a pid that is no local process
	 * @return the distribution to reach it by, or {@code null} when it is a pid of this node (or
	 * of an earlier run of it), or this runtime has no distribution
	 */
	@Nullable RemoteSignals remote(Pid pid) {
		RemoteSignals signals = this.remote;
		return (signals != null && signals.isRemote(pid)) ? signals : null;
	}

	/** @return the distribution, which a process linked to another node's process has */
	RemoteSignals remoteSignals() {
		return Objects.requireNonNull(this.remote, "no distribution");
	}

	/**
	 * A timeout in nanoseconds, refusing what a caller cannot have meant: null, negative. One too
	 * long for a {@code long} of nanoseconds (about 292 years) is for ever.
	 */
	static long nanos(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative: " + timeout);
		}
		try {
			return timeout.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	/** Registers a process that has not run any code yet under the name it starts under. */
	private @Nullable Pid claim(RegistrableName name, LocalProcess process) {
		if (name instanceof RegisteredName registered) {
			return this.names.register(registered.name(), process);
		}
		return NameRegistrars.register(name, process);
	}

	Pid resolveOrThrow(Name name) {
		Objects.requireNonNull(name, "name must not be null");
		Pid pid = name.resolve(this);
		if (pid == null) {
			throw new NoProcessException(name, "no process is registered as " + name);
		}
		return pid;
	}

	void schedule(ServerProcess process) {
		Thread.startVirtualThread(process);
	}

	ScheduledThreadPoolExecutor scheduler() {
		ScheduledThreadPoolExecutor current = this.scheduler;
		if (current == null) {
			synchronized (this) {
				current = this.scheduler;
				if (current == null) {
					current = new ScheduledThreadPoolExecutor(1, (task) -> {
						Thread thread = new Thread(task, "procreg-timers-" + node());
						thread.setDaemon(true);
						return thread;
					});
					current.setRemoveOnCancelPolicy(true);
					this.scheduler = current;
				}
			}
		}
		return current;
	}

	void processExited(LocalProcess process) {
		this.processes.remove(process);
		long handled = process.messagesHandled();
		if (handled != 0) {
			// most short-lived processes handled nothing: no write to the shared counter
			this.exitedMessages.add(handled);
		}
	}

	private LocalProcess requireCurrent(String operation) {
		return (LocalProcess) Owner.currentOf(this, operation);
	}

	private void ensureOpen() {
		if (this.closed.get()) {
			throw new IllegalStateException("runtime " + node() + " is closed");
		}
	}

	/** @return whether {@link #close()} was called */
	public boolean isClosed() {
		return this.closed.get();
	}

	// ---- shutdown

	/**
	 * Ends every process: each gets an exit signal {@code shutdown} (a server runs
	 * {@code terminate}), and whatever is still alive after the shutdown timeout is killed.
	 * Returns when every process has exited. Calling it again does nothing. Processes registered
	 * with {@link #stopInOrderOnClose} (top-level supervisors) are stopped first, one at a time,
	 * newest first.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		for (var stops = this.orderedStops.descendingIterator(); stops.hasNext();) {
			OrderedStop stop = stops.next();
			try {
				stop.process.shutdown();
				if (!awaitExit(stop.process.pid, stop.timeout)) {
					logger.warn("Runtime {}: {} still running after {} ms; killing it", node(), stop.process.pid,
							stop.timeout.toMillis());
					stop.process.exit(ExitReason.KILLED);
				}
			}
			catch (Throwable ex) {
				// close always completes: what this stop left alive is killed below
				logger.error("Runtime {}: could not stop {} in order", node(), stop.process.pid, ex);
			}
		}
		List<LocalProcess> alive = new ArrayList<>();
		this.processes.forEach(alive::add);
		CountDownLatch exited = new CountDownLatch(alive.size());
		for (LocalProcess process : alive) {
			if (!process.attach(new ExitLatch(exited))) {
				exited.countDown();
			}
		}
		for (LocalProcess process : alive) {
			try {
				process.shutdown();
			}
			catch (Throwable ex) {
				logger.error("Runtime {}: could not shut {} down; it will be killed", node(), process.pid, ex);
			}
		}
		boolean orderly;
		try {
			orderly = exited.await(this.options.shutdownTimeout().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			orderly = false;
		}
		if (!orderly) {
			logger.warn("Runtime {}: processes still running after {} ms; killing them", node(),
					this.options.shutdownTimeout().toMillis());
		}
		this.processes.forEach((process) -> {
			try {
				process.exit(ExitReason.KILLED);
			}
			catch (Throwable ex) {
				logger.error("Runtime {}: could not kill {}", node(), process.pid, ex);
			}
		});
		ScheduledThreadPoolExecutor timers = this.scheduler;
		if (timers != null) {
			timers.shutdownNow();
		}
	}

	/**
	 * How a runtime is set up.
	 *
	 * @param node the node name every pid carries; {@code local} by default
	 * @param shutdownTimeout how long {@link #close()} waits for processes to exit after
	 * {@code shutdown} before killing them; 5 seconds by default
	 */
	public record Options(String node, Duration shutdownTimeout) {

		public Options {
			if (node == null || node.isBlank()) {
				throw new IllegalArgumentException("node name must not be null or blank");
			}
			Objects.requireNonNull(shutdownTimeout, "shutdownTimeout must not be null");
			if (shutdownTimeout.isNegative()) {
				throw new IllegalArgumentException("shutdownTimeout must not be negative: " + shutdownTimeout);
			}
		}

		/** @return node {@code local}, shutdown timeout 5 seconds */
		public static Options defaults() {
			return new Options("local", Duration.ofSeconds(5));
		}

		/**
		 * @param node the node name
		 * @return these options with another node name
		 */
		public Options withNode(String node) {
			return new Options(node, this.shutdownTimeout);
		}

		/**
		 * @param timeout the shutdown timeout
		 * @return these options with another shutdown timeout
		 */
		public Options withShutdownTimeout(Duration timeout) {
			return new Options(this.node, timeout);
		}

	}

	/** A process {@link #close()} stops before the others; leaves the list when the process exits. */
	private final class OrderedStop extends ExitHook {

		private final LocalProcess process;

		private final Duration timeout;

		OrderedStop(LocalProcess process, Duration timeout) {
			this.process = process;
			this.timeout = timeout;
		}

		@Override
		protected void processExited(Owner exited, ExitReason reason) {
			ProcessRuntime.this.orderedStops.remove(this);
		}

	}

	/** Counts down when the process it is attached to exits. */
	private static final class ExitLatch extends ExitHook {

		private final CountDownLatch latch;

		ExitLatch() {
			this(new CountDownLatch(1));
		}

		ExitLatch(CountDownLatch latch) {
			this.latch = latch;
		}

		@Override
		public boolean notifies() {
			return true;
		}

		@Override
		protected void processExited(Owner process, ExitReason reason) {
			this.latch.countDown();
		}

		boolean await(Duration timeout) {
			try {
				return this.latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}

	}

}
