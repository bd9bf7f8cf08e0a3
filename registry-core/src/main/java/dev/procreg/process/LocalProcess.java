package dev.procreg.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process of this JVM: its liveness, its mailbox, its links, monitors and exit hooks. It is
 * also the owner token that registries and groups hold, so their concurrent cores can be driven
 * from plain threads.
 *
 * <h2>Liveness is one word</h2>
 * The pid's {@code exitReason} is {@code null} while the process is alive (it lives in the pid so
 * that a registry entry reaches pid and liveness in one hop). {@link #exit(ExitReason)} sets
 * it once, under the process's lock, and that write is the moment the process dies for every
 * observer: {@link #isAlive()} reads it, registries and groups skip entries whose owner is dead,
 * and everything that runs afterwards (exit hooks, links, monitors) only reclaims memory and
 * tells others. Correctness never waits for that cleanup.
 *
 * <h2>Mailbox</h2>
 * An unbounded multi-producer single-consumer linked queue (Vyukov): a sender swings
 * {@code tail} with one atomic exchange and links the previous node; only the process itself (or
 * whoever runs a server's code) consumes from {@code head}. Messages from one sender arrive in
 * the order sent. After enqueueing, {@link #wake()} lets the subclass unpark its thread or
 * schedule the server.
 *
 * <h2>Lock</h2>
 * The process's monitor guards hooks, links and outgoing monitors, and the transition to dead.
 * Nothing blocks while holding it, and no code holds two processes' locks at once.
 */
public abstract sealed class LocalProcess implements ProcessContext permits ThreadProcess, ServerProcess {

	private static final Logger logger = LoggerFactory.getLogger(LocalProcess.class);

	/**
	 * The process whose code a thread runs, for threads that are no spawned process's own: the
	 * virtual threads that run servers.
	 */
	private static final ThreadLocal<@Nullable LocalProcess> CURRENT = new ThreadLocal<>();

	/**
	 * Live spawned processes by their own virtual thread. Such a thread finds its process here
	 * rather than in {@link #CURRENT}: a thread-local's per-thread map would cost every idle
	 * process about 136 bytes, this entry about 40.
	 */
	private static final ConcurrentHashMap<Thread, ThreadProcess> THREADS = new ConcurrentHashMap<>();

	private static final VarHandle TAIL;

	private static final VarHandle HEAD;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			TAIL = lookup.findVarHandle(LocalProcess.class, "tail", Node.class);
			HEAD = lookup.findVarHandle(LocalProcess.class, "head", Node.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	final Pid pid;

	private final ProcessRuntime runtime;

	private final long startedAt = System.currentTimeMillis();


	@SuppressWarnings("unused") // through TAIL
	private volatile Node tail;

	@SuppressWarnings("unused") // through HEAD
	private Node head;

	volatile boolean trapExits;

	/** The process that started this one linked to it, such as its supervisor. */
	volatile @Nullable Pid parent;

	// guarded by this
	private @Nullable ExitHook hooks;

	private @Nullable Set<LocalProcess> links;

	private @Nullable Set<MonitorRef> monitoring;

	LocalProcess(ProcessRuntime runtime, long serial) {
		this.runtime = runtime;
		this.pid = new Pid(runtime.node(), serial, this);
		Node stub = new Node(null);
		this.head = stub;
		this.tail = stub;
	}

	/**
	 * Whether the local process behind a pid is alive: the hot read of registries and groups,
	 * one load from the pid they hold.
	 * @param pid a pid made by a runtime of this JVM
	 * @return whether its process has not exited; false for a pid from elsewhere
	 */
	public static boolean isAlive(Pid pid) {
		return pid.process != null && pid.exitReason == null;
	}

	/**
	 * The process whose code the calling thread is running, if any.
	 * @return the process, or {@code null} on a thread that runs no process
	 */
	public static @Nullable LocalProcess current() {
		Thread thread = Thread.currentThread();
		if (thread.isVirtual()) {
			ThreadProcess own = THREADS.get(thread);
			if (own != null) {
				return own;
			}
		}
		return CURRENT.get();
	}

	/** Makes {@code process} the current process of a server's thread, or none. */
	static void setCurrent(@Nullable LocalProcess process) {
		if (process != null) {
			CURRENT.set(process);
		}
		else {
			CURRENT.remove();
		}
	}

	static void bindThread(ThreadProcess process) {
		THREADS.put(process.thread, process);
	}

	static void unbindThread(ThreadProcess process) {
		THREADS.remove(process.thread, process);
	}

	/** @return this process's pid */
	public final Pid pid() {
		return this.pid;
	}

	@Override
	public final Pid self() {
		return this.pid;
	}

	@Override
	public final ProcessRuntime runtime() {
		return this.runtime;
	}

	@Override
	public final MonitorRef monitor(Name name) {
		return monitor(this.runtime.resolveOrThrow(name));
	}

	@Override
	public final boolean demonitor(MonitorRef ref, boolean flush) {
		if (ref.watcher != this) {
			throw new IllegalArgumentException(ref + " is a monitor of " + ref.watcher.pid + ", not of " + this.pid);
		}
		if (flush) {
			ref.flushed = true;
		}
		LocalProcess process = this.runtime.local(ref.target);
		boolean active = process != null && process.detach(ref);
		monitorFired(ref);
		return active;
	}

	@Override
	public final void link(Name name) {
		Pid other = this.runtime.resolveOrThrow(name);
		LocalProcess process = this.runtime.local(other);
		if (process == null) {
			exitSignal(other, ExitReason.NOPROC, true);
		}
		else {
			link(process);
		}
	}

	@Override
	public final void unlink(Name name) {
		Pid other = name.resolve(this.runtime);
		LocalProcess process = (other != null) ? this.runtime.local(other) : null;
		if (process != null) {
			unlink(process);
		}
	}

	@Override
	public final void trapExits(boolean trap) {
		this.trapExits = trap;
	}

	/** @return whether this process has not exited */
	public final boolean isAlive() {
		return this.pid.exitReason == null;
	}

	/** @return why this process exited, or {@code null} while it is alive */
	public final @Nullable ExitReason exitReason() {
		return this.pid.exitReason;
	}

	/**
	 * Attaches a hook that runs once when this process exits.
	 * @param hook a hook attached to no process
	 * @return {@code true} when attached; {@code false} when this process is already dead, in
	 * which case the hook will never run
	 */
	public final boolean attach(ExitHook hook) {
		synchronized (this) {
			if (this.pid.exitReason != null) {
				return false;
			}
			if (hook.attachedTo != null) {
				throw new IllegalStateException("exit hook is already attached to " + hook.attachedTo.pid);
			}
			hook.attachedTo = this;
			hook.prev = null;
			hook.next = this.hooks;
			if (this.hooks != null) {
				this.hooks.prev = hook;
			}
			this.hooks = hook;
			return true;
		}
	}

	/**
	 * Detaches a hook so that it will not run.
	 * @param hook the hook
	 * @return {@code true} when it was attached and now will not run; {@code false} when it was
	 * not attached here, or this process already exited (the hook then runs, or has run)
	 */
	public final boolean detach(ExitHook hook) {
		synchronized (this) {
			if (this.pid.exitReason != null || hook.attachedTo != this) {
				return false;
			}
			ExitHook prev = hook.prev;
			ExitHook next = hook.next;
			if (prev != null) {
				prev.next = next;
			}
			else {
				this.hooks = next;
			}
			if (next != null) {
				next.prev = prev;
			}
			hook.prev = null;
			hook.next = null;
			hook.attachedTo = null;
			return true;
		}
	}

	/**
	 * The hooks attached now, for readers that index a process's registrations through them.
	 * @return a snapshot, newest first; empty once the process is dead
	 */
	public final List<ExitHook> hooks() {
		List<ExitHook> snapshot = new ArrayList<>();
		synchronized (this) {
			for (ExitHook hook = this.hooks; hook != null; hook = hook.next) {
				snapshot.add(hook);
			}
		}
		return snapshot;
	}

	/**
	 * Ends this process, if it is alive: the one step after which it is dead for every observer.
	 * Then runs its exit hooks, sends exit signals to linked processes and releases its monitors.
	 * @param reason why; {@link ExitReason#KILL} is stored as {@link ExitReason#KILLED}
	 * @return whether this call ended the process
	 */
	final boolean exit(ExitReason reason) {
		return exit(reason, true);
	}

	/**
	 * Ends this process, as {@link #exit(ExitReason)}.
	 * @param reason why
	 * @param report whether a crash reason is logged as this process's crash; false when the
	 * reason came by an exit signal (a linked process crashed and already logged it)
	 * @return whether this call ended the process
	 */
	final boolean exit(ExitReason reason, boolean report) {
		if (reason == ExitReason.KILL) {
			reason = ExitReason.KILLED;
		}
		ExitHook hooksToRun;
		Set<LocalProcess> linked;
		Set<MonitorRef> monitors;
		synchronized (this) {
			if (this.pid.exitReason != null) {
				return false;
			}
			this.pid.exitReason = reason;
			hooksToRun = this.hooks;
			linked = this.links;
			monitors = this.monitoring;
			this.hooks = null;
			this.links = null;
			this.monitoring = null;
		}
		// out of the runtime's table before any hook runs: whoever observes the exit (a monitor, an
		// awaitExit, a supervisor) then finds processCount and processes() without it
		this.runtime.processExited(this);
		stopRunning();
		if (report && reason instanceof ExitReason.Crash crash) {
			try {
				logCrash(crash, hooksToRun);
			}
			catch (Throwable ex) {
				// a key's toString, say: the report is lost, the cleanup below must not be
				logger.error("Could not report the crash of {}", this.pid, ex);
			}
		}
		// cleanup first (registry entries, names, locks), then whoever is told of the death
		// (monitors, waiting callers, awaitExit): by the time anyone hears, the cleanup is done
		for (ExitHook hook = hooksToRun; hook != null; hook = hook.next) {
			if (!hook.notifies()) {
				runHook(hook, reason);
			}
		}
		for (ExitHook hook = hooksToRun; hook != null;) {
			ExitHook next = hook.next;
			if (hook.notifies()) {
				runHook(hook, reason);
			}
			hook.prev = null;
			hook.next = null;
			hook.attachedTo = null;
			hook = next;
		}
		if (linked != null) {
			for (LocalProcess other : linked) {
				other.unlinkOneSide(this);
				other.exitSignal(this.pid, reason, true);
			}
		}
		if (monitors != null) {
			for (MonitorRef ref : monitors) {
				LocalProcess target = this.runtime.local(ref.target);
				if (target != null) {
					target.detach(ref);
				}
			}
		}
		return true;
	}

	private void runHook(ExitHook hook, ExitReason reason) {
		try {
			hook.processExited(this, reason);
		}
		catch (Throwable ex) {
			logger.error("Exit hook {} of {} failed", hook, this.pid, ex);
		}
	}

	/**
	 * Stops whatever runs this process's code, after it was marked dead: interrupts the thread
	 * the process owns, never another.
	 */
	abstract void stopRunning();

	/**
	 * Waits until no thread runs this dead process's code any more: the thread it owns has left
	 * the body or callback it was in when the process died.
	 * @param nanos how long to wait at most
	 * @return whether it left in time
	 */
	abstract boolean awaitCodeLeft(long nanos);

	private void logCrash(ExitReason.Crash crash, @Nullable ExitHook hooksToRun) {
		List<String> names = new ArrayList<>();
		StringBuilder context = new StringBuilder();
		for (ExitHook hook = hooksToRun; hook != null; hook = hook.next) {
			String name = hook.registeredName();
			if (name != null) {
				names.add(name);
			}
			String more = hook.crashContext();
			if (more != null) {
				context.append(", ").append(more);
			}
		}
		logger.error("Process {} crashed{}{}{}", this.pid, names.isEmpty() ? "" : " (registered as " + names + ")",
				describeForCrash(), context, crash.error());
	}

	String describeForCrash() {
		return "";
	}

	/**
	 * Handles an exit signal, Erlang's semantics: {@code kill} sent directly cannot be trapped; a
	 * trapping process receives an {@link Exit} message; otherwise {@code normal} is ignored
	 * (unless the process sent it to itself) and any other reason ends the process.
	 */
	void exitSignal(@Nullable Pid from, ExitReason reason, boolean fromLink) {
		if (this.pid.exitReason != null) {
			return;
		}
		if (!fromLink && reason == ExitReason.KILL) {
			exit(ExitReason.KILLED);
		}
		else if (this.trapExits) {
			deliver(new Exit(from, reason));
		}
		else if (reason.equals(ExitReason.NORMAL)) {
			if (this.pid.equals(from)) {
				exit(ExitReason.NORMAL);
			}
		}
		else {
			exit(reason, false); // the crash, if it is one, was logged where it happened
		}
	}

	/** Asks the process to stop with {@code shutdown}, as a runtime closing does. */
	void shutdown() {
		exitSignal(null, ExitReason.SHUTDOWN, true);
	}

	// ---- mailbox

	/**
	 * Enqueues a message and wakes the process. Any thread may call it.
	 * @return false when the process is dead (the message is dropped)
	 */
	final boolean deliver(Object message) {
		if (this.pid.exitReason != null) {
			return false;
		}
		Node node = new Node(message);
		Node prev = (Node) TAIL.getAndSet(this, node);
		Node.NEXT.setRelease(prev, node);
		wake();
		return true;
	}

	/** Lets whatever consumes the mailbox know that a message arrived. */
	abstract void wake();

	/** Takes the oldest message; only the consumer may call it. */
	final @Nullable Object poll() {
		Node h = (Node) HEAD.get(this);
		Node next = (Node) Node.NEXT.getAcquire(h);
		if (next == null) {
			if (h == TAIL.getVolatile(this)) {
				return null;
			}
			// a producer swung tail but has not linked its node yet: it is about to
			do {
				Thread.onSpinWait();
				next = (Node) Node.NEXT.getAcquire(h);
			}
			while (next == null);
		}
		Object item = next.item;
		next.item = null;
		HEAD.setRelease(this, next);
		return item;
	}

	final boolean mailboxEmpty() {
		return HEAD.getAcquire(this) == TAIL.getVolatile(this);
	}

	final int mailboxLength() {
		int count = 0;
		Node last = (Node) TAIL.getVolatile(this);
		for (Node n = (Node) HEAD.getAcquire(this); n != last && n != null; n = (Node) Node.NEXT.getAcquire(n)) {
			count++;
		}
		return count;
	}

	// ---- links and monitors

	final void link(LocalProcess other) {
		if (other == this) {
			return;
		}
		synchronized (this) {
			if (this.pid.exitReason != null) {
				return;
			}
			if (this.links == null) {
				this.links = new HashSet<>(4);
			}
			this.links.add(other);
		}
		boolean linked;
		synchronized (other) {
			linked = other.pid.exitReason == null;
			if (linked) {
				if (other.links == null) {
					other.links = new HashSet<>(4);
				}
				other.links.add(this);
			}
		}
		if (!linked) {
			unlinkOneSide(other);
			exitSignal(other.pid, ExitReason.NOPROC, true);
		}
	}

	final void unlink(LocalProcess other) {
		unlinkOneSide(other);
		other.unlinkOneSide(this);
	}

	private synchronized void unlinkOneSide(LocalProcess other) {
		if (this.links != null) {
			this.links.remove(other);
		}
	}

	final MonitorRef monitor(Pid target) {
		MonitorRef ref = new MonitorRef(target, this);
		synchronized (this) {
			if (this.pid.exitReason != null) {
				return ref;
			}
			if (this.monitoring == null) {
				this.monitoring = new HashSet<>(4);
			}
			this.monitoring.add(ref);
		}
		LocalProcess process = this.runtime.local(target);
		if (process == null || !process.attach(ref)) {
			monitorFired(ref);
			deliver(new Down(ref, target, ExitReason.NOPROC));
		}
		return ref;
	}

	synchronized void monitorFired(MonitorRef ref) {
		if (this.monitoring != null) {
			this.monitoring.remove(ref);
		}
	}

	// ---- information

	final ProcessInfo info() {
		List<String> names = new ArrayList<>();
		List<Pid> linkedPids = new ArrayList<>();
		List<Pid> monitoredBy = new ArrayList<>();
		List<Pid> monitors = new ArrayList<>();
		synchronized (this) {
			for (ExitHook hook = this.hooks; hook != null; hook = hook.next) {
				String name = hook.registeredName();
				if (name != null) {
					names.add(name);
				}
				if (hook instanceof MonitorRef ref) {
					monitoredBy.add(ref.watcher.pid);
				}
			}
			if (this.links != null) {
				this.links.forEach((p) -> linkedPids.add(p.pid));
			}
			if (this.monitoring != null) {
				this.monitoring.forEach((ref) -> monitors.add(ref.target));
			}
		}
		linkedPids.sort(null);
		return new ProcessInfo(this.pid, status(), mailboxLength(), List.copyOf(names), List.copyOf(linkedPids),
				List.copyOf(monitors), List.copyOf(monitoredBy), this.trapExits, Instant.ofEpochMilli(this.startedAt),
				serverClass(), this.parent);
	}

	abstract ProcessInfo.Status status();

	@Nullable String serverClass() {
		return null;
	}

	@Override
	public String toString() {
		return this.pid.toString();
	}

	/** A mailbox node. */
	static final class Node {

		static final VarHandle NEXT;

		static {
			try {
				NEXT = MethodHandles.lookup().findVarHandle(Node.class, "next", Node.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		@Nullable Object item;

		@SuppressWarnings("unused") // through NEXT
		private volatile @Nullable Node next;

		Node(@Nullable Object item) {
			this.item = item;
		}

	}

}
