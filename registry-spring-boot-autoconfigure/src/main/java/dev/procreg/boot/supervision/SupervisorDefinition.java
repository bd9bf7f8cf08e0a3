package dev.procreg.boot.supervision;

import java.util.List;

import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.DynamicSupervisor;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.Supervisor;
import dev.procreg.supervisor.TopLevelSupervisors;

/**
 * A top-level supervisor that {@link ProcessSupervisors} starts with the application context:
 * the bean form of core's {@link TopLevelSupervisors.Definition}. Declare one as a bean;
 * definitions start in bean order and stop in reverse order. The supervisor is registered in
 * the runtime under its name.
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

	private final TopLevelSupervisors.Definition definition;

	private SupervisorDefinition(TopLevelSupervisors.Definition definition) {
		this.definition = definition;
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
		return new SupervisorDefinition(TopLevelSupervisors.Definition.of(name, strategy, children, options));
	}

	/**
	 * A dynamic supervisor, to start children on demand under its name.
	 * @param name its name, registered in the runtime
	 * @param options its intensity and limits; the name is replaced by {@code name}
	 * @return the definition
	 */
	public static SupervisorDefinition dynamic(String name, DynamicSupervisor.Options options) {
		return new SupervisorDefinition(TopLevelSupervisors.Definition.dynamic(name, options));
	}

	/** @return the supervisor's name in the runtime */
	public String name() {
		return this.definition.name();
	}

	/** @return core's definition */
	public TopLevelSupervisors.Definition definition() {
		return this.definition;
	}

	@Override
	public String toString() {
		return "SupervisorDefinition[" + name() + "]";
	}

}
