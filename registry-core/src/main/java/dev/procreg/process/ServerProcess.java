package dev.procreg.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process behind a {@link GenServer}. Its callbacks run only on a virtual thread of its own,
 * started when a message arrives; an idle server holds no thread.
 *
 * <h2>The runner word</h2>
 * {@code runner} says who runs the server's code: {@link #STARTING} (made, {@code init} not yet
 * scheduled), {@link #IDLE} (nobody; the next message schedules a thread), {@link #SCHEDULED} (a
 * virtual thread is about to), the server's own {@link Thread} (it runs callbacks, or lingers for
 * the next message), or {@link #STOPPED} (dead, and no thread runs its code any more). Only the
 * thread named in it touches the state and consumes the mailbox. Callers never run server code:
 * a call is a message carrying a {@link Call}, and the caller parks on it.
 *
 * <p>The thread lets go with one compare-and-set back to {@code IDLE}, then re-checks the
 * mailbox, so a message sent in between is never stranded. Before letting go it lingers: it
 * looks for the next message for a while without parking ({@link #linger}), so a chatty client's
 * next call finds the thread still running, and a sender to a running server pays nothing but
 * the enqueue.
 *
 * <p>A kill marks the process dead (the moment it dies for everyone), then interrupts the
 * server's own thread if one runs its code; never any other thread. That thread publishes
 * {@code STOPPED} when it leaves, and {@link #awaitCodeLeft} waits for that moment, so a
 * supervisor can restart a singleton only once its killed instance has stopped running.
 */
final class ServerProcess extends LocalProcess implements Runnable, Thread.UncaughtExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ServerProcess.class);

	private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

	private static final Object STARTING = new Marker("starting");

	private static final Object IDLE = new Marker("idle");

	private static final Object SCHEDULED = new Marker("scheduled");

	private static final Object STOPPED = new Marker("stopped");

	/** Platform callers' spins that missed in a row before their spins turn short. */
	private static final int MISSES_BEFORE_SHORT = 4;

	/** Calls with a short spin between two long ones, while long spins miss. */
	private static final int PROBE_EVERY = 32;

	/** Messages a server thread handles before it lets other virtual threads run. */
	private static final int BATCH = 64;

	/** The look of a linger from which {@link #status()} calls the server waiting (some 1 µs in). */
	private static final int LOOKS_BEFORE_WAITING = 64;

	private static final VarHandle RUNNER;

	private static final VarHandle LEFT;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			RUNNER = lookup.findVarHandle(ServerProcess.class, "runner", Object.class);
			LEFT = lookup.findVarHandle(ServerProcess.class, "left", CountDownLatch.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	@SuppressWarnings("unused") // through RUNNER
	private volatile Object runner = STARTING;

	/**
	 * Whether the server's thread has been looking for its next message for a while (from its
	 * {@link #LOOKS_BEFORE_WAITING}th look on): only for {@link #status()}, written by that thread
	 * alone and read as a hint. Not from the first look: a linger that the next call ends within a
	 * few looks writes nothing to the server object, whose lines every caller reads ({@link RunnerSide}).
	 */
	private boolean lingering;

	/**
	 * How long the server's next thread lingers for a message before it lets go
	 * ({@link SpinWait#nextLinger}). Written by the sender that schedules a thread, read by that
	 * thread: the runner word orders the two, as it orders {@link #releasedAt}.
	 */
	private long lingerNanos = SpinWait.VIRTUAL_NANOS;

	/** When the server's last thread let go of it after lingering in vain, by the runtime's linger clock. */
	private long releasedAt;

	/**
	 * Platform callers' spins for their replies that missed in a row ({@link #platformSpin}).
	 * Written by callers without synchronization: a hint, where a lost update costs one spin.
	 */
	private byte spinMisses;

	/**
	 * The server's one exit hook for its callers, which also holds the call whose
	 * {@code handleCall} runs: how a call learns of the server's exit ({@link PendingCalls}).
	 */
	private final PendingCalls calls;

	/** Opened once no thread runs this dead server's code; made only when someone waits. */
	@SuppressWarnings("unused") // through LEFT
	private volatile @Nullable CountDownLatch left;

	private final GenServer<Object> server;

	/** What the server's thread writes as it handles messages, kept off the callers' lines ({@link RunnerSide}). */
	private final RunnerSide runnerSide = new RunnerSide();

	/** Set before {@code init}: how long the server may go without a message before it stops. */
	@Nullable Duration idleShutdown;

	private @Nullable ScheduledFuture<?> shutdownTimer;

	/** The pending init's argument and the starter's hand-off; set before the first thread runs. */
	private @Nullable Object initArg;

	private @Nullable Call initFrom;

	/** init returned ignore; read by the starter after the exit settled its wait. */
	private boolean ignored;

	ServerProcess(ProcessRuntime runtime, long serial, GenServer<?> server) {
		this(runtime, serial, server, new PendingCalls());
	}

	/**
	 * A server whose callers' exit hook is given: a test's subclass of {@link PendingCalls} with a
	 * planted bug; production code always passes a plain one.
	 */
	@SuppressWarnings("unchecked")
	ServerProcess(ProcessRuntime runtime, long serial, GenServer<?> server, PendingCalls calls) {
		super(runtime, serial);
		this.server = (GenServer<Object>) server;
		server.bind(this);
		this.calls = calls;
		attach(calls);
	}

	// ---- start

	/**
	 * Runs {@code init} on the server's own thread; the starter parks until it returned (or the
	 * server died). Messages sent meanwhile wait in the mailbox.
	 */
	StartResult init(@Nullable Object arg) {
		LocalProcess starter = current();
		if (starter != null && !starter.isAlive()) {
			// the starter died before init could run: the new process must not outlive the start
			exit(ExitReason.NORMAL);
			ExitReason reason = starter.exitReason();
			throw ProcessExitException.unwinding(starter.pid, (reason != null) ? reason : ExitReason.KILLED);
		}
		Call from = new Call(Init.INSTANCE, (starter != null) ? starter.pid : null);
		if (!attach(from)) {
			return new StartResult.Failed(exitReasonOrNormal());
		}
		this.initArg = arg;
		this.initFrom = from;
		if (!RUNNER.compareAndSet(this, STARTING, SCHEDULED)) {
			detach(from);
			return new StartResult.Failed(exitReasonOrNormal());
		}
		runtime().schedule(this);
		try {
			long spin = Thread.currentThread().isVirtual() ? 0L : SpinWait.PLATFORM_NANOS;
			return (StartResult) from.await(this.pid, System.nanoTime(), Long.MAX_VALUE, FOREVER, spin);
		}
		catch (ProcessExitException ex) {
			if (ex.pid().equals(this.pid)) {
				return this.ignored ? new StartResult.Ignored() : new StartResult.Failed(ex.reason());
			}
			exit(ExitReason.KILLED); // the starter died while init ran: abandon the start
			throw ex;
		}
		catch (ProcessException ex) {
			exit(ExitReason.KILLED); // the starter was interrupted: abandon the start
			throw ex;
		}
		finally {
			detach(from);
		}
	}

	private void runInit() {
		Call from = this.initFrom;
		Object arg = this.initArg;
		this.initFrom = null;
		this.initArg = null;
		if (from == null) {
			return;
		}
		try {
			GenServer.Init<Object> init = this.server.init(arg);
			if (init == null) {
				throw new IllegalStateException(this.server.getClass().getName() + ".init returned null");
			}
			switch (init) {
				case GenServer.Init.Ok<Object> ok -> {
					this.runnerSide.state = ok.state();
					armIdleTimer(ok.timeout());
					if (isAlive()) {
						from.reply(new StartResult.Started(this.pid));
					}
				}
				// the exit settles the starter's wait (its hook), after the runtime forgot the process
				case GenServer.Init.Stop<Object> stop -> exit(stop.reason());
				case GenServer.Init.Ignore<Object> ignore -> {
					this.ignored = true;
					exit(ExitReason.NORMAL);
				}
			}
		}
		catch (Throwable ex) {
			// killed during init: the kill already settled the starter's wait
			exit(isAlive() ? ExitReason.crash(ex) : exitReasonOrNormal());
		}
	}

	private ExitReason exitReasonOrNormal() {
		ExitReason reason = exitReason();
		return (reason != null) ? reason : ExitReason.NORMAL;
	}

	// ---- calls

	/**
	 * A call from any thread: the request goes through the mailbox and the caller parks on its
	 * {@link Call} until the reply, the server's exit or the deadline, whichever comes first.
	 * @param caller the calling process, or {@code null} on a thread that runs none
	 * @param nanos the timeout in nanoseconds, as {@link ProcessRuntime#nanos} checked it
	 */
	@Nullable Object call(@Nullable LocalProcess caller, Object request, Name name, Duration timeout, long nanos) {
		if (caller == this) {
			throw new IllegalStateException(this.pid + " called itself; a server cannot wait for its own reply");
		}
		long start = System.nanoTime();
		Call from = new Call(request, (caller != null) ? caller.pid : null);
		if (!deliverCall(from)) {
			throw new NoProcessException(name, "no process: " + name + " (" + this.pid + ") is not alive");
		}
		boolean platform = !Thread.currentThread().isVirtual();
		try {
			return from.await(name, start, nanos, timeout, platform ? platformSpin() : virtualSpin());
		}
		finally {
			if (platform) {
				spun(from.parked());
			}
		}
	}

	/**
	 * Queues a call, local or remote, without an exit hook of its own: a death after the delivery
	 * finds it in the mailbox or as the call being handled ({@link PendingCalls}); a death that
	 * this delivery overtook is seen by the check after it, which fails the call with the reason.
	 * @param call the call
	 * @return false when the server was dead before the delivery (the call is not queued)
	 */
	boolean deliverCall(Call call) {
		if (!deliver(call)) {
			return false;
		}
		this.calls.delivered(this, call);
		return true;
	}

	/**
	 * How long a platform caller spins for its reply: {@link SpinWait#PLATFORM_NANOS} while such
	 * spins catch their replies; after {@link #MISSES_BEFORE_SHORT} misses in a row (a slow
	 * handler, or a loaded machine where the spinner takes the processor the server needs) only
	 * {@link SpinWait#VIRTUAL_NANOS}, with one long spin every {@link #PROBE_EVERY} calls to notice
	 * when long spins pay again.
	 */
	long platformSpin() {
		int misses = this.spinMisses;
		if (misses < MISSES_BEFORE_SHORT) {
			return SpinWait.PLATFORM_NANOS;
		}
		if (misses >= MISSES_BEFORE_SHORT + PROBE_EVERY) {
			this.spinMisses = MISSES_BEFORE_SHORT - 1; // the probe: a miss goes back to short
			return SpinWait.PLATFORM_NANOS;
		}
		this.spinMisses = (byte) (misses + 1);
		return SpinWait.VIRTUAL_NANOS;
	}

	/**
	 * How long a virtual caller spins for its reply: not at all while the server's thread waits
	 * for a carrier (just scheduled), which is most likely the caller's own: a spin there would
	 * only hold back the server it waits for.
	 */
	private long virtualSpin() {
		return (RUNNER.getVolatile(this) == SCHEDULED) ? 0L : SpinWait.VIRTUAL_NANOS;
	}

	/** Records whether a platform caller's spin caught its reply or it had to park. */
	void spun(boolean parked) {
		int misses = this.spinMisses;
		if (!parked) {
			if (misses != 0) {
				this.spinMisses = 0;
			}
		}
		else if (misses < MISSES_BEFORE_SHORT) {
			this.spinMisses = (byte) (misses + 1);
		}
	}

	// ---- the server's thread

	@Override
	void wake(Object message) {
		if (RUNNER.getVolatile(this) == IDLE && RUNNER.compareAndSet(this, IDLE, SCHEDULED)) {
			// a server is idle only after its thread let go, which stamped the release
			this.lingerNanos = SpinWait.nextLinger(this.lingerNanos, runtime().lingerClock() - this.releasedAt,
					message instanceof Call);
			runtime().schedule(this);
		}
	}

	@Override
	public void run() {
		Thread me = Thread.currentThread();
		if (!RUNNER.compareAndSet(this, SCHEDULED, me)) {
			return;
		}
		// how the thread finds the server whose code it runs (ofThread): no thread-local, whose
		// per-thread map every start of the server's thread would allocate anew
		me.setUncaughtExceptionHandler(this);
		runInit();
		while (isAlive()) {
			if (drain(BATCH) == BATCH) {
				Thread.yield();
				continue;
			}
			if (!isAlive() || linger()) {
				continue;
			}
			this.releasedAt = runtime().lingerClock();
			if (!RUNNER.compareAndSet(this, me, IDLE)) {
				break;
			}
			// a message sent after the last look and before the release scheduled nobody
			if (mailboxEmpty() || !RUNNER.compareAndSet(this, IDLE, me)) {
				return;
			}
		}
		// dead: no one else changes the runner word while it names this thread
		RUNNER.setVolatile(this, STOPPED);
		codeLeft();
	}

	/**
	 * The server whose code {@code thread} runs now: a server is the uncaught-exception handler of
	 * each thread it is scheduled on (as a spawned process is of its own, see
	 * {@link ThreadProcess#ofThread}), and its runner word names the thread while the thread runs
	 * its code or lingers for its next message.
	 * @param thread a thread
	 * @return the server, or {@code null} when the thread runs no server's code now (it has let go
	 * of the server, or its code replaced the handler)
	 */
	static @Nullable ServerProcess ofThread(Thread thread) {
		return (thread.getUncaughtExceptionHandler() instanceof ServerProcess server && RUNNER.getVolatile(server) == thread)
				? server : null;
	}

	/**
	 * What escapes {@link #run()}: its callbacks' failures are caught and become the server's exit,
	 * so only a failure of that exit itself, which would otherwise reach the JDK's default handler,
	 * printed on standard error.
	 */
	@Override
	public void uncaughtException(Thread thread, Throwable ex) {
		logger.error("{} failed outside its callbacks; its exit may be incomplete", this.pid, ex);
	}

	/**
	 * Looks for the next message a few microseconds before the thread lets go of the server
	 * ({@link SpinWait}), longer for a client that keeps coming back ({@link #lingerNanos}): a
	 * client that got its reply while it spun has its next call in by then.
	 * It never parks: a timed park of a virtual thread arms and cancels a timer in the JDK's delay
	 * scheduler, which wakes that scheduler's thread, and the next message starts a thread for
	 * less.
	 * @return whether a message arrived (or the server died) meanwhile
	 */
	private boolean linger() {
		long spin = this.lingerNanos;
		long since = System.nanoTime();
		try {
			for (int look = 1; !messageLinked() && isAlive(); look++) {
				if (look == LOOKS_BEFORE_WAITING) {
					this.lingering = true;
				}
				if (!SpinWait.again(look, since, spin)) {
					return false;
				}
			}
			return true;
		}
		finally {
			if (this.lingering) {
				this.lingering = false;
			}
		}
	}

	/**
	 * Handles up to {@code limit} messages while the server lives; only the thread named in the
	 * runner word may call it (package-private for the model checker's suite, which plays that
	 * thread).
	 * @return how many it handled
	 */
	int drain(int limit) {
		int handled = 0;
		while (handled < limit && isAlive()) {
			Object message = pollLinked();
			if (message == null) {
				break;
			}
			dispatch(message);
			handled++;
		}
		if (handled > 0) {
			mailbox().handled += handled; // made: the messages came from it
		}
		return handled;
	}

	/**
	 * Waits until no thread runs this dead server's code any more.
	 * @return whether that happened within the time
	 */
	@Override
	boolean awaitCodeLeft(long nanos) {
		if (RUNNER.getVolatile(this) == STOPPED) {
			return true;
		}
		CountDownLatch latch = (CountDownLatch) LEFT.getVolatile(this);
		if (latch == null) {
			CountDownLatch made = new CountDownLatch(1);
			latch = (CountDownLatch) LEFT.compareAndExchange(this, null, made);
			if (latch == null) {
				latch = made;
			}
		}
		if (RUNNER.getVolatile(this) == STOPPED) {
			return true;
		}
		try {
			return latch.await(nanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return RUNNER.getVolatile(this) == STOPPED;
		}
	}

	private void codeLeft() {
		CountDownLatch latch = (CountDownLatch) LEFT.getVolatile(this);
		if (latch != null) {
			latch.countDown();
		}
	}

	// ---- dispatch

	private void dispatch(Object message) {
		Object info = message;
		if (message instanceof IdleTimeout timeout) {
			if (timeout.shutdown) {
				idleShutdownDue();
				return;
			}
			if (timeout.generation != this.runnerSide.generation) {
				return;
			}
			info = GenServer.Timeout.TIMEOUT;
		}
		this.runnerSide.generation++;
		ScheduledFuture<?> timer = this.runnerSide.idleTimer;
		if (timer != null) {
			timer.cancel(false);
			this.runnerSide.idleTimer = null;
		}
		Call from = null;
		try {
			GenServer.Result<Object> result;
			if (message instanceof Call call) {
				from = call;
				// published before the liveness check (and read by the exit hook after the death's
				// write): a death that missed this call in the mailbox either sees it here or is seen
				if (!this.calls.handling(this, call)) {
					return;
				}
				result = this.server.handleCall(call.request, call, this.runnerSide.state);
				check(result, "handleCall");
			}
			else if (message instanceof Cast cast) {
				result = this.server.handleCast(cast.request(), this.runnerSide.state);
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
				result = this.server.handleInfo(info, this.runnerSide.state);
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
		finally {
			if (from != null) {
				// lets go of the call: a deferred one (or one a death raced) becomes its own hook
				this.calls.handled(this, from);
			}
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

	private void apply(GenServer.Result<Object> result, @Nullable Call from) {
		switch (result) {
			case GenServer.Result.Reply<Object> reply -> {
				this.runnerSide.state = reply.state();
				if (from != null) {
					from.reply(reply.reply());
				}
				armIdleTimer(reply.timeout());
			}
			case GenServer.Result.NoReply<Object> noReply -> {
				this.runnerSide.state = noReply.state();
				armIdleTimer(noReply.timeout());
			}
			case GenServer.Result.Stop<Object> stop -> {
				this.runnerSide.state = stop.state();
				if (stop.replies() && from != null) {
					from.reply(stop.reply());
				}
				terminate(stop.reason());
			}
		}
	}

	private void crash(Throwable error, @Nullable Call from) {
		if (!isAlive()) {
			return; // killed while running: the exception is the kill's interrupt
		}
		ExitReason reason = ExitReason.crash(error);
		try {
			this.server.terminate(reason, this.runnerSide.state);
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
			this.server.terminate(reason, this.runnerSide.state);
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
			IdleTimeout message = new IdleTimeout(this.runnerSide.generation, false);
			this.runnerSide.idleTimer = runtime().scheduler()
				.schedule(() -> deliver(message), timeout.toNanos(), TimeUnit.NANOSECONDS);
			return;
		}
		Duration idle = this.idleShutdown;
		if (idle != null) {
			this.runnerSide.lastActive = System.nanoTime();
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
		if (idle == null || this.runnerSide.idleTimer != null || !mailboxEmpty()) {
			return; // the next message handled, or the callback's timeout, arms it again
		}
		long left = idle.toNanos() - (System.nanoTime() - this.runnerSide.lastActive);
		if (left > 0) {
			armShutdownTimer(left);
			return;
		}
		terminate(ExitReason.SHUTDOWN);
	}

	// ---- signals and death

	/**
	 * Exit signals as in OTP ({@link LocalProcess#onExitSignal}): trapped signals from the parent
	 * stop the server, as in OTP; trapped signals from others arrive as {@link Exit} messages.
	 */
	@Override
	Object trappedSignal(@Nullable Pid from, ExitReason reason) {
		return (from != null && from.equals(this.parent)) ? new SystemStop(reason) : new Exit(from, reason);
	}

	/**
	 * One addition to OTP for Java's habits: a {@code shutdown} signal that is not trapped (from
	 * the supervisor, from {@code stop} or from the runtime closing) lets the server run
	 * {@code terminate}.
	 */
	@Override
	boolean stopsGracefully(ExitReason reason) {
		if (reason.equals(ExitReason.SHUTDOWN)) {
			deliver(new SystemStop(reason));
			return true;
		}
		return false;
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
		ScheduledFuture<?> timer = this.runnerSide.idleTimer;
		if (timer != null) {
			timer.cancel(false);
		}
		ScheduledFuture<?> shutdown = this.shutdownTimer;
		if (shutdown != null) {
			shutdown.cancel(false);
		}
		for (;;) {
			Object current = RUNNER.getVolatile(this);
			if (current == STOPPED) {
				return;
			}
			if (current instanceof Thread thread) {
				// the server's own thread: it publishes STOPPED itself when it leaves
				if (thread != Thread.currentThread()) {
					thread.interrupt();
				}
				return;
			}
			if (RUNNER.compareAndSet(this, current, STOPPED)) {
				codeLeft();
				return;
			}
		}
	}

	/** @return how long the server's next thread will linger for a message, in nanoseconds */
	long lingerNanos() {
		return this.lingerNanos;
	}

	/** @return whether a thread runs this server's code or lingers for its next message now */
	boolean holdsThread() {
		return RUNNER.getVolatile(this) instanceof Thread;
	}

	/**
	 * @return whether the server has let go of its thread and none is scheduled: the next message
	 * starts one, unless the thread that let go, still looking at the mailbox once more, takes it
	 */
	boolean threadless() {
		return RUNNER.getVolatile(this) == IDLE;
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
		if (current == IDLE || current == STARTING || this.lingering) {
			return ProcessInfo.Status.WAITING;
		}
		return (current == SCHEDULED) ? ProcessInfo.Status.RUNNABLE : ProcessInfo.Status.RUNNING;
	}

	private record Cast(Object request) {
	}

	private record SystemStop(ExitReason reason) {
	}

	/**
	 * What the server's thread writes as it handles messages, in an object of its own rather than
	 * in fields of the server: every caller reads the server object (its liveness, mailbox and
	 * runner word) on every call, and a write to one of its cache lines on every message made each
	 * call wait for that line to come back from the server's core. With the state in the server
	 * object, a call to a server whose state changed on every call took 570–590 ns against
	 * 419–451 ns with it here (benchmark README, "A server's thread writes nothing its callers
	 * read"). Only the thread named in the runner word writes these fields; the runner word's
	 * hand-over orders one thread's writes before the next one's reads. {@link #stopRunning}
	 * reads the idle timer without that order, to cancel it, as it did before. Where the object
	 * lands beside the server's is the allocator's and the collector's choice; padding it would
	 * cost about 128 bytes an idle server.
	 */
	private static final class RunnerSide {

		/** The callbacks' state. */
		@Nullable Object state;

		/** Messages handled, so that a timeout armed before the last one is recognized as stale. */
		long generation;

		@Nullable ScheduledFuture<?> idleTimer;

		/**
		 * With an idle shutdown: when the server last finished handling a message. One timer per
		 * idle period checks it, so a message costs a clock read, not a timer to cancel and re-arm.
		 */
		long lastActive;

	}

	private record IdleTimeout(long generation, boolean shutdown) {
	}

	private record Marker(String name) {
	}

	/** The request of a starter's hand-off, for {@link Call#toString()} and debugging. */
	private enum Init {

		INSTANCE

	}

}
