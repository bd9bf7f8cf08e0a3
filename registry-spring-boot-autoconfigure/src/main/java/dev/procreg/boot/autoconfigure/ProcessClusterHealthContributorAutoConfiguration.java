package dev.procreg.boot.autoconfigure;

import dev.procreg.boot.actuate.ProcessClusterHealthIndicator;
import dev.procreg.cluster.ProcessCluster;

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
 * {@link EnableAutoConfiguration Auto-configuration} for the {@code cluster} health contributor,
 * {@link ProcessClusterHealthIndicator}; switched off with
 * {@code management.health.cluster.enabled=false}.
 */
@AutoConfiguration(after = ProcessClusterAutoConfiguration.class)
@ConditionalOnClass({ ProcessCluster.class, HealthContributor.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ProcessCluster.class)
public final class ProcessClusterHealthContributorAutoConfiguration {

	/** Evaluated only once the classes above are known to be present. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledHealthIndicator("cluster")
	static final class ProcessClusterHealthContributorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = { "clusterHealthIndicator", "clusterHealthContributor" })
		HealthContributor clusterHealthContributor(ProcessCluster cluster) {
			return new ProcessClusterHealthIndicator(cluster);
		}

	}

}
