package dev.procreg.boot.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import dev.procreg.boot.actuate.ProcessClusterMetrics;
import dev.procreg.cluster.ProcessCluster;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for {@link ProcessClusterMetrics}: meters of
 * the members, the connections to them and the cluster's events, when Micrometer has a registry.
 */
@AutoConfiguration(after = { MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
		SimpleMetricsExportAutoConfiguration.class, ProcessClusterAutoConfiguration.class })
@ConditionalOnClass({ MeterRegistry.class, ProcessClusterMetrics.class, ProcessCluster.class })
@ConditionalOnBean({ MeterRegistry.class, ProcessCluster.class })
public final class ProcessClusterMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProcessClusterMetrics processClusterMetrics(ProcessCluster cluster) {
		return new ProcessClusterMetrics(cluster);
	}

}
