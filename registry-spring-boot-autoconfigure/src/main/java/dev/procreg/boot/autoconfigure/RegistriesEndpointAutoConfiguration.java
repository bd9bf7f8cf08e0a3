package dev.procreg.boot.autoconfigure;

import dev.procreg.boot.actuate.RegistriesEndpoint;
import dev.procreg.boot.actuate.RegistriesEndpointWebExtension;
import dev.procreg.boot.worker.WorkerTypes;
import dev.procreg.introspect.Introspection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link RegistriesEndpoint} and, over
 * HTTP, its {@link RegistriesEndpointWebExtension}. Like every endpoint it is exposed over HTTP
 * only once listed in {@code management.endpoints.web.exposure.include}.
 */
@AutoConfiguration(after = { ProcessRegistryAutoConfiguration.class, ProcessWorkerAutoConfiguration.class,
		ProcessSupervisionAutoConfiguration.class })
@ConditionalOnClass({ RegistriesEndpoint.class, ConditionalOnAvailableEndpoint.class })
public final class RegistriesEndpointAutoConfiguration {

	/** Evaluated only once the actuator classes are known to be present. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(RegistriesEndpoint.class)
	@EnableConfigurationProperties(RegistriesEndpointProperties.class)
	static final class RegistriesEndpointConfiguration {

		@Bean
		@ConditionalOnBean(Introspection.class)
		@ConditionalOnMissingBean
		RegistriesEndpoint registriesEndpoint(Introspection introspection,
				ObjectProvider<SanitizingFunction> sanitizingFunctions, ObjectProvider<WorkerTypes> workerTypes) {
			return new RegistriesEndpoint(introspection, sanitizingFunctions.orderedStream().toList(),
					workerTypes.getIfAvailable());
		}

		@Bean
		@ConditionalOnBean(RegistriesEndpoint.class)
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
		RegistriesEndpointWebExtension registriesEndpointWebExtension(RegistriesEndpoint endpoint,
				RegistriesEndpointProperties properties) {
			return new RegistriesEndpointWebExtension(endpoint, properties.showValues(), properties.roles());
		}

	}

}
