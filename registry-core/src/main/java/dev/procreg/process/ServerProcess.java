package dev.procreg.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * The process behind a {@link GenServer}. It holds no thread while its mailbox is empty.
 *
 * <h2>The runner word</h2>
 * {@code runner} says who may run the server's code: {@link #IDLE} (nobody; the next message
 * schedules it), {@link #SCHEDULED} (a virtual thread is about to), a {@link Thread} (that thread
 * runs it now: a drain thread, a starter running {@code init}, or a caller running
 * {@code handleCall} inline), or, once the process is dead, {@link #STOPPED} or
 * {@link #INTERRUPTED}. Only the thread named in it touches the state and consumes the mailbox.
 *
 * <p>A runner lets go with one compare-and-set back to {@code IDLE}, then re-checks the mailbox,
 * so a message sent in between is never stranded. A process that kills the server while another
 * thread runs its code swaps that thread out ({@code INTERRUPTING}), interrupts it (unless it is
 * lent to a further inline call) and publishes {@code INTERRUPTED}; the runner's release then
 * fails, and it clears the interrupt before its thread goes back to the caller, so the kill never
 * leaks into the caller's own code.
 */
final class ServerProcess extends LocalProcess implements Runnable {

	private static final Object IDLE = new Marker("idle");

	private static final Object SCHEDULED = new Marker("scheduled");

	private static final Object INTERRUPTING = new Marker("interrupting");

	private static final Object STOPPED = new Marker("stopped");

	/** Stopped by a process that interrupted the thread running this server's code. */
	private static final Object INTERRUPTED = new Marker("interrupted");

	/** Messages a drain thread handles before it lets other virtual threads run. */
	private static final int BATCH = 64;

	/** Queued messages an inline caller handles for others before going back to its own code. */
	private static final int COMBINE = 16;

	private static final VarHandle RUNNER;

	static {
		try {
			RUNNER = MethodHandles.lookup().findVarHandle(ServerProcess.class, "runner", Object.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	@SuppressWarnings("unused") // through RUNNER
	private volatile Object runner;

	private final GenServer<Object> server;

	// owned by the runner
	private @Nullable Object state;

	private long generation;

	/** Set by this server's runner when it interrupted itself after a nested inline call. */
	private boolean interruptedByLending;

	private @Nullable ScheduledFuture<?> idleTimer;

	/** Set before {@code init}: how long the server may go without a message before it stops. */
	@Nullable Duration idleShutdown;

	/**
	 * With an idle shutdown: when the server last finished handling a message. One timer per
	 * idle period checks it, so a message costs a clock read, not a timer to cancel and re-arm.
	 */
	private long lastActive;

	private @Nullable ScheduledFuture<?> shutdownTimer;

	@SuppressWarnings("unchecked")
	ServerProcess(ProcessRuntime runtime, long serial, GenServer<?> server) {
		super(runtime, serial);
		this.server = (GenServer<Object>) server;
		this.runner = Thread.currentThread();
		server.bind(this);
	}

	// ---- start

	/** Runs {@code init} on the starting thread, which owns the runner word until it returns. */
	StartResult init(@Nullable Object arg) {
		Thread me = Thread.currentThread();
		LocalProcess caller = current();
		try {
			enterLending(caller);
		}
		catch (ProcessExitException ex) {
			// the starter died before init could run: the new process must not outlive the start
			exit(ExitReason.NORMAL);
			release(me);
			throw ex;
		}
		setCurrent(this);
		StartResult result;
		try {
			GenServer.Init<Object> init = this.server.init(arg);
			if (init == null) {
				throw new IllegalStateException(this.server.getClass().getName() + ".init returned null");
			}
			result = switch (init) {
				case GenServer.Init.Ok<Object> ok -> {
					this.state = ok.state();
					armIdleTimer(ok.timeout());
					yield new StartResult.Started(this.pid);
				}
				case GenServer.Init.Stop<Object> stop -> {
					exit(stop.reason());
					yield new StartResult.Failed(stop.reason());
				}
				case GenServer.Init.Ignore<Object> ignore -> {
					exit(ExitReason.NORMAL);
					yield new StartResult.Ignored();
				}
			};
		}
		catch (Throwable ex) {
			exit(isAlive() ? ExitReason.crash(ex) : exitReasonOrNormal());
			result = new StartResult.Failed(exitReasonOrNormal());
		}
		finally {
			setCurrent(caller);
		}
		return leaveInit(me, caller, result);
	}

	private StartResult leaveInit(Thread me, @Nullable LocalProcess caller, StartResult result) {
		release(me);
		exitLending(caller);
		if (result instanceof StartResult.Started && !isAlive()) {
			return new StartResult.Failed(exitReasonOrNormal());
		}
		return result;
	}

	private ExitReason exitReasonOrNormal() {
		ExitReason reason = exitReason();
		return (reason != null) ? reason : ExitReason.NORMAL;
	}

	// ---- calls

	/**
	 * A call from any thread. When the server is idle with an empty mailbox, the caller takes
	 * the runner word and runs {@code handleCall} itself; otherwise the request is queued and the
	 * caller waits for the outcome.
	 */
	@Nullable Object call(Object request, Name name, Duration timeout) {
		LocalProcess caller = current();
		if (caller == this) {
			throw new IllegalStateException(this.pid + " called itself; a server cannot wait for its own reply");
		}
		long nanos = ProcessRuntime.nanos(timeout);
		long start = System.nanoTime();
		From from = new From(request, (caller != null) ? caller.pid : null);
		boolean attached = false;
		Thread me = Thread.currentThread();
		if (RUNNER.getAcquire(this) == IDLE && mailboxEmpty() && RUNNER.compareAndSet(this, IDLE, me)) {
			if (mailboxEmpty() && isAlive()) {
				runInline(me, caller, from, start, nanos);
				if (from.replied() && System.nanoTime() - start >= nanos) {
					// the handler outlasted the caller's timeout: as with a queued call, the server did
					// the work and the caller gets a timeout, never the late reply
					throw new CallTimeoutException(name, timeout);
				}
				if (!from.settled()) {
					// a deferred reply: wait for it like a queued call, failing if the server is gone
					attached = attach(from);
					if (!attached) {
						from.fail(this.pid, exitReasonOrNormal());
					}
				}
			}
			else {
				release(me);
			}
		}
		if (!attached && !from.settled()) {
			if (!attach(from)) {
				throw new NoProcessException(name, "no process: " + name + " (" + this.pid + ") is not alive");
			}
			attached = true;
			deliver(from);
		}
		try {
			return from.await(name, start, nanos, timeout);
		}
		finally {
			if (attached) {
				detach(from);
			}
		}
	}

	/**
	 * Runs the caller's request on the caller's thread. It cannot be cut short: a handler that
	 * outlasts the caller's timeout still finishes, and then the call times out (the reply is
	 * dropped, {@link From#await} sees the deadline passed). Queued requests of others are
	 * handled too while the deadline allows, so a busy caller does not strand them.
	 */
	private void runInline(Thread me, @Nullable LocalProcess caller, From from, long start, long nanos) {
		try {
			enterLending(caller);
		}
		catch (ProcessExitException ex) {
			release(me);
			throw ex;
		}
		setCurrent(this);
		try {
			dispatch(from);
			// the clock is read only when others' messages are waiting
			for (int i = 0; i < COMBINE && !mailboxEmpty() && System.nanoTime() - start < nanos; i++) {
				if (drain(1) == 0) {
					break;
				}
			}
		}
		finally {
			setCurrent(caller);
			release(me);
			exitLending(caller);
		}
	}

	private static void enterLending(@Nullable LocalProcess caller) {
		if (caller != null) {
			caller.lent = true;
			ExitReason reason = caller.exitReason();
			if (reason != null) {
				caller.lent = false;
				throw ProcessExitException.unwinding(caller.pid, reason);
			}
		}
	}

	private static void exitLending(@Nullable LocalProcess caller) {
		if (caller != null) {
			caller.lent = false;
			if (!caller.isAlive()) {
				// killed while its thread ran this server's code: the kill skipped the interrupt
				Thread.currentThread().interrupt();
				if (caller instanceof ServerProcess server) {
					server.interruptedByLending = true;
				}
			}
		}
	}

	/** Lets go of the runner word; reschedules when messages came in meanwhile. */
	private void release(Thread me) {
		if (RUNNER.compareAndSet(this, me, IDLE)) {
			if (!mailboxEmpty() && RUNNER.compareAndSet(this, IDLE, SCHEDULED)) {
				runtime().schedule(this);
			}
			return;
		}
		Object now;
		while ((now = RUNNER.getVolatile(this)) == INTERRUPTING) {
			Thread.onSpinWait();
		}
		if (now == INTERRUPTED || this.interruptedByLending) {
			// the process died while this thread ran its code, and an interrupt was sent to that
			// code (by the kill, or by exitLending after a nested inline call): not the thread's own
			Thread.interrupted();
		}
	}

	// ---- the drain thread

	@Override
	void wake() {
		if (RUNNER.getAcquire(this) == IDLE && RUNNER.compareAndSet(this, IDLE, SCHEDULED)) {
			runtime().schedule(this);
		}
	}

	@Override
	public void run() {
		Thread me = Thread.currentThread();
		if (!RUNNER.compareAndSet(this, SCHEDULED, me)) {
			return;
		}
		setCurrent(this);
		try {
			for (;;) {
				int handled = drain(BATCH);
				if (!RUNNER.compareAndSet(this, me, IDLE)) {
					release(me);
					return;
				}
				if (mailboxEmpty() || !RUNNER.compareAndSet(this, IDLE, me)) {
					return;
				}
				if (handled == BATCH) {
					Thread.yield();
				}
			}
		}
		finally {
			setCurrent(null);
		}
	}

	private int drain(int limit) {
		int handled = 0;
		while (handled < limit && isAlive()) {
			Object message = poll();
			if (message == null) {
				break;
			}
			dispatch(message);
			handled++;
		}
		return handled;
	}

	// ---- dispatch

	private void dispatch(Object message) {
		Object info = message;
		if (message instanceof IdleTimeout timeout) {
			if (timeout.shutdown) {
				idleShutdownDue();
				return;
			}
			if (timeout.generation != this.generation) {
				return;
			}
			info = GenServer.Timeout.TIMEOUT;
		}
		this.generation++;
		ScheduledFuture<?> timer = this.idleTimer;
		if (timer != null) {
			timer.cancel(false);
			this.idleTimer = null;
		}
		From from = null;
		try {
			GenServer.Result<Object> result;
			if (message instanceof From call) {
				from = call;
				result = this.server.handleCall(call.request, call, this.state);
				check(result, "handleCall");
			}
			else if (message instanceof Cast cast) {
				result = this.server.handleCast(cast.request(), this.state);
				check(result, "handleCast");
			}
			else if (message instanceof SystemStop stop) {
				terminate(stop.reason());
				return;
			}
			else if (message instanceof Down down && down.ref().flushed) {
				armIdleTimer(null);
				return;
			}
			else {
				result = this.server.handleInfo(info, this.state);
				check(result, "handleInfo");
			}
			if (isAlive()) {
				// killed while the callback ran: a dead server neither replies nor changes state
				apply(result, from);
			}
		}
		catch (Throwable ex) {
			crash(ex, from);
		}
	}

	private void check(GenServer.@Nullable Result<Object> result, String callback) {
		if (result == null) {
			throw new IllegalStateException(this.server.getClass().getName() + "." + callback + " returned null");
		}
		if (!callback.equals("handleCall") && (result instanceof GenServer.Result.Reply<Object>
				|| result instanceof GenServer.Result.Stop<Object> stop && stop.replies())) {
			throw new IllegalStateException(this.server.getClass().getName() + "." + callback
					+ " returned a reply, but only handleCall can reply; return noReply(state)");
		}
	}

	private void apply(GenServer.Result<Object> result, @Nullable From from) {
		switch (result) {
			case GenServer.Result.Reply<Object> reply -> {
				this.state = reply.state();
				if (from != null) {
					from.reply(reply.reply());
				}
				armIdleTimer(reply.timeout());
			}
			case GenServer.Result.NoReply<Object> noReply -> {
				this.state = noReply.state();
				armIdleTimer(noReply.timeout());
			}
			case GenServer.Result.Stop<Object> stop -> {
				this.state = stop.state();
				if (stop.replies() && from != null) {
					from.reply(stop.reply());
				}
				terminate(stop.reason());
			}
		}
	}

	private void crash(Throwable error, @Nullable From from) {
		if (!isAlive()) {
			return; // killed while running: the exception is the kill's interrupt
		}
		ExitReason reason = ExitReason.crash(error);
		try {
			this.server.terminate(reason, this.state);
		}
		catch (Throwable ex) {
			error.addSuppressed(ex);
		}
		exit(reason);
		if (from != null) {
			from.fail(this.pid, reason);
		}
	}

	private void terminate(ExitReason reason) {
		ExitReason outcome = reason;
		try {
			this.server.terminate(reason, this.state);
		}
		catch (Throwable ex) {
			outcome = ExitReason.crash(ex);
		}
		exit(outcome);
	}

	/**
	 * Arms the callback's idle timeout or, without one, marks the server active for its idle
	 * shutdown, arming the shutdown timer when none runs.
	 */
	private void armIdleTimer(@Nullable Duration timeout) {
		if (timeout != null) {
			IdleTimeout message = new IdleTimeout(this.generation, false);
			this.idleTimer = runtime().scheduler().schedule(() -> deliver(message), timeout.toNanos(),
					TimeUnit.NANOSECONDS);
			return;
		}
		Duration idle = this.idleShutdown;
		if (idle != null) {
			this.lastActive = System.nanoTime();
			if (this.shutdownTimer == null) {
				armShutdownTimer(idle.toNanos());
			}
		}
	}

	private void armShutdownTimer(long nanos) {
		IdleTimeout message = new IdleTimeout(0, true);
		this.shutdownTimer = runtime().scheduler().schedule(() -> deliver(message), nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * The shutdown timer fired: stop when no message came for the whole idle shutdown (and no
	 * callback timeout or queued message is pending); otherwise check again when the period
	 * counted from the last message ends.
	 */
	private void idleShutdownDue() {
		this.shutdownTimer = null;
		Duration idle = this.idleShutdown;
		if (idle == null || this.idleTimer != null || !mailboxEmpty()) {
			return; // the next message handled, or the callback's timeout, arms it again
		}
		long left = idle.toNanos() - (System.nanoTime() - this.lastActive);
		if (left > 0) {
			armShutdownTimer(left);
			return;
		}
		terminate(ExitReason.SHUTDOWN);
	}

	// ---- signals and death

	/**
	 * Exit signals as in OTP, with one addition for Java's habits: a {@code shutdown} signal that
	 * is not trapped (from the supervisor, from {@code stop} or from the runtime closing) lets the
	 * server run {@code terminate}. Trapped signals from the parent stop the server too, as in
	 * OTP; trapped signals from others arrive as {@link Exit} messages.
	 */
	@Override
	@Nullable ExitReason onExitSignal(@Nullable Pid from, ExitReason reason, boolean fromLink) {
		if (!isAlive()) {
			return null;
		}
		if (!fromLink && reason == ExitReason.KILL) {
			return ExitReason.KILLED;
		}
		if (this.trapExits) {
			boolean fromParent = from != null && from.equals(this.parent);
			deliver(fromParent ? new SystemStop(reason) : new Exit(from, reason));
			return null;
		}
		if (reason.equals(ExitReason.SHUTDOWN)) {
			deliver(new SystemStop(reason));
			return null;
		}
		if (reason.equals(ExitReason.NORMAL)) {
			return this.pid.equals(from) ? ExitReason.NORMAL : null;
		}
		return reason;
	}

	@Override
	void shutdown() {
		stopGracefully(ExitReason.SHUTDOWN);
	}

	void stopGracefully(ExitReason reason) {
		deliver(new SystemStop(reason));
	}

	void cast(Object request) {
		deliverBounded(new Cast(request));
	}

	@Override
	void stopRunning() {
		ScheduledFuture<?> timer = this.idleTimer;
		if (timer != null) {
			timer.cancel(false);
		}
		ScheduledFuture<?> shutdown = this.shutdownTimer;
		if (shutdown != null) {
			shutdown.cancel(false);
		}
		Thread me = Thread.currentThread();
		for (;;) {
			Object current = RUNNER.getVolatile(this);
			if (current == STOPPED || current == INTERRUPTING || current == INTERRUPTED) {
				return;
			}
			if (current instanceof Thread thread && thread != me) {
				if (RUNNER.compareAndSet(this, thread, INTERRUPTING)) {
					boolean interrupt = !this.lent;
					if (interrupt) {
						thread.interrupt();
					}
					RUNNER.setVolatile(this, interrupt ? INTERRUPTED : STOPPED);
					return;
				}
			}
			else if (RUNNER.compareAndSet(this, current, STOPPED)) {
				return;
			}
		}
	}

	@Override
	String describeForCrash() {
		return " in " + this.server.getClass().getName();
	}

	@Override
	@Nullable String serverClass() {
		return this.server.getClass().getName();
	}

	@Override
	ProcessInfo.Status status() {
		Object current = RUNNER.getVolatile(this);
		if (!isAlive()) {
			return ProcessInfo.Status.EXITED;
		}
		if (current == IDLE) {
			return ProcessInfo.Status.WAITING;
		}
		return (current == SCHEDULED) ? ProcessInfo.Status.RUNNABLE : ProcessInfo.Status.RUNNING;
	}

	@Override
	public Object receive() {
		throw notForServers();
	}

	@Override
	public Optional<Object> receive(Duration timeout) {
		throw notForServers();
	}

	@Override
	public Optional<Object> receive(Predicate<Object> matcher, Duration timeout) {
		throw notForServers();
	}

	private UnsupportedOperationException notForServers() {
		return new UnsupportedOperationException(
				"a GenServer receives messages through handleCall, handleCast and handleInfo, not receive");
	}

	private record Cast(Object request) {
	}

	private record SystemStop(ExitReason reason) {
	}

	private record IdleTimeout(long generation, boolean shutdown) {
	}

	private record Marker(String name) {
	}

}
