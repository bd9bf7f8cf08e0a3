package dev.procreg.boot.autoconfigure;

import dev.procreg.boot.actuate.ClusterEndpoint;
import dev.procreg.cluster.ProcessCluster;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link ClusterEndpoint}, when the
 * runtime is a member of a cluster. Like every endpoint it is exposed over HTTP only once listed
 * in {@code management.endpoints.web.exposure.include}.
 */
@AutoConfiguration(after = ProcessClusterAutoConfiguration.class)
@ConditionalOnClass({ ProcessCluster.class, ConditionalOnAvailableEndpoint.class })
public final class ClusterEndpointAutoConfiguration {

	/** Evaluated only once the actuator classes are known to be present. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(ClusterEndpoint.class)
	static final class ClusterEndpointConfiguration {

		@Bean
		@ConditionalOnBean(ProcessCluster.class)
		@ConditionalOnMissingBean
		ClusterEndpoint clusterEndpoint(ProcessCluster cluster) {
			return new ClusterEndpoint(cluster);
		}

	}

}
