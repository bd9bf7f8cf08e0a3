package dev.procreg.boot.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.procreg.boot.supervision.SupervisorContributor;
import dev.procreg.boot.supervision.SupervisorDefinition;
import dev.procreg.process.GenServer;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.Keys;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringUtils;

/**
 * The {@link RegisteredProcess} worker types of an application context, found among its bean
 * definitions. Contributes each type's supervisor to the context's lifecycle, and runs one small
 * process that passivates idle workers.
 */
public final class WorkerTypes implements SupervisorContributor {

	private final ProcessRuntime runtime;

	private final Map<Class<?>, WorkerType> types;

	/**
	 * Finds the worker types and prepares their registries.
	 * @param runtime the runtime
	 * @param beanFactory the bean factory holding the worker prototypes
	 * @param defaults the defaults the annotations override
	 */
	public WorkerTypes(ProcessRuntime runtime, ConfigurableListableBeanFactory beanFactory, WorkerDefaults defaults) {
		this.runtime = runtime;
		Map<Class<?>, WorkerType> found = new LinkedHashMap<>();
		for (String beanName : beanFactory.getBeanNamesForAnnotation(RegisteredProcess.class)) {
			WorkerType type = create(runtime, beanFactory, defaults, beanName);
			WorkerType previous = found.put(type.type(), type);
			if (previous != null) {
				throw new IllegalStateException("Worker class " + type.type().getName() + " is defined by two beans, '"
						+ previous.beanName() + "' and '" + beanName + "'");
			}
		}
		this.types = found;
		Duration sweep = found.values()
			.stream()
			.flatMap((type) -> type.idleTimeout().stream())
			.min(Duration::compareTo)
			.map((shortest) -> clamp(shortest.dividedBy(4)))
			.orElse(null);
		if (sweep != null) {
			runtime.spawn((ctx) -> {
				for (;;) {
					ctx.receive(sweep);
					for (WorkerType type : this.types.values()) {
						type.passivateIdle(runtime);
					}
				}
			});
		}
	}

	private static Duration clamp(Duration interval) {
		Duration min = Duration.ofMillis(10);
		Duration max = Duration.ofSeconds(1);
		return (interval.compareTo(min) < 0) ? min : (interval.compareTo(max) > 0) ? max : interval;
	}

	private static WorkerType create(ProcessRuntime runtime, ConfigurableListableBeanFactory beanFactory,
			WorkerDefaults defaults, String beanName) {
		Class<?> beanType = beanFactory.getType(beanName);
		if (beanType == null) {
			throw new IllegalStateException("Cannot tell the type of @RegisteredProcess bean '" + beanName + "'");
		}
		RegisteredProcess annotation = AnnotatedElementUtils.findMergedAnnotation(beanType, RegisteredProcess.class);
		if (annotation == null) {
			throw new IllegalStateException("Bean '" + beanName + "' has no @RegisteredProcess");
		}
		if (!GenServer.class.isAssignableFrom(beanType)) {
			throw new IllegalStateException("@RegisteredProcess class " + beanType.getName() + " must extend GenServer");
		}
		if (!beanFactory.isPrototype(beanName)) {
			throw new IllegalStateException("@RegisteredProcess bean '" + beanName + "' (" + beanType.getName()
					+ ") must be of prototype scope: each worker needs its own instance; a @Bean method needs"
					+ " @Scope(\"prototype\")");
		}
		String registryName = StringUtils.hasText(annotation.registry()) ? resolve(beanFactory, annotation.registry())
				: beanName;
		int partitions = (annotation.partitions() > 0) ? annotation.partitions()
				: (defaults.partitions() > 0) ? defaults.partitions() : Runtime.getRuntime().availableProcessors();
		ProcessRegistry<Object, Object> registry = registry(runtime, beanFactory, registryName, partitions, beanType);
		Duration idleTimeout = StringUtils.hasText(annotation.idleTimeout())
				? DurationStyle.detectAndParse(resolve(beanFactory, annotation.idleTimeout())) : null;
		if (idleTimeout != null && (idleTimeout.isZero() || idleTimeout.isNegative())) {
			throw new IllegalStateException("@RegisteredProcess " + beanType.getName()
					+ ": idleTimeout must be positive, was " + idleTimeout);
		}
		if (annotation.maxInstances() < 0) {
			throw new IllegalStateException("@RegisteredProcess " + beanType.getName()
					+ ": maxInstances must not be negative, was " + annotation.maxInstances());
		}
		Map<String, String> metadata = new LinkedHashMap<>();
		for (String pair : annotation.metadata()) {
			String resolved = resolve(beanFactory, pair);
			int equals = resolved.indexOf('=');
			if (equals <= 0) {
				throw new IllegalStateException("@RegisteredProcess " + beanType.getName()
						+ ": metadata must be key=value pairs, was '" + pair + "'");
			}
			metadata.put(resolved.substring(0, equals).trim(), resolved.substring(equals + 1).trim());
		}
		return new WorkerType(beanType, beanName, registry, () -> (GenServer<?>) beanFactory.getBean(beanName),
				annotation.restart(), idleTimeout, annotation.maxInstances(), partitions, metadata, defaults);
	}

	@SuppressWarnings("unchecked")
	private static ProcessRegistry<Object, Object> registry(ProcessRuntime runtime,
			ConfigurableListableBeanFactory beanFactory, String name, int partitions, Class<?> beanType) {
		ProcessRegistry<?, ?> registry = null;
		if (beanFactory.containsBean(name) && beanFactory.isTypeMatch(name, ProcessRegistry.class)) {
			registry = beanFactory.getBean(name, ProcessRegistry.class);
		}
		if (registry == null) {
			registry = ProcessRegistry.named(runtime, name).orElse(null);
		}
		if (registry == null) {
			registry = ProcessRegistry.start(runtime, RegistryOptions.unique(name).withPartitions(partitions));
		}
		if (registry.keys() != Keys.UNIQUE) {
			throw new IllegalStateException("@RegisteredProcess " + beanType.getName() + " needs a unique registry, but '"
					+ name + "' has duplicate keys");
		}
		return (ProcessRegistry<Object, Object>) registry;
	}

	private static String resolve(ConfigurableListableBeanFactory beanFactory, String value) {
		String resolved = beanFactory.resolveEmbeddedValue(value);
		return (resolved != null) ? resolved : value;
	}

	/**
	 * @param type a worker class
	 * @return its worker type
	 * @throws IllegalArgumentException when the class is no {@code @RegisteredProcess} bean
	 */
	public WorkerType get(Class<?> type) {
		WorkerType found = this.types.get(type);
		if (found == null) {
			throw new IllegalArgumentException(type.getName() + " is not a @RegisteredProcess bean of this application"
					+ " context; known worker types: " + this.types.keySet().stream().map(Class::getSimpleName).toList());
		}
		return found;
	}

	/**
	 * @param registryName a registry's name
	 * @return the worker type whose workers register there
	 */
	public Optional<WorkerType> byRegistry(String registryName) {
		return this.types.values().stream().filter((type) -> type.name().equals(registryName)).findFirst();
	}

	/** @return every worker type */
	public Collection<WorkerType> all() {
		return List.copyOf(this.types.values());
	}

	/** @return the runtime the workers run in */
	public ProcessRuntime runtime() {
		return this.runtime;
	}

	@Override
	public List<SupervisorDefinition> supervisorDefinitions() {
		List<SupervisorDefinition> definitions = new ArrayList<>();
		this.types.values().forEach((type) -> definitions.add(type.supervisorDefinition()));
		return definitions;
	}

}
