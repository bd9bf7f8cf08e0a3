package dev.procreg.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;

/**
 * A process of this JVM: its liveness, its mailbox, its links, monitors and exit hooks. As an
 * {@link Owner} it is also the token that registries and groups hold (liveness, exit hooks, the
 * calling process), so their concurrent cores can be driven from plain threads.
 *
 * <h2>Liveness is one word</h2>
 * {@link Owner#exitReason()} is {@code null} while the process is alive. {@link #exit(ExitReason)}
 * sets it once, under the process's lock, and that write is the moment the process dies for every
 * observer; see {@link Owner}.
 *
 * <h2>Mailbox</h2>
 * A {@link Mailbox}: many senders, one consumer (the process itself, or whoever runs a server's
 * code). After enqueueing, {@link #wake(Object)} lets the subclass unpark its thread or schedule the
 * server.
 *
 * <p>The mailbox is made when it is first needed: by the first sender (or a bound), which installs
 * it with one compare-and-set; a racing sender uses the winner's. Until then the process has none,
 * and every look at it is a look at an empty mailbox; once made, it stays. A process that has
 * never been sent anything so carries no mailbox (an object of 112 bytes with its padding). The
 * consumer's protocols (park after a last look, let go after a last look) are unchanged: the
 * install is a volatile write before the sender's enqueue, so a consumer whose last look found no
 * mailbox is seen by that sender as waiting, exactly as one whose last look found an empty one.
 *
 * <h2>Lock</h2>
 * The process's monitor guards hooks, links and outgoing monitors, and the transition to dead.
 * Nothing blocks while holding it, and no code holds two processes' locks at once.
 */
abstract sealed class LocalProcess extends Owner implements ProcessContext permits ThreadProcess, ServerProcess {

	/** Nothing to do between an exit's cleanup and its notices when no one observes exits. */
	private static final Runnable NOTHING = () -> {
	};

	private static final Logger logger = LoggerFactory.getLogger(LocalProcess.class);

	private static final VarHandle MEMBERSHIP;

	private static final VarHandle MAILBOX;

