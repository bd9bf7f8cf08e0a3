package dev.procreg.boot.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import dev.procreg.boot.actuate.ProcessRegistryMetrics;
import dev.procreg.introspect.Introspection;

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
 * {@link EnableAutoConfiguration Auto-configuration} for {@link ProcessRegistryMetrics}: meters
 * of processes, registries, partitions and supervisors, when Micrometer has a registry.
 */
@AutoConfiguration(after = { MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
		SimpleMetricsExportAutoConfiguration.class, ProcessRegistryAutoConfiguration.class,
		ProcessWorkerAutoConfiguration.class, ProcessSupervisionAutoConfiguration.class })
@ConditionalOnClass({ MeterRegistry.class, ProcessRegistryMetrics.class })
@ConditionalOnBean({ MeterRegistry.class, Introspection.class })
public final class ProcessRegistryMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProcessRegistryMetrics processRegistryMetrics(Introspection introspection) {
		return new ProcessRegistryMetrics(introspection);
	}

}
