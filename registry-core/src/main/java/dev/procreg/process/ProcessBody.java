package dev.procreg.process;

/**
 * The code of a process started with {@link ProcessRuntime#spawn(ProcessBody)}. It runs on a
 * virtual thread of its own; when it returns the process exits {@code normal}, when it throws the
 * process crashes with what it threw. The thread's uncaught-exception handler is the process
 * itself: it is how the runtime knows which process the thread runs (for {@code send},
 * {@code register} and every other call made in the process's name), so the body must not replace
 * it. Threads the body starts are not the process.
 *
 * <pre>{@code
 * Pid echo = runtime.spawn(ctx -> {
 *     while (true) {
 *         if (ctx.receive() instanceof Ping(Pid from)) {
 *             ctx.send(from, new Pong(ctx.self()));
 *         }
 *     }
 * });
 * }</pre>
 */
@FunctionalInterface
public interface ProcessBody {

	/**
	 * Runs the process.
	 * @param context the process's own view of the runtime
	 * @throws Exception anything; the process then exits with {@link ExitReason.Crash}
	 */
	void run(ProcessContext context) throws Exception;

}