	static {
		installLookup(new Lookup() {

			@Override
			public @Nullable Owner find(ProcessRuntime runtime, Pid pid) {
				return runtime.local(pid);
			}

			@Override
			public @Nullable Owner ofThread(Thread thread) {
				ThreadProcess spawned = ThreadProcess.ofThread(thread);
				return (spawned != null) ? spawned : ServerProcess.ofThread(thread);
			}

		});
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			MEMBERSHIP = lookup.findVarHandle(LocalProcess.class, "membership", byte.class);
			MAILBOX = lookup.findVarHandle(LocalProcess.class, "mailbox", Mailbox.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	final Pid pid;

	private final ProcessRuntime runtime;

	private final long startedAt = SpawnClock.millis();

	/** Null until the first message or bound; installed once, through {@code MAILBOX}. */
	private volatile @Nullable Mailbox mailbox;

	volatile boolean trapExits;

	
	/** The process that started this one linked to it, such as its supervisor. */
	volatile @Nullable Pid parent;

	/** Whether a removal from the runtime's process table began; see {@link SerialTable}. */
	@SuppressWarnings("unused") // through MEMBERSHIP
	private volatile byte membership;

	// guarded by this
	private @Nullable Set<LocalProcess> links;

	private @Nullable Set<MonitorRef> monitoring;

	/** Whether this process was ever linked to a process of another node; see {@link RemoteSignals}. */
	boolean remotelyLinked;

	LocalProcess(ProcessRuntime runtime, long serial) {
		this.runtime = runtime;
		this.pid = new Pid(runtime.nodeId(), serial, this);
	}

	/**
	 * The process whose code the calling thread is running, if any.
	 * @return the process, or {@code null} on a thread that runs no process
	 */
	public static @Nullable LocalProcess current() {
		return (LocalProcess) Owner.current();
	}

	/**
	 * The process whose code the calling thread runs, refusing a dead one; see
	 * {@link Owner#currentAlive(String)}.
	 * @param operation what the caller is doing, for the message
	 * @return the calling process, or {@code null} on a thread that runs no process
	 * @throws ProcessExitException when the calling process has exited
	 */
	public static @Nullable LocalProcess currentAlive(String operation) {
		return (LocalProcess) Owner.currentAlive(operation);
	}

	/**
	 * Refuses an operation of this process on itself once it is dead.
	 * @throws ProcessExitException when this process has exited
	 */
	final void checkAlive(String operation) {
		ExitReason reason = exitReason();
		if (reason != null) {
			throw deadCaller(this.pid, reason, operation);
		}
	}

	@Override
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
		boolean active;
		if (process != null) {
			active = process.detach(ref.hook);
		}
		else {
			RemoteSignals remote = this.runtime.remote(ref.target);
			active = remote != null && remote.demonitor(ref);
		}
		monitorFired(ref);
		return active;
	}

	@Override
	public final void link(Name name) {
		checkAlive("link");
		Pid other = this.runtime.resolveOrThrow(name);
		LocalProcess process = this.runtime.local(other);
		RemoteSignals remote;
		if (process != null) {
			link(process);
		}
		else if ((remote = this.runtime.remote(other)) != null) {
			remote.link(this, other);
		}
		else {
			exitSignal(other, ExitReason.NOPROC, true);
		}
	}

	@Override
	public final void unlink(Name name) {
		checkAlive("unlink");
		Pid other = name.resolve(this.runtime);
		LocalProcess process = (other != null) ? this.runtime.local(other) : null;
		RemoteSignals remote;
		if (process != null) {
			unlink(process);
		}
		else if (other != null && (remote = this.runtime.remote(other)) != null) {
			remote.unlink(this, other);
		}
	}

	@Override
	public final void trapExits(boolean trap) {
		checkAlive("trapExits");
		this.trapExits = trap;
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
		return exit(reason, report, current() == this);
	}

	/**
	 * Ends this process from its own thread, as its code returns or throws: {@link #exit(ExitReason)}
	 * without finding the calling process, which is this one.
	 * @param reason why
	 * @return whether this call ended the process
	 */
	final boolean exitOnOwnThread(ExitReason reason) {
		return exit(reason, true, true);
	}

	private boolean exit(ExitReason reason, boolean report, boolean self) {
		// a process ending itself runs the cleanup on its own thread: exit hooks and the deaths of
		// linked processes may use the runtime there (a group monitor's event is a send), which
		// the dead-caller check must let through for the length of this exit only
		if (self) {
			this.exitingOn = Thread.currentThread();
		}
		try {
			Set<LocalProcess> linked = die((reason == ExitReason.KILL) ? ExitReason.KILLED : reason, report);
			if (linked == null) {
				return false;
			}
			if (!linked.isEmpty()) {
				propagate(new Death(this, exitReason(), linked));
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
		Set<Pid> remotelyLinkedTo = null;
		synchronized (this) {
			if (exitReason() != null) {
				return null;
			}
			hooksToRun = markDead(reason);
			linked = this.links;
			monitors = this.monitoring;
			this.links = null;
			this.monitoring = null;
			if (this.remotelyLinked) {
				remotelyLinkedTo = this.runtime.remoteSignals().takeLinks(this);
			}
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
		if (this.runtime.observesExits()) {
			List<String> names = registeredNames(hooksToRun);
			runHooks(hooksToRun, reason, () -> this.runtime.exitObserved(this, reason, names));
		}
		else {
			runHooks(hooksToRun, reason, NOTHING);
		}
		if (monitors != null) {
			for (MonitorRef ref : monitors) {
				LocalProcess target = this.runtime.local(ref.target);
				RemoteSignals remote;
				if (target != null) {
					target.detach(ref.hook);
				}
				else if ((remote = this.runtime.remote(ref.target)) != null) {
					remote.demonitor(ref);
				}
			}
		}
		if (remotelyLinkedTo != null && !remotelyLinkedTo.isEmpty()) {
			this.runtime.remoteSignals().exited(this, remotelyLinkedTo, reason);
		}
		return (linked != null) ? linked : Set.of();
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
		describeCrash(hooksToRun, names, context);
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
	 * What an exit signal does to this process, Erlang's semantics, the one place they are
	 * written: {@code kill} sent directly cannot be trapped; a trapping process receives the
	 * signal as a message ({@link #trappedSignal}); a process that stops by its own code
	 * ({@link #stopsGracefully}) is asked to; otherwise {@code normal} is ignored (unless the
	 * process sent it to itself) and any other reason ends the process.
	 * @return the reason this process must exit with, or {@code null} when it lives on
	 */
	final @Nullable ExitReason onExitSignal(@Nullable Pid from, ExitReason reason, boolean fromLink) {
		if (exitReason() != null) {
			return null;
		}
		if (!fromLink && reason == ExitReason.KILL) {
			return ExitReason.KILLED;
		}
		if (this.trapExits) {
			deliver(trappedSignal(from, reason));
			return null;
		}
		if (stopsGracefully(reason)) {
			return null;
		}
		if (reason.equals(ExitReason.NORMAL)) {
			return this.pid.equals(from) ? ExitReason.NORMAL : null;
		}
		return reason;
	}

	/** @return the message a trapped exit signal becomes: an {@link Exit}, Erlang's {@code {'EXIT', From, Reason}} */
	Object trappedSignal(@Nullable Pid from, ExitReason reason) {
		return new Exit(from, reason);
	}

	/**
	 * Whether an exit signal that is not trapped asks this process to stop by its own code rather
	 * than ending it now; the process then has been asked. A plain process never does.
	 */
	boolean stopsGracefully(ExitReason reason) {
		return false;
	}

	/** Asks the process to stop with {@code shutdown}, as a runtime closing does. */
	void shutdown() {
		exitSignal(null, ExitReason.SHUTDOWN, true);
	}

	// ---- mailbox

	/**
	 * The mailbox to put a message in, made and installed if the process has none yet. Any thread
	 * may call it.
	 */
	final Mailbox mailboxToFill() {
		Mailbox box = this.mailbox;
		return (box != null) ? box : installMailbox();
	}

	private Mailbox installMailbox() {
		// a full volatile compare-and-set, not a release one: the consumer writes its waiting flag
		// (or lets go of its runner word) and then reads this field; the sender writes this field
		// and then reads the flag. Only sequential consistency makes one of them see the other
		Mailbox fresh = new Mailbox();
		Mailbox first = (Mailbox) MAILBOX.compareAndExchange(this, null, fresh);
		return (first != null) ? first : fresh;
	}

	/** @return the mailbox, or {@code null} while no message or bound has made it */
	final @Nullable Mailbox mailbox() {
		return this.mailbox;
	}

	/**
	 * Enqueues a signal-like message (an exit, a down, a call, a system message) and wakes the
	 * process: never dropped by the mailbox's bound. Any thread may call it.
	 * @return false when the process is dead (the message is dropped)
	 */
	final boolean deliver(Object message) {
		if (exitReason() != null) {
			return false;
		}
		mailboxToFill().offer(message, false);
		wake(message);
		return true;
	}

	/**
	 * Enqueues a user message (send, cast) and wakes the process. Any thread may call it.
	 * @return false when the process is dead, or its bounded mailbox is full (the message is
	 * dropped and counted)
	 */
	final boolean deliverBounded(Object message) {
		if (exitReason() != null || !mailboxToFill().offer(message, true)) {
			return false;
		}
		wake(message);
		return true;
	}

	/**
	 * Lets whatever consumes the mailbox know that a message arrived.
	 * @param message the message just queued
	 */
	abstract void wake(Object message);

	/**
	 * @return whether this process, just sent a message, is ready to run on a thread that is not
	 * running yet (woken from a wait, or yielding): a hint for the sender, read without a lock
	 */
	boolean runnableNotRunning() {
		return false;
	}

	/** Takes the oldest queued message; only the consumer may call it. */
	final @Nullable Object poll() {
		Mailbox box = this.mailbox;
		return (box != null) ? box.poll() : null;
	}

	/** Takes the oldest linked message ({@link Mailbox#pollLinked()}); only the consumer may call it. */
	final @Nullable Object pollLinked() {
		Mailbox box = this.mailbox;
		return (box != null) ? box.pollLinked() : null;
	}

	/** @return whether no message is queued: what a decision to wait or let go rests on */
	final boolean mailboxEmpty() {
		Mailbox box = this.mailbox;
		return box == null || box.isEmpty();
	}

	/** @return whether a message is linked: a spinning consumer's look ({@link Mailbox#hasLinked()}) */
	final boolean messageLinked() {
		Mailbox box = this.mailbox;
		return box != null && box.hasLinked();
	}

	/** @return the messages waiting, in O(1) */
	final int mailboxLength() {
		Mailbox box = this.mailbox;
		return (box != null) ? box.length() : 0;
	}

	/** @return the messages its consumer has taken, for an operator's view (a recent value) */
	final long messagesHandled() {
		Mailbox box = this.mailbox;
		return (box != null) ? box.handled : 0L;
	}

	@Override
	public final void limitMailbox(int maxMessages) {
		checkAlive("limitMailbox");
		Mailbox.requireLimit(maxMessages);
		if (maxMessages > 0 || this.mailbox != null) {
			// lifting a bound from a mailbox not made yet changes nothing, and makes none
			mailboxToFill().limit(maxMessages);
		}
	}

	// ---- links and monitors

	final void link(LocalProcess other) {
		if (other == this) {
			return;
		}
		synchronized (this) {
			if (exitReason() != null) {
				return;
			}
			if (this.links == null) {
				this.links = new HashSet<>(4);
			}
			this.links.add(other);
		}
		boolean linked;
		synchronized (other) {
			linked = other.isAlive();
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
			if (exitReason() != null) {
				return ref;
			}
			if (this.monitoring == null) {
				this.monitoring = new HashSet<>(4);
			}
			this.monitoring.add(ref);
		}
		LocalProcess process = this.runtime.local(target);
		if (process != null) {
			process.attachOrRun(ref.hook);
			return ref;
		}
		RemoteSignals remote = this.runtime.remote(target);
		ExitReason down = ExitReason.NOPROC;
		if (remote != null) {
			synchronized (this) {
				// under this lock, where a death takes the monitors: a dead watcher starts none
				if (exitReason() != null || remote.monitor(ref)) {
					return ref;
				}
			}
			down = ExitReason.NOCONNECTION;
		}
		monitorFired(ref);
		deliver(new Down(ref, target, down));
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
			for (ExitHook hook : hooks()) {
				String name = hook.registeredName();
				if (name != null) {
					names.add(name);
				}
				Pid watcher = hook.watcher();
				if (watcher != null) {
					monitoredBy.add(watcher);
				}
			}
			if (this.links != null) {
				this.links.forEach((p) -> linkedPids.add(p.pid));
			}
			if (this.remotelyLinked) {
				linkedPids.addAll(this.runtime.remoteSignals().linksOf(this));
			}
			if (this.monitoring != null) {
				this.monitoring.forEach((ref) -> monitors.add(ref.target));
			}
		}
		linkedPids.sort(null);
		Mailbox box = this.mailbox;
		return new ProcessInfo(this.pid, status(), mailboxLength(), List.copyOf(names), List.copyOf(linkedPids),
				List.copyOf(monitors), List.copyOf(monitoredBy), this.trapExits, Instant.ofEpochMilli(this.startedAt),
				serverClass(), this.parent, (box != null) ? box.limit() : 0, (box != null) ? box.dropped() : 0L);
	}

	/**
	 * The cheap reading of this process an operator's table shows.
	 * @param withNames whether to read its names too: one walk of its hooks under its lock;
	 * without, nothing is locked or walked
	 */
	final ProcessSummary summary(boolean withNames) {
		if (!withNames) {
			return new ProcessSummary(this.pid, status(), mailboxLength(), messagesHandled(),
					this.startedAt, this.parent, List.of(), this.childRestarts);
		}
		List<String> names;
		synchronized (this) {
			names = registeredNames(firstHook());
		}
		return new ProcessSummary(this.pid, status(), mailboxLength(), messagesHandled(),
				this.startedAt, this.parent, names, this.childRestarts);
	}

	final long startedAtMillis() {
		return this.startedAt;
	}

	abstract ProcessInfo.Status status();

	@Nullable String serverClass() {
		return null;
	}

	/** The runtime's processes by serial, each process its own slot's content. */
	static final class Table extends SerialTable<LocalProcess> {

		@Override
		long serial(LocalProcess process) {
			return process.pid.serial();
		}

		@Override
		int membership(LocalProcess process) {
			return (byte) MEMBERSHIP.getVolatile(process);
		}

		@Override
		boolean moveMembership(LocalProcess process, int from, int to) {
			return MEMBERSHIP.compareAndSet(process, (byte) from, (byte) to);
		}

	}

}
