package dev.procreg.boot.autoconfigure;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

import dev.procreg.boot.supervision.ProcessSupervisors;
import dev.procreg.cluster.ProcessCluster;
import dev.procreg.group.ProcessGroups;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for a {@link ProcessCluster}: the runtime
 * bean joins the cluster described by {@code process-registry.cluster.*} when
 * {@code registry-cluster-hazelcast} is on the classpath and
 * {@code process-registry.cluster.enabled=true}.
 *
 * <p>Order: every {@link ProcessRegistry}, {@link ProcessGroups} and {@link ProcessSupervisors}
 * bean depends on the cluster, so the cluster starts first. A cluster-scoped registry then claims
 * its keys through the cluster's name arbiter from its first registration (a key registered
 * before the arbiter is installed would be claimed only at the next merge). At shutdown the
 * supervisors stop their children first (lifecycle stop precedes destruction): their names are
 * released in the claims map and their monitors on other nodes hear the real exit reasons. Then
 * the cluster closes (the other nodes see this node down and purge what is left of it), and only
 * then the runtime, which the cluster depends on.
 */
@AutoConfiguration(after = { ProcessRegistryAutoConfiguration.class, SslAutoConfiguration.class })
@ConditionalOnClass(ProcessCluster.class)
@ConditionalOnBooleanProperty("process-registry.cluster.enabled")
@ConditionalOnBean(ProcessRuntime.class)
@EnableConfigurationProperties(ProcessClusterProperties.class)
public final class ProcessClusterAutoConfiguration {

	/**
	 * The runtime as a member of the cluster, left when the context closes. A node name that a
	 * live member already uses is refused with a {@code DuplicateNodeException}.
	 * @param runtime the runtime
	 * @param properties the cluster's properties
	 * @param sslBundles the SSL bundles, when {@code transport.ssl.bundle} names one
	 * @return the cluster membership
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ProcessCluster processCluster(ProcessRuntime runtime, ProcessClusterProperties properties,
			ObjectProvider<SslBundles> sslBundles) {
		return ProcessCluster.start(runtime, properties.toOptions(sslContext(properties, sslBundles)));
	}

	@Bean
	static ClusterFirst registriesAfterProcessCluster() {
		return new ClusterFirst(ProcessRegistry.class);
	}

	@Bean
	static ClusterFirst groupsAfterProcessCluster() {
		return new ClusterFirst(ProcessGroups.class);
	}

	@Bean
	static ClusterFirst supervisorsAfterProcessCluster() {
		return new ClusterFirst(ProcessSupervisors.class);
	}

	private static @Nullable SSLContext sslContext(ProcessClusterProperties properties,
			ObjectProvider<SslBundles> sslBundles) {
		String bundle = properties.transport().ssl().bundle();
		if (bundle == null || bundle.isBlank()) {
			return null;
		}
		SslBundles bundles = sslBundles.getIfAvailable();
		if (bundles == null) {
			throw new IllegalStateException("process-registry.cluster.transport.ssl.bundle names the SSL bundle '"
					+ bundle + "', but the application has no SSL bundles (spring.ssl.bundle.*)");
		}
		return bundles.getBundle(bundle).createSslContext();
	}

	/** Makes every bean of a type depend on the cluster. */
	static final class ClusterFirst extends AbstractDependsOnBeanFactoryPostProcessor {

		ClusterFirst(Class<?> type) {
			super(type, ProcessCluster.class);
		}

	}

}
