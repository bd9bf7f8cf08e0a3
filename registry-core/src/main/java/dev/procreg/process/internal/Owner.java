package dev.procreg.process.internal;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessExitException;
import dev.procreg.process.ProcessRuntime;

/**
 * A process of this JVM as the owner token the other core packages hold: registry entries, group
 * memberships, registry locks and supervised children are attached to it as {@link ExitHook}s,
 * and their concurrent cores take it instead of the current thread, so a model checker can drive
 * them from plain threads. The process itself is the runtime's own business (package
 * {@code dev.procreg.process}); this is the part of it the registry, groups and supervisors need.
 *
 * <h2>Liveness is one word</h2>
 * {@code exitReason} is {@code null} while the process is alive. The process sets it once, under
 * its lock ({@link #markDead}), and that write is the moment it dies for every observer:
 * {@link #isAlive()} reads it, registries and groups skip entries whose owner is dead, and
 * everything that runs afterwards (exit hooks, links, monitors) only reclaims memory and tells
 * others. A registry entry holds its owner, so a read reaches the liveness word in one hop; an
 * entry may also keep its own copy of "attached to a live owner" through
 * {@link ExitHook#attached()}, {@link ExitHook#detached()} and {@link ExitHook#ownerDying()},
 * all called under the lock, the last before the word is set.
 *
 * <h2>Lock</h2>
 * The process's monitor guards the hooks and the transition to dead. Nothing waits for another
 * process while holding it, and no code holds two processes' locks at once. The one wait under
 * it is a registry table's: a register, an unregister or a death's clean-up may wait at the
 * table's gate while another writer rebuilds it, and the rebuild waits only for writers to leave
 * their stripes, which never wait for a process's lock there. A core that must write an entry
 * and attach its hook as one step that the death cannot split (a registry's unique key, whose
 * slot carries the owner's pid from the write on) holds the monitor around both
 * ({@code synchronized (owner)}, then {@link #attachOrRun} inside, reentrantly), and takes only
 * its own leaf locks under it.
 */
public abstract class Owner {

	private static final Logger logger = LoggerFactory.getLogger(Owner.class);

	/** How a runtime finds the process behind a pid; installed by the runtime's process class. */
	private static volatile @Nullable Lookup lookup;

	private volatile @Nullable ExitReason exitReason;

	/** The thread running this process's exit of itself, while it does; see {@link #currentAlive}. */
	protected volatile @Nullable Thread exitingOn;

	// guarded by this
	private @Nullable ExitHook hooks;

	/** What the supervisor's record attached to this process says of its restarts; written under the lock. */
	protected volatile int childRestarts;

	protected Owner() {
	}

	// ---- who runs now

