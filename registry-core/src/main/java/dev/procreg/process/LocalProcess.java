package dev.procreg.process;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
 * A {@link Mailbox}: many senders, one consumer (the process itself, or whoever runs a server's
 * code). After enqueueing, {@link #wake()} lets the subclass unpark its thread or schedule the
 * server.
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
	/**
	 * How often a thread about to park (a receiver, a lingering server, a caller awaiting its
	 * reply) first looks again for what it waits for, with {@link Thread#onSpinWait()} between
	 * looks: a few microseconds, less than a park and unpark cost, as
	 * {@code LinkedTransferQueue} spins. A reply or a message that lands within it costs no park.
	 */
	static final int SPINS_BEFORE_PARK = Integer.getInteger("procreg.spins-before-park", 128);

	private static final ThreadLocal<@Nullable LocalProcess> CURRENT = new ThreadLocal<>();

	final Pid pid;

	private final ProcessRuntime runtime;

	private final long startedAt = System.currentTimeMillis();

	final Mailbox mailbox = new Mailbox();

	volatile boolean trapExits;

	/** The thread running this process's exit of itself, while it does; see {@link #exit}. */
	private volatile @Nullable Thread exitingOn;

	/** The process that started this one linked to it, such as its supervisor. */
	volatile @Nullable Pid parent;

	// guarded by this
	private @Nullable ExitHook hooks;

	private @Nullable Set<LocalProcess> links;

	private @Nullable Set<MonitorRef> monitoring;

	LocalProcess(ProcessRuntime runtime, long serial) {
		this.runtime = runtime;
		this.pid = new Pid(runtime.node(), serial, this);
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
		// a spawned process is its own thread's uncaught-exception handler (see ThreadProcess)
		if (thread.isVirtual() && thread.getUncaughtExceptionHandler() instanceof ThreadProcess own
				&& own.thread == thread) {
			return own;
		}
		return CURRENT.get();
	}

	/**
	 * The process whose code the calling thread runs, refusing a dead one: every operation that
	 * acts (send, spawn, call, exit, register, join, lock...) starts here, so a killed process
	 * whose code swallowed the kill's interrupt gets nothing done in its name. One volatile read
	 * of the caller's own liveness word on top of finding the caller.
	 * @param operation what the caller is doing, for the message
	 * @return the calling process, or {@code null} on a thread that runs no process
	 * @throws ProcessExitException when the calling process has exited; its reason is the
	 * process's exit reason ({@code killed} after a kill)
	 */
	public static @Nullable LocalProcess currentAlive(String operation) {
		LocalProcess current = current();
		if (current != null) {
			ExitReason reason = current.pid.exitReason;
			if (reason != null && current.exitingOn != Thread.currentThread()) {
				throw ProcessExitException.deadCaller(current.pid, reason, operation);
			}
		}
		return current;
	}

	/**
	 * Refuses an operation of this process on itself once it is dead.
	 * @throws ProcessExitException when this process has exited
	 */
	final void checkAlive(String operation) {
		ExitReason reason = this.pid.exitReason;
		if (reason != null) {
			throw ProcessExitException.deadCaller(this.pid, reason, operation);
		}
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
		checkAlive("monitor");
		return monitor(this.runtime.resolveOrThrow(name));
	}

	@Override
	public final boolean demonitor(MonitorRef ref, boolean flush) {
		checkAlive("demonitor");
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
		checkAlive("link");
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
		checkAlive("unlink");
		Pid other = name.resolve(this.runtime);
		LocalProcess process = (other != null) ? this.runtime.local(other) : null;
		if (process != null) {
			unlink(process);
		}
	}

	@Override
	public final void trapExits(boolean trap) {
		checkAlive("trapExits");
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
		// a process ending itself runs the cleanup on its own thread: exit hooks and the deaths of
		// linked processes may use the runtime there (a group monitor's event is a send), which
		// the dead-caller check must let through for the length of this exit only
		boolean self = current() == this;
		if (self) {
			this.exitingOn = Thread.currentThread();
		}
		try {
			Set<LocalProcess> linked = die((reason == ExitReason.KILL) ? ExitReason.KILLED : reason, report);
			if (linked == null) {
				return false;
			}
			if (!linked.isEmpty()) {
				propagate(new Death(this, this.pid.exitReason, linked));
			}
			return true;
		}
		finally {
			if (self) {
				this.exitingOn = null;
			}
		}
	}

	/**
	 * Tells the linked processes of a death, and theirs of the deaths that causes, with a work
	 * list instead of recursion: a chain of a million linked processes dies on a constant stack.
	 * Every process of the chain is dead when this returns.
	 */
	private static void propagate(Death first) {
		ArrayDeque<Death> work = new ArrayDeque<>();
		work.add(first);
		for (Death death = work.poll(); death != null; death = work.poll()) {
			for (LocalProcess other : death.linked) {
				try {
					other.unlinkOneSide(death.process);
					ExitReason reason = other.onExitSignal(death.process.pid, death.reason, true);
					if (reason != null) {
						// the crash, if it is one, was logged where it happened
						Set<LocalProcess> next = other.die(reason, false);
						if (next != null && !next.isEmpty()) {
							work.add(new Death(other, reason, next));
						}
					}
				}
				catch (Throwable ex) {
					// one failing process must not leave the rest of the chain alive
					logger.error("Could not deliver the exit signal of {} to {}", death.process.pid, other.pid, ex);
				}
			}
		}
	}

	/** A process that died, with the processes it was linked to. */
	private record Death(LocalProcess process, ExitReason reason, Set<LocalProcess> linked) {
	}

	/**
	 * The death itself: marks this process dead, runs its exit hooks and releases its monitors.
	 * @return the processes it was linked to (to signal), or {@code null} when it was already dead
	 */
	private @Nullable Set<LocalProcess> die(ExitReason reason, boolean report) {
		ExitHook hooksToRun;
		Set<LocalProcess> linked;
		Set<MonitorRef> monitors;
		synchronized (this) {
			if (this.pid.exitReason != null) {
				return null;
			}
			for (ExitHook hook = this.hooks; hook != null; hook = hook.next) {
				hook.ownerDying();
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
		if (monitors != null) {
			for (MonitorRef ref : monitors) {
				LocalProcess target = this.runtime.local(ref.target);
				if (target != null) {
					target.detach(ref);
				}
			}
		}
		return (linked != null) ? linked : Set.of();
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
	 * Handles an exit signal: ends this process when the signal says so, and tells its linked
	 * processes in turn (see {@link #propagate}).
	 */
	final void exitSignal(@Nullable Pid from, ExitReason reason, boolean fromLink) {
		ExitReason death = onExitSignal(from, reason, fromLink);
		if (death != null) {
			exit(death, false); // the crash, if it is one, was logged where it happened
		}
	}

	/**
	 * What an exit signal does to this process, Erlang's semantics: {@code kill} sent directly
	 * cannot be trapped; a trapping process receives an {@link Exit} message; otherwise
	 * {@code normal} is ignored (unless the process sent it to itself) and any other reason ends
	 * the process.
	 * @return the reason this process must exit with, or {@code null} when it lives on
	 */
	@Nullable ExitReason onExitSignal(@Nullable Pid from, ExitReason reason, boolean fromLink) {
		if (this.pid.exitReason != null) {
			return null;
		}
		if (!fromLink && reason == ExitReason.KILL) {
			return ExitReason.KILLED;
		}
		if (this.trapExits) {
			deliver(new Exit(from, reason));
			return null;
		}
		if (reason.equals(ExitReason.NORMAL)) {
			return this.pid.equals(from) ? ExitReason.NORMAL : null;
		}
		return reason;
	}

	/** Asks the process to stop with {@code shutdown}, as a runtime closing does. */
	void shutdown() {
		exitSignal(null, ExitReason.SHUTDOWN, true);
	}

	// ---- mailbox

	/**
	 * Enqueues a signal-like message (an exit, a down, a call, a system message) and wakes the
	 * process: never dropped by the mailbox's bound. Any thread may call it.
	 * @return false when the process is dead (the message is dropped)
	 */
	final boolean deliver(Object message) {
		if (this.pid.exitReason != null) {
			return false;
		}
		this.mailbox.offer(message, false);
		wake();
		return true;
	}

	/**
	 * Enqueues a user message (send, cast) and wakes the process. Any thread may call it.
	 * @return false when the process is dead, or its bounded mailbox is full (the message is
	 * dropped and counted)
	 */
	final boolean deliverBounded(Object message) {
		if (this.pid.exitReason != null || !this.mailbox.offer(message, true)) {
			return false;
		}
		wake();
		return true;
	}

	/** Lets whatever consumes the mailbox know that a message arrived. */
	abstract void wake();

	/** Takes the oldest queued message; only the consumer may call it. */
	final @Nullable Object poll() {
		return this.mailbox.poll();
	}

	final boolean mailboxEmpty() {
		return this.mailbox.isEmpty();
	}

	/** @return the messages waiting, in O(1) */
	final int mailboxLength() {
		return this.mailbox.length();
	}

	@Override
	public final void limitMailbox(int maxMessages) {
		checkAlive("limitMailbox");
		this.mailbox.limit(maxMessages);
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
		return new ProcessInfo(this.pid, status(), this.mailbox.length(), List.copyOf(names), List.copyOf(linkedPids),
				List.copyOf(monitors), List.copyOf(monitoredBy), this.trapExits, Instant.ofEpochMilli(this.startedAt),
				serverClass(), this.parent, this.mailbox.limit(), this.mailbox.dropped());
	}

	abstract ProcessInfo.Status status();

	@Nullable String serverClass() {
		return null;
	}

	@Override
	public String toString() {
		return this.pid.toString();
	}

}
