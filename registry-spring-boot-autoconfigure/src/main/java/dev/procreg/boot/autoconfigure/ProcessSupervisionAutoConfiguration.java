package dev.procreg.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.procreg.boot.supervision.ProcessSupervisors;
import dev.procreg.boot.supervision.SupervisorContributor;
import dev.procreg.boot.supervision.SupervisorDefinition;
import dev.procreg.introspect.Introspection;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.supervisor.TopLevelSupervisors;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for {@link ProcessSupervisors}: the
 * {@link SupervisorDefinition} beans, then the supervisors of {@link SupervisorContributor}
 * beans (worker types), start with the context and stop in reverse order within
 * {@code spring.lifecycle.timeout-per-shutdown-phase}. Also the {@link Introspection} read model
 * that the endpoint, the admin page, health and metrics render.
 */
@AutoConfiguration(after = { ProcessRegistryAutoConfiguration.class, ProcessWorkerAutoConfiguration.class })
@ConditionalOnBean(ProcessRuntime.class)
@EnableConfigurationProperties(ProcessRegistryProperties.class)
public final class ProcessSupervisionAutoConfiguration {

	private static final Duration DEFAULT_SHUTDOWN_PHASE_TIMEOUT = Duration.ofSeconds(30);

	@Bean
	@ConditionalOnMissingBean
	ProcessSupervisors processSupervisors(ProcessRuntime runtime, ObjectProvider<SupervisorDefinition> definitions,
			ObjectProvider<SupervisorContributor> contributors, Environment environment) {
		List<TopLevelSupervisors.Definition> all = new ArrayList<>();
		definitions.orderedStream().forEach((definition) -> all.add(definition.definition()));
		contributors.orderedStream().forEach((contributor) -> all.addAll(contributor.supervisorDefinitions()));
		Duration budget = Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(DEFAULT_SHUTDOWN_PHASE_TIMEOUT);
		return new ProcessSupervisors(new TopLevelSupervisors(runtime, all), budget);
	}

	@Bean
	@ConditionalOnMissingBean
	Introspection processIntrospection(ProcessRuntime runtime, ObjectProvider<ProcessSupervisors> supervisors,
			ProcessRegistryProperties properties) {
		ProcessSupervisors topLevel = supervisors.getIfAvailable();
		ProcessRegistryProperties.Introspection settings = properties.introspection();
		return new Introspection(runtime, (topLevel != null) ? topLevel.topLevel() : null,
				new Introspection.Settings(settings.supervisorTimeout(), settings.terminateGrace(), settings.maxChildren(),
						settings.maxMembers(), settings.keyIndexMaxAge()));
	}

}
