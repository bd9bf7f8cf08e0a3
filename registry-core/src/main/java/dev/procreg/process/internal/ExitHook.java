package dev.procreg.process.internal;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;

/**
 * Something that must happen when a process exits: a registry entry to drop, a monitor to fire,
 * a caller to wake. Hooks are attached to an {@link Owner} and run exactly once, by the thread
 * that makes the process exit, after the process is already dead for every observer.
 *
 * <p>Hooks form an intrusive doubly linked list guarded by the process's lock, so attaching and
 * detaching cost no allocation and O(1) whatever the number of hooks. A hook is attached to at
 * most one process at a time.
 */
public abstract class ExitHook {

	@Nullable ExitHook prev;

	@Nullable ExitHook next;

	/** The process this hook is attached to; null when detached or after it ran. */
	@Nullable Owner attachedTo;

	protected ExitHook() {
	}

	/**
	 * Runs once when the process this hook is attached to exits. Must not block.
	 * @param process the process that exited
	 * @param reason why it exited
	 */
	protected abstract void processExited(Owner process, ExitReason reason);

	/**
	 * Runs instead of attaching, when {@link Owner#attachOrRun} found the process dead already:
	 * whatever the caller wrote for this hook (a registry entry, a group membership, a name) was
	 * written after the death's cleanup ran, and must come out again. By default the hook's exit
	 * action runs now, as it would have at the death; a hook whose write is not yet visible to
	 * anyone (so that its exit action would tell of something that never was) overrides this.
	 * @param process the dead process
	 * @param reason why it exited
	 */
	protected void attachFailed(Owner process, ExitReason reason) {
		processExited(process, reason);
	}

	/**
	 * Runs under the process's lock when this hook is attached, before any death or detach can
	 * follow; with {@link #detached()} and {@link #ownerDying()} it lets a hook keep its own copy
	 * of "attached to a live owner" (a registry entry does, so that a read needs no trip to the
	 * owner). Must be short, must not block or take locks. It may fail only for want of stack or
	 * memory: the hook is then linked, the attach throws, and the attaching code must detach it.
	 */
	protected void attached() {
	}

	/**
	 * Runs under the process's lock when this hook is about to be detached from a live process,
	 * before it is unlinked: with {@link #attached()} and {@link #ownerDying()} it lets a hook keep
	 * bookkeeping exact (a registry's entry count). Must be short, must not block or take locks.
	 * It may fail only for want of stack or memory: the hook then stays attached, and the detach
	 * throws.
	 */
	protected void detached() {
	}

	/**
	 * Runs once under the process's lock just before the process is marked dead, for
	 * bookkeeping that must be done by the moment the death is visible, such as a registry's
	 * entry count. Must be short, and may fail only for want of stack. It may take a leaf lock of
	 * its own structure and wait there for that structure alone (a unique registry entry clears
	 * its slot's pid under its key's stripe, and waits at the table's gate while the table is
	 * rebuilt, which waits for no process), but never another process's lock. A run that fails for want of stack is run
	 * again on a fresh stack, so a run that failed part way must leave it able to do the rest once
	 * ({@link Owner#markDead}).
	 */
	protected void ownerDying() {
	}

	/**
	 * Whether {@link #ownerDying()} may run again on another thread while the calling thread
	 * waits for it ({@link Owner#markDead}): not when the calling thread holds a lock the hook
	 * takes, which that thread would then wait for for ever.
	 * @return {@code true} unless the calling thread holds a lock this hook's {@code ownerDying} takes
	 */
	protected boolean ownerDyingMayRunElsewhere() {
		return true;
	}

	/**
	 * Whether this hook tells someone of the exit (a monitor's {@code Down}, a waiting caller, a
	 * latch) rather than cleaning up after the process. Telling hooks run after every cleaning
	 * one, so whoever learns of an exit finds the process gone from registries and names.
	 * @return whether this hook notifies
	 */
	public boolean notifies() {
		return false;
	}

	/**
	 * The name the process is known by through this hook, shown in process information and
	 * crash reports.
	 * @return the name, or {@code null} when this hook is no name
	 */
	public @Nullable String registeredName() {
		return null;
	}

	/**
	 * For a hook that stands for a supervisor's record of the process: how many times the
	 * supervisor had restarted that child when it started this process. Operators' tables read it
	 * without asking the supervisor.
	 * @return the count, or -1 when this hook is no supervisor's record
	 */
	protected int childRestarts() {
		return -1;
	}

	/**
	 * What this hook adds to the process's crash report, such as the supervisor and child id of
	 * a supervised child, so that the crash is logged once with its context.
	 * @return the context, or {@code null} to add nothing
	 */
	public @Nullable String crashContext() {
		return null;
	}

	/**
	 * The process whose code this hook stands for when it watches another one, such as the
	 * watcher of a monitor, shown as "monitored by" in process information.
	 * @return the watcher's pid, or {@code null}
	 */
	public dev.procreg.process.@Nullable Pid watcher() {
		return null;
	}

}
