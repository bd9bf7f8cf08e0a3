package dev.procreg.process;

/**
 * The code of a process started with {@link ProcessRuntime#spawn(ProcessBody)}. It runs on a
 * virtual thread of its own; when it returns the process exits {@code normal}, when it throws the
 * process crashes with what it threw.
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
	 * @param context the process's own view of the runtime, with its mailbox
	 * @throws Exception anything; the process then exits with {@link ExitReason.Crash}
	 */
	void run(ReceivingContext context) throws Exception;

}