	/**
	 * The process whose code the calling thread is running, if any.
	 * @return the process, or {@code null} on a thread that runs no process
	 */
	public static @Nullable Owner current() {
		Thread thread = Thread.currentThread();
		if (!thread.isVirtual()) {
			// a process's code runs only on virtual threads: a request thread that sends or calls
			// pays no look-up
			return null;
		}
		// the thread's process is in the thread itself (its uncaught-exception handler), not in a
		// thread-local, whose per-thread map would cost every idle process about 136 bytes and
		// every start of a server's thread a new one
		Lookup processes = lookup;
		return (processes != null) ? processes.ofThread(thread) : null;
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
	public static @Nullable Owner currentAlive(String operation) {
		Owner current = current();
		if (current != null) {
			ExitReason reason = current.exitReason;
			if (reason != null && current.exitingOn != Thread.currentThread()) {
				throw deadCaller(current.pid(), reason, operation);
			}
		}
		return current;
	}

	/**
	 * The calling process, which must be a live process of {@code runtime}: the operations that
	 * act in the caller's name (register, join, lock, monitor, spawnLink) start here.
	 * @param runtime the runtime the operation belongs to
	 * @param operation what the caller is doing, for the message
	 * @return the calling process
	 * @throws IllegalStateException when the calling thread runs no process of {@code runtime}
	 * @throws ProcessExitException when the calling process has exited
	 */
	public static Owner currentOf(ProcessRuntime runtime, String operation) {
		Owner current = currentAlive(operation);
		if (current == null) {
			throw new IllegalStateException(operation + " must be called from a process of runtime " + runtime.node()
					+ ", but thread '" + Thread.currentThread().getName() + "' runs no process");
		}
		if (current.runtime() != runtime) {
			throw new IllegalStateException(operation + " must be called from a process of runtime " + runtime.node()
					+ ", but " + current.pid() + " belongs to another runtime");
		}
		return current;
	}

	/**
	 * The exception that refuses an operation of a process that has exited but whose code still
	 * runs (it swallowed the kill's interrupt): nothing is done in a dead process's name.
	 * @param pid the dead process
	 * @param reason its exit reason
	 * @param operation what it tried
	 * @return the exception
	 */
	public static ProcessExitException deadCaller(Pid pid, ExitReason reason, String operation) {
		return new ProcessExitException(pid, reason,
				operation + " refused: the calling process " + pid + " has exited (" + reason + ")");
	}

	// ---- finding the process behind a pid

	/**
	 * The process behind a pid of a runtime.
	 * @param runtime the runtime
	 * @param pid a pid
	 * @return the process, alive or dead, or {@code null} when the runtime never had it
	 */
	public static @Nullable Owner of(ProcessRuntime runtime, Pid pid) {
		Lookup current = lookup;
		// no lookup yet: no process was ever made in this JVM, so none is behind the pid
		return (current != null) ? current.find(runtime, pid) : null;
	}

	/** Installs how runtimes find their processes; once, by the runtime's process class. */
	protected static void installLookup(Lookup installed) {
		synchronized (Owner.class) {
			if (lookup != null) {
				throw new IllegalStateException("the process lookup is installed already");
			}
			lookup = installed;
		}
	}

	/** How a runtime finds the process behind a pid, and a thread the process it runs. */
	protected interface Lookup {

		@Nullable Owner find(ProcessRuntime runtime, Pid pid);

		/** @return the process whose code {@code thread} runs now (a spawned process's own thread, or a server's), or {@code null} */
		@Nullable Owner ofThread(Thread thread);

	}

	// ---- the process

	/** @return this process's pid */
	public abstract Pid pid();

	/** @return the runtime this process belongs to */
	public abstract ProcessRuntime runtime();

	/** @return whether this process has not exited */
	public final boolean isAlive() {
		return this.exitReason == null;
	}

	/** @return why this process exited, or {@code null} while it is alive */
	public final @Nullable ExitReason exitReason() {
		return this.exitReason;
	}

	// ---- exit hooks

	/**
	 * Attaches a hook that runs once when this process exits.
	 * @param hook a hook attached to no process
	 * @return {@code true} when attached; {@code false} when this process is already dead, in
	 * which case the hook will never run
	 * @throws StackOverflowError (or any failure of the hook's {@link ExitHook#attached()}) with
	 * the hook linked but its bookkeeping not done: the caller must {@link #detach} it
	 */
	public final boolean attach(ExitHook hook) {
		synchronized (this) {
			if (this.exitReason != null) {
				return false;
			}
			if (hook.attachedTo != null) {
				throw new IllegalStateException("exit hook is already attached to " + hook.attachedTo.pid());
			}
			int restarts = hook.childRestarts();
			if (restarts >= 0) {
				this.childRestarts = restarts;
			}
			hook.prev = null;
			hook.next = this.hooks;
			if (this.hooks != null) {
				this.hooks.prev = hook;
			}
			this.hooks = hook;
			// only once linked: a detach trusts it, and one of a hook whose attach failed before
			// the link (a call past the end of the stack) must find it not attached
			hook.attachedTo = this;
			hook.attached();
			return true;
		}
	}

	/**
	 * Attaches a hook, or runs it now: the one idiom of every structure that indexes a process
	 * (registry entries, group memberships, names, monitors, locks, exit listeners). The caller
	 * first writes its entry where readers find it, then attaches the hook that takes it out at
	 * the death. If the process died in between, the death's cleanup has run already and will
	 * never see the entry, so the hook's {@link ExitHook#attachFailed} takes it out here. Readers
	 * skip entries of dead owners meanwhile, so no one sees the entry with a dead owner.
	 * <pre>{@code
	 * table.put(key, entry);                  // write
	 * if (owner.attachOrRun(entry)) { ... }   // attach, or undo at once
	 * }</pre>
	 * @param hook a hook attached to no process
	 * @return {@code true} when attached; {@code false} when the process was dead, and the hook's
	 * {@code attachFailed} has run
	 */
	public final boolean attachOrRun(ExitHook hook) {
		if (attach(hook)) {
			return true;
		}
		ExitReason reason = this.exitReason;
		hook.attachFailed(this, (reason != null) ? reason : ExitReason.NOPROC);
		return false;
	}

	/**
	 * Detaches a hook so that it will not run.
	 * @param hook the hook
	 * @return {@code true} when it was attached and now will not run; {@code false} when it was
	 * not attached here, or this process already exited (the hook then runs, or has run)
	 * @throws StackOverflowError (or any failure of the hook's {@link ExitHook#detached()}) with
	 * the hook still attached, as if the detach had not been made
	 */
	public final boolean detach(ExitHook hook) {
		synchronized (this) {
			if (this.exitReason != null || hook.attachedTo != this) {
				return false;
			}
			// first, while nothing has changed: a hook whose bookkeeping fails stays attached
			hook.detached();
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

	// ---- the death

	/**
	 * The death itself; the caller holds this process's lock and has checked that it is alive.
	 * Runs every hook's {@link ExitHook#ownerDying()}, sets the liveness word and takes the hooks.
	 * A hook that runs out of stack is run again on a fresh one ({@link #ownerDyingOnAFreshStack}),
	 * so a kill made deep in a recursion still kills.
	 * @param reason why
	 * @return the hooks to run with {@link #runHooks}, newest first
	 */
	protected final @Nullable ExitHook markDead(ExitReason reason) {
		for (ExitHook hook = this.hooks; hook != null; hook = hook.next) {
			try {
				hook.ownerDying();
			}
			catch (StackOverflowError ex) {
				if (!hook.ownerDyingMayRunElsewhere()) {
					throw ex; // the killer holds what the hook needs: waiting for another thread would hang
				}
				ownerDyingOnAFreshStack(hook, ex);
			}
		}
		this.exitReason = reason;
		ExitHook taken = this.hooks;
		this.hooks = null;
		return taken;
	}

	/**
	 * Runs a hook's {@link ExitHook#ownerDying()} again on a thread of its own, whose stack is
	 * fresh, and waits for it, still under this process's lock: the killer's stack ran out in it
	 * (a kill made deep in a recursion). Thrown on, the error would have stopped the death half
	 * way, with the process alive, some hooks told it was dying and the killer handed a
	 * {@code StackOverflowError}. The hook takes only its own leaf lock, never this one, so the
	 * wait cannot deadlock; {@code ownerDying} must bear a second run after a first that failed
	 * part way. Once the thread has started, nothing leaves here before it has ended: a hook run
	 * with this lock let go could race a second kill's run of it and count its entry out twice,
	 * so a wait that itself runs out of stack waits on by looking, which needs next to none. If
	 * the thread cannot be started, or the hook fails there too, the error goes on as before.
	 */
	private void ownerDyingOnAFreshStack(ExitHook hook, StackOverflowError cause) {
		Throwable[] failure = new Throwable[1];
		Thread helper = Thread.ofPlatform().name("procreg-owner-dying").daemon().unstarted(() -> {
			try {
				hook.ownerDying();
			}
			catch (Throwable ex) {
				failure[0] = ex;
			}
		});
		try {
			helper.start();
		}
		catch (Throwable ex) {
			if (helper.getState() == Thread.State.NEW) {
				cause.addSuppressed(ex);
				throw cause; // nothing runs the hook: the death stops here, as it would have
			}
			// it runs all the same: wait for it below
		}
		boolean interrupted = false;
		for (;;) {
			try {
				OwnerFaults.beforeFreshStackAwaited();
				helper.join();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true; // the killer's interrupt is its own: kept for it, after the death
			}
			catch (StackOverflowError ex) {
				while (helper.isAlive()) {
					Thread.onSpinWait();
				}
				break;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		if (failure[0] != null) {
			cause.addSuppressed(failure[0]);
			throw cause;
		}
	}

	/**
	 * Runs the hooks {@link #markDead} took: cleanup first (registry entries, names, locks), then
	 * whoever is told of the death (monitors, waiting callers, exit listeners), so that by the
	 * time anyone hears, the cleanup is done. A failing hook is logged and the rest run.
	 * @param taken the hooks
	 * @param reason why the process exited
	 * @param betweenCleanupAndNotice runs after the cleanup and before anyone is told (operators'
	 * feeds, so that an {@code awaitExit} that returns has the exit in every feed)
	 */
	protected final void runHooks(@Nullable ExitHook taken, ExitReason reason, Runnable betweenCleanupAndNotice) {
		for (ExitHook hook = taken; hook != null; hook = hook.next) {
			if (!hook.notifies()) {
				runHook(hook, reason);
			}
		}
		betweenCleanupAndNotice.run();
		for (ExitHook hook = taken; hook != null;) {
			ExitHook next = hook.next;
			if (hook.notifies()) {
				runHook(hook, reason);
			}
			hook.prev = null;
			hook.next = null;
			hook.attachedTo = null;
			hook = next;
		}
	}

	private void runHook(ExitHook hook, ExitReason reason) {
		try {
			hook.processExited(this, reason);
		}
		catch (Throwable ex) {
			logger.error("Exit hook {} of {} failed", hook, pid(), ex);
		}
	}

	/**
	 * The names a process is registered under, from its hooks.
	 * @param first the first hook: those {@link #markDead} took, or {@link #firstHook()} under the lock
	 * @return the names, in hook order
	 */
	protected static List<String> registeredNames(@Nullable ExitHook first) {
		List<String> names = new ArrayList<>(2);
		for (ExitHook hook = first; hook != null; hook = hook.next) {
			String name = hook.registeredName();
			if (name != null) {
				names.add(name);
			}
		}
		return names;
	}

	/** @return the newest attached hook; only under this process's lock */
	protected final @Nullable ExitHook firstHook() {
		return this.hooks;
	}

	/**
	 * What the hooks {@link #markDead} took add to a crash report.
	 * @param taken the hooks
	 * @param names receives the names the process was registered under
	 * @param context receives each hook's crash context, each after {@code ", "}
	 */
	protected static void describeCrash(@Nullable ExitHook taken, List<String> names, StringBuilder context) {
		for (ExitHook hook = taken; hook != null; hook = hook.next) {
			String name = hook.registeredName();
			if (name != null) {
				names.add(name);
			}
			String more = hook.crashContext();
			if (more != null) {
				context.append(", ").append(more);
			}
		}
	}

	@Override
	public String toString() {
		return pid().toString();
	}

}
