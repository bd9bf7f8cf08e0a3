package dev.procreg.boot.autoconfigure;

import dev.procreg.boot.autoconfigure.ProcessRegistryProperties.Workers;
import dev.procreg.boot.worker.ProcessTemplate;
import dev.procreg.boot.worker.RegisteredProcess;
import dev.procreg.boot.worker.WorkerDefaults;
import dev.procreg.boot.worker.WorkerTypes;
import dev.procreg.process.ProcessRuntime;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for {@link RegisteredProcess} workers: the
 * {@link WorkerTypes} found among the bean definitions, and the {@link ProcessTemplate} that
 * reaches them by type and key.
 */
@AutoConfiguration(after = ProcessRegistryAutoConfiguration.class)
@ConditionalOnBean(ProcessRuntime.class)
@EnableConfigurationProperties(ProcessRegistryProperties.class)
public final class ProcessWorkerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WorkerTypes processWorkerTypes(ProcessRuntime runtime, ConfigurableListableBeanFactory beanFactory,
			ProcessRegistryProperties properties) {
		Workers workers = properties.workers();
		return new WorkerTypes(runtime, beanFactory, new WorkerDefaults(workers.partitions(), workers.maxRestarts(),
				workers.maxSeconds(), workers.shutdownTimeout(), workers.callTimeout()));
	}

	@Bean
	@ConditionalOnMissingBean
	ProcessTemplate processTemplate(WorkerTypes workerTypes, ProcessRegistryProperties properties) {
		return new ProcessTemplate(workerTypes, properties.workers().callTimeout());
	}

}
