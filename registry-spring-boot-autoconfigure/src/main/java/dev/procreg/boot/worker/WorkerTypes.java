package dev.procreg.boot.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.procreg.boot.supervision.SupervisorContributor;
import dev.procreg.process.GenServer;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.supervisor.TopLevelSupervisors;
import dev.procreg.worker.KeyedWorkers;
import dev.procreg.worker.WorkerSpec;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringUtils;

/**
 * The {@link RegisteredProcess} worker types of an application context, found among its bean
 * definitions and handed to core as {@link KeyedWorkers}: this class reads annotations and
 * properties, core runs the workers. Contributes each type's supervisor to the context's
 * lifecycle.
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
			Class<?> beanType = check(beanFactory, beanName);
			WorkerType previous = found.get(beanType);
			if (previous != null) {
				throw new IllegalStateException("Worker class " + beanType.getName() + " is defined by two beans, '"
						+ previous.beanName() + "' and '" + beanName + "'");
			}
			found.put(beanType, create(runtime, beanFactory, defaults, beanName, beanType));
		}
		this.types = found;
	}

	private static Class<?> check(ConfigurableListableBeanFactory beanFactory, String beanName) {
		Class<?> beanType = beanFactory.getType(beanName);
		if (beanType == null) {
			throw new IllegalStateException("Cannot tell the type of @RegisteredProcess bean '" + beanName + "'");
		}
		if (!GenServer.class.isAssignableFrom(beanType)) {
			throw new IllegalStateException("@RegisteredProcess class " + beanType.getName() + " must extend GenServer");
		}
		if (!beanFactory.isPrototype(beanName)) {
			throw new IllegalStateException("@RegisteredProcess bean '" + beanName + "' (" + beanType.getName()
					+ ") must be of prototype scope: each worker needs its own instance; a @Bean method needs"
					+ " @Scope(\"prototype\")");
		}
		return beanType;
	}

	private static WorkerType create(ProcessRuntime runtime, ConfigurableListableBeanFactory beanFactory,
			WorkerDefaults defaults, String beanName, Class<?> beanType) {
		RegisteredProcess annotation = AnnotatedElementUtils.findMergedAnnotation(beanType, RegisteredProcess.class);
		if (annotation == null) {
			throw new IllegalStateException("Bean '" + beanName + "' has no @RegisteredProcess");
		}
		String registryName = StringUtils.hasText(annotation.registry()) ? resolve(beanFactory, annotation.registry())
				: beanName;
		int partitions = (annotation.partitions() > 0) ? annotation.partitions()
				: (defaults.partitions() > 0) ? defaults.partitions() : Runtime.getRuntime().availableProcessors();
		Duration idleTimeout = StringUtils.hasText(annotation.idleTimeout())
				? DurationStyle.detectAndParse(resolve(beanFactory, annotation.idleTimeout())) : null;
		WorkerSpec<Object> spec;
		try {
			spec = WorkerSpec.<Object>of(registryName, (key) -> (GenServer<?>) beanFactory.getBean(beanName))
				.withRestart(annotation.restart())
				.withIdleTimeout(idleTimeout)
				.withMaxInstances(annotation.maxInstances())
				.withPartitions(partitions)
				.withIntensity(defaults.maxRestarts(), defaults.maxSeconds())
				.withShutdownTimeout(defaults.shutdownTimeout())
				.withCallTimeout(defaults.callTimeout())
				.withMetadata(metadata(beanFactory, annotation, beanType));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("@RegisteredProcess " + beanType.getName() + ": " + ex.getMessage(), ex);
		}
		ProcessRegistry<?, ?> declared = (beanFactory.containsBean(registryName)
				&& beanFactory.isTypeMatch(registryName, ProcessRegistry.class))
						? beanFactory.getBean(registryName, ProcessRegistry.class) : null;
		try {
			KeyedWorkers<Object> workers = (declared != null) ? KeyedWorkers.create(runtime, spec, declared)
					: KeyedWorkers.create(runtime, spec);
			return new WorkerType(beanType, beanName, workers);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("@RegisteredProcess " + beanType.getName() + ": " + ex.getMessage(), ex);
		}
	}

	private static Map<String, String> metadata(ConfigurableListableBeanFactory beanFactory,
			RegisteredProcess annotation, Class<?> beanType) {
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
		return metadata;
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
	public List<TopLevelSupervisors.Definition> supervisorDefinitions() {
		List<TopLevelSupervisors.Definition> definitions = new ArrayList<>();
		this.types.values().forEach((type) -> definitions.add(type.workers().definition()));
		return definitions;
	}

}
