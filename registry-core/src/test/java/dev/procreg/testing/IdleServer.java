package dev.procreg.testing;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

/**
 * A GenServer that does nothing and answers nothing: a live process for tests that need an owner,
 * a member or a name holder and no behaviour.
 */
public final class IdleServer extends GenServer<Object> {

	/**
	 * Starts one.
	 * @param runtime the runtime
	 * @return its pid
	 */
	public static Pid start(ProcessRuntime runtime) {
		return GenServer.start(runtime, new IdleServer(), null).orThrow();
	}

	@Override
	protected Init<Object> init(@Nullable Object arg) {
		return ok("idle");
	}

}
