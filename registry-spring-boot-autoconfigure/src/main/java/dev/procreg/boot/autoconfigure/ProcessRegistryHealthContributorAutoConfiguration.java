package dev.procreg.boot.autoconfigure;

import dev.procreg.boot.actuate.ProcessRegistryHealthIndicator;
import dev.procreg.introspect.Introspection;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@code processRegistry} health
 * contributor, {@link ProcessRegistryHealthIndicator}; switched off with
 * {@code management.health.process-registry.enabled=false}.
 */
@AutoConfiguration(after = { ProcessRegistryAutoConfiguration.class, ProcessSupervisionAutoConfiguration.class })
@ConditionalOnClass({ HealthContributor.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(Introspection.class)
public final class ProcessRegistryHealthContributorAutoConfiguration {

	/** Evaluated only once the classes above are known to be present. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledHealthIndicator("process-registry")
	static final class ProcessRegistryHealthContributorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = { "processRegistryHealthIndicator", "processRegistryHealthContributor" })
		HealthContributor processRegistryHealthContributor(Introspection introspection) {
			return new ProcessRegistryHealthIndicator(introspection);
		}

	}

}
