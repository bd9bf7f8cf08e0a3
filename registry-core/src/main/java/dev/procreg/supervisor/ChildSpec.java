package dev.procreg.supervisor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.GenServer;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.RegistrableName;
import dev.procreg.process.StartResult;

/**
 * What a supervisor needs to know about a child, Elixir's child specification: an id, how to
 * start it, when to restart it, how to stop it, and whether it is a worker or a supervisor.
 * Defaults are Elixir's: {@link Restart#PERMANENT}, a 5 second shutdown for workers and
 * {@link Shutdown#infinity()} for supervisors.
 *
 * <pre>{@code
 * ChildSpec counter = ChildSpec.worker("counter", Counter::new, 0);
 * ChildSpec limiter = ChildSpec.worker("limiter", RateLimiter::new, 100, Name.of("rate-limiter"))
 *         .withRestart(Restart.TRANSIENT)
 *         .withShutdown(Shutdown.brutalKill());
 * }</pre>
 *
 * @param id the child's id, unique within a {@link Supervisor}; any value with a sensible
 * {@code equals}, typically a string
 * @param start how to start it
 * @param restart when to restart it
 * @param shutdown how to stop it
 * @param type worker or supervisor
 */
public record ChildSpec(Object id, ChildStart start, Restart restart, Shutdown shutdown, ChildType type) {

	/**
	 * Checks the spec.
	 * @throws IllegalArgumentException when the id, the start function, the restart type, the
	 * shutdown or the child type is missing
	 */
	public ChildSpec {
		if (id == null) {
			throw new IllegalArgumentException("child spec has no id");
		}
		if (start == null) {
			throw new IllegalArgumentException("child spec '" + id + "' has no start function");
		}
		if (restart == null) {
			throw new IllegalArgumentException("child spec '" + id + "' has no restart type");
		}
		if (shutdown == null) {
			throw new IllegalArgumentException("child spec '" + id + "' has no shutdown");
		}
		if (type == null) {
			throw new IllegalArgumentException("child spec '" + id + "' has no child type");
		}
	}

	/**
	 * A permanent worker with a 5 second shutdown.
	 * @param id the id
	 * @param start how to start it
	 * @return the spec
	 */
	public static ChildSpec of(Object id, ChildStart start) {
		return new ChildSpec(id, start, Restart.PERMANENT, Shutdown.timeout(Shutdown.DEFAULT_WORKER_TIMEOUT),
				ChildType.WORKER);
	}

	/**
	 * A permanent supervisor child with shutdown infinity.
	 * @param id the id
	 * @param start how to start it, for example {@code rt -> Supervisor.startLink(rt, ...)}
	 * @return the spec
	 */
	public static ChildSpec supervisor(Object id, ChildStart start) {
		return new ChildSpec(id, start, Restart.PERMANENT, Shutdown.infinity(), ChildType.SUPERVISOR);
	}

	/**
	 * A permanent {@link GenServer} worker started with {@code GenServer.startLink}: every start
	 * and restart takes a new instance from {@code server}. When a {@link DynamicSupervisor} has
	 * extra arguments, {@code init} receives a {@code List} of them followed by {@code arg}
	 * (Elixir prepends them to the start arguments).
	 * @param id the id
	 * @param server makes a new server instance for each start
	 * @param arg the argument for {@code init}
	 * @return the spec
	 */
	public static ChildSpec worker(Object id, Supplier<? extends GenServer<?>> server, @Nullable Object arg) {
		return of(id, new ServerStart(Objects.requireNonNull(server, "server supplier must not be null"), arg, null));
	}

	/**
	 * Like {@link #worker(Object, Supplier, Object)}, started under a name (a registered name or
	 * a registry's via name), which each restart registers again.
	 * @param id the id
	 * @param server makes a new server instance for each start
	 * @param arg the argument for {@code init}
	 * @param name the name
	 * @return the spec
	 */
	public static ChildSpec worker(Object id, Supplier<? extends GenServer<?>> server, @Nullable Object arg,
			RegistrableName name) {
		return of(id, new ServerStart(Objects.requireNonNull(server, "server supplier must not be null"), arg,
				Objects.requireNonNull(name, "name must not be null")));
	}

	/**
	 * @param id another id
	 * @return this spec with another id
	 */
	public ChildSpec withId(Object id) {
		return new ChildSpec(id, this.start, this.restart, this.shutdown, this.type);
	}

	/**
	 * @param restart another restart type
	 * @return this spec with another restart type
	 */
	public ChildSpec withRestart(Restart restart) {
		return new ChildSpec(this.id, this.start, restart, this.shutdown, this.type);
	}

	/**
	 * @param shutdown another shutdown
	 * @return this spec with another shutdown
	 */
	public ChildSpec withShutdown(Shutdown shutdown) {
		return new ChildSpec(this.id, this.start, this.restart, shutdown, this.type);
	}

	/**
	 * Changes the type; the shutdown follows the new type's default when it was the old type's
	 * default.
	 * @param type another type
	 * @return this spec with another type
	 */
	public ChildSpec withType(ChildType type) {
		Shutdown next = this.shutdown;
		if (type == ChildType.SUPERVISOR && next.equals(Shutdown.timeout(Shutdown.DEFAULT_WORKER_TIMEOUT))) {
			next = Shutdown.infinity();
		}
		else if (type == ChildType.WORKER && next == Shutdown.infinity()) {
			next = Shutdown.timeout(Shutdown.DEFAULT_WORKER_TIMEOUT);
		}
		return new ChildSpec(this.id, this.start, this.restart, next, type);
	}

	/** Starts a GenServer with startLink; hands extra arguments to init. */
	private record ServerStart(Supplier<? extends GenServer<?>> server, @Nullable Object arg,
			@Nullable RegistrableName name) implements ChildStart {

		@Override
		public StartResult start(ProcessRuntime runtime) {
			return start(runtime, List.of());
		}

		@Override
		public StartResult start(ProcessRuntime runtime, List<Object> extraArguments) {
			Object initArg = this.arg;
			if (!extraArguments.isEmpty()) {
				List<@Nullable Object> all = new ArrayList<>(extraArguments);
				if (this.arg != null) {
					all.add(this.arg);
				}
				initArg = Collections.unmodifiableList(all);
			}
			GenServer<?> instance = Objects.requireNonNull(this.server.get(), "server supplier returned null");
			return (this.name != null) ? GenServer.startLink(runtime, instance, initArg, this.name)
					: GenServer.startLink(runtime, instance, initArg);
		}

	}

}
