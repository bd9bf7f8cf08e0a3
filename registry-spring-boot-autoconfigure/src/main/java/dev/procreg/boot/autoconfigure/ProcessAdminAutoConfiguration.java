package dev.procreg.boot.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import dev.procreg.boot.admin.AdminClusterController;
import dev.procreg.boot.admin.AdminConsole;
import dev.procreg.boot.admin.AdminEventsController;
import dev.procreg.boot.admin.AdminHealth;
import dev.procreg.boot.admin.AdminMeters;
import dev.procreg.boot.admin.AdminProblems;
import dev.procreg.boot.admin.HealthIndicatorAdminHealth;
import dev.procreg.boot.admin.MicrometerAdminMeters;
import dev.procreg.boot.admin.ProcessAdminController;
import dev.procreg.boot.admin.ProcessAdminPage;
import dev.procreg.boot.admin.ProcessAdminSettings;
import dev.procreg.boot.worker.WorkerTypes;
import dev.procreg.cluster.ProcessCluster;
import dev.procreg.introspect.Introspection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the web admin page (the operator
 * console) at {@code /process-admin}: the page and its login page ({@link ProcessAdminPage}), its
 * JSON API ({@link ProcessAdminController}) and its event stream ({@link AdminEventsController}):
 * only with {@code process-registry.admin.enabled=true}, in a servlet web application with Spring
 * MVC, and with the actuator on the classpath (the page sanitizes values with the
 * {@code registries} endpoint's code and {@link SanitizingFunction} beans). Metrics and health
 * appear in the console when Micrometer and Spring Boot's health module are present.
 */
@AutoConfiguration(after = { ProcessRegistryAutoConfiguration.class, ProcessWorkerAutoConfiguration.class,
		ProcessSupervisionAutoConfiguration.class, ProcessClusterAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, SanitizingFunction.class, ProcessAdminController.class })
@ConditionalOnBooleanProperty("process-registry.admin.enabled")
@ConditionalOnBean(Introspection.class)
@EnableConfigurationProperties({ ProcessAdminProperties.class, RegistriesEndpointProperties.class })
public final class ProcessAdminAutoConfiguration {

	private static final String SECURITY_CONTEXT_HOLDER = "org.springframework.security.core.context."
			+ "SecurityContextHolder";

	@Bean
	@ConditionalOnMissingBean
	AdminConsole processAdminConsole(Introspection introspection, ProcessAdminProperties properties) {
		return new AdminConsole(introspection,
				new AdminConsole.Settings(properties.history().interval(), properties.history().size(),
						properties.events().size(), properties.events().streamQueue(),
						properties.events().streamTimeout(), properties.audit().size(), properties.snapshotInterval()));
	}

	@Bean
	@ConditionalOnMissingBean
	ProcessAdminController processAdminController(AdminConsole console, ProcessAdminProperties properties,
			RegistriesEndpointProperties endpointProperties, ObjectProvider<SanitizingFunction> sanitizingFunctions,
			ObjectProvider<WorkerTypes> workerTypes, ConfigurableListableBeanFactory beanFactory) {
		boolean springSecurity = ClassUtils.isPresent(SECURITY_CONTEXT_HOLDER, beanFactory.getBeanClassLoader());
		ProcessAdminSettings settings = new ProcessAdminSettings(properties.allowActions(), properties.role(),
				properties.refreshInterval(), endpointProperties.showValues(), endpointProperties.roles(),
				springSecurity);
		return new ProcessAdminController(console, sanitizingFunctions.orderedStream().toList(),
				workerTypes.getIfAvailable(), settings);
	}

	@Bean
	@ConditionalOnMissingBean
	AdminEventsController processAdminEventsController(AdminConsole console, ObjectProvider<AdminMeters> meters,
			ObjectProvider<AdminHealth> health) {
		return new AdminEventsController(console, meters.getIfAvailable(), health.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	AdminProblems processAdminProblems() {
		return new AdminProblems();
	}

	@Bean
	@ConditionalOnMissingBean
	ProcessAdminPage processAdminPage(ConfigurableListableBeanFactory beanFactory) {
		return new ProcessAdminPage(ClassUtils.isPresent("org.springframework.security.web.csrf.CsrfToken",
				beanFactory.getBeanClassLoader()));
	}

	/** Evaluated only when the cluster module is on the classpath. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ProcessCluster.class)
	static final class ClusterConfiguration {

		@Bean
		@ConditionalOnBean(ProcessCluster.class)
		@ConditionalOnMissingBean
		AdminClusterController processAdminClusterController(ProcessCluster cluster) {
			return new AdminClusterController(cluster);
		}

	}

	/** Evaluated only when Micrometer is on the classpath. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static final class MetersConfiguration {

		@Bean
		@ConditionalOnBean(MeterRegistry.class)
		@ConditionalOnMissingBean(AdminMeters.class)
		AdminMeters processAdminMeters(MeterRegistry registry) {
			return new MicrometerAdminMeters(registry);
		}

	}

	/** Evaluated only when Spring Boot's health module is on the classpath. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static final class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(AdminHealth.class)
		AdminHealth processAdminHealth(ConfigurableListableBeanFactory beanFactory) {
			return new HealthIndicatorAdminHealth(beanFactory);
		}

	}

}
