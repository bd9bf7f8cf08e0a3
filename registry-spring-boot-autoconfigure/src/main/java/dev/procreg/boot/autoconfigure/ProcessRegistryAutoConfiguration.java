package dev.procreg.boot.autoconfigure;

import dev.procreg.group.ProcessGroups;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link ProcessRuntime}, the default
 * {@link ProcessRegistry}, {@link ProcessGroups}, and the registries declared under
 * {@code process-registry.registries}. Each bean backs off when the application defines its own.
 */
@AutoConfiguration
@EnableConfigurationProperties(ProcessRegistryProperties.class)
@Import(DeclaredRegistriesRegistrar.class)
public final class ProcessRegistryAutoConfiguration {

	/**
	 * The runtime, closed when the context closes: every process still alive gets
	 * {@code shutdown} and up to {@code process-registry.shutdown-timeout} to exit.
	 * @param properties the properties
	 * @return the runtime
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ProcessRuntime processRuntime(ProcessRegistryProperties properties) {
		return ProcessRuntime.start(ProcessRuntime.Options.defaults()
			.withNode(properties.node())
			.withShutdownTimeout(properties.shutdownTimeout()));
	}

	@Bean
	@ConditionalOnMissingBean
	@SuppressWarnings("rawtypes")
	ProcessRegistry processRegistry(ProcessRuntime runtime, ProcessRegistryProperties properties) {
		return ProcessRegistry.start(runtime, properties.defaultRegistry().toOptions());
	}

	@Bean
	@ConditionalOnMissingBean
	ProcessGroups processGroups(ProcessRuntime runtime, ProcessRegistryProperties properties) {
		return ProcessGroups.start(runtime, properties.groups().scope());
	}

}
