package dev.procreg.boot.autoconfigure;

import dev.procreg.boot.admin.ProcessAdminController;
import dev.procreg.boot.admin.ProcessAdminPage;
import dev.procreg.boot.admin.ProcessAdminSettings;
import dev.procreg.boot.worker.WorkerTypes;
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
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the web admin page at
 * {@code /process-admin}: the page and its login page ({@link ProcessAdminPage}) and its JSON API
 * ({@link ProcessAdminController}): only with
 * {@code process-registry.admin.enabled=true}, in a servlet web application with Spring MVC, and
 * with the actuator on the classpath (the page sanitizes values with the {@code registries}
 * endpoint's code and {@link SanitizingFunction} beans).
 */
@AutoConfiguration(after = { ProcessRegistryAutoConfiguration.class, ProcessWorkerAutoConfiguration.class,
		ProcessSupervisionAutoConfiguration.class })
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
	ProcessAdminController processAdminController(Introspection introspection, ProcessAdminProperties properties,
			RegistriesEndpointProperties endpointProperties, ObjectProvider<SanitizingFunction> sanitizingFunctions,
			ObjectProvider<WorkerTypes> workerTypes, ConfigurableListableBeanFactory beanFactory) {
		boolean springSecurity = ClassUtils.isPresent(SECURITY_CONTEXT_HOLDER, beanFactory.getBeanClassLoader());
		ProcessAdminSettings settings = new ProcessAdminSettings(properties.allowActions(), properties.role(),
				properties.refreshInterval(), endpointProperties.showValues(), endpointProperties.roles(),
				springSecurity);
		return new ProcessAdminController(introspection, sanitizingFunctions.orderedStream().toList(),
				workerTypes.getIfAvailable(), settings);
	}

	@Bean
	@ConditionalOnMissingBean
	ProcessAdminPage processAdminPage(ConfigurableListableBeanFactory beanFactory) {
		return new ProcessAdminPage(ClassUtils.isPresent("org.springframework.security.web.csrf.CsrfToken",
				beanFactory.getBeanClassLoader()));
	}

}
