package dev.procreg.boot.supervision;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

import dev.procreg.process.Name;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.RegisteredName;
import dev.procreg.process.StartResult;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.DynamicSupervisor;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.Supervisor;

/**
 * A top-level supervisor that {@link ProcessSupervisors} starts with the application context.
 * Declare one as a bean; definitions start in bean order and stop in reverse order. The
 * supervisor is registered in the runtime under its name.
 *
 * <pre>{@code
 * @Bean
 * SupervisorDefinition payments() {
 *     return SupervisorDefinition.of("payments", Strategy.REST_FOR_ONE, List.of(
 *             ChildSpec.worker("gateway", Gateway::new, null, Name.of("gateway")),
 *             ChildSpec.worker("ledger", Ledger::new, null, Name.of("ledger"))));
 * }
 * }</pre>
 */
public final class SupervisorDefinition {

	private final String name;

	private final BiFunction<ProcessRuntime, RegisteredName, StartResult> start;

	private SupervisorDefinition(String name, BiFunction<ProcessRuntime, RegisteredName, StartResult> start) {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("a supervisor name must not be null or blank");
		}
		this.name = name;
		this.start = start;
	}

	/**
	 * A supervisor with Elixir's default intensity, 3 restarts in 5 seconds.
	 * @param name its name, registered in the runtime
	 * @param strategy its restart strategy
	 * @param children its children, in start order
	 * @return the definition
	 */
	public static SupervisorDefinition of(String name, Strategy strategy, List<ChildSpec> children) {
		return of(name, strategy, children, Supervisor.Options.defaults());
	}

	/**
	 * A supervisor; the name in {@code options} is replaced by {@code name}.
	 * @param name its name, registered in the runtime
	 * @param strategy its restart strategy
	 * @param children its children, in start order
	 * @param options its intensity
	 * @return the definition
	 */
	public static SupervisorDefinition of(String name, Strategy strategy, List<ChildSpec> children,
			Supervisor.Options options) {
		Objects.requireNonNull(strategy, "strategy must not be null");
		List<ChildSpec> specs = List.copyOf(children);
		Objects.requireNonNull(options, "options must not be null");
		return new SupervisorDefinition(name,
				(runtime, registered) -> Supervisor.start(runtime, strategy, specs, options.withName(registered)));
	}

	/**
	 * A dynamic supervisor, to start children on demand under its name.
	 * @param name its name, registered in the runtime
	 * @param options its intensity and limits; the name is replaced by {@code name}
	 * @return the definition
	 */
	public static SupervisorDefinition dynamic(String name, DynamicSupervisor.Options options) {
		Objects.requireNonNull(options, "options must not be null");
		return new SupervisorDefinition(name,
				(runtime, registered) -> DynamicSupervisor.start(runtime, options.withName(registered)));
	}

	/** @return the supervisor's name in the runtime */
	public String name() {
		return this.name;
	}

	/**
	 * Starts the supervisor under its name.
	 * @param runtime the runtime
	 * @return the outcome
	 */
	StartResult start(ProcessRuntime runtime) {
		return this.start.apply(runtime, Name.of(this.name));
	}

	@Override
	public String toString() {
		return "SupervisorDefinition[" + this.name + "]";
	}

}
