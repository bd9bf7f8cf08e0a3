package dev.procreg.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import dev.procreg.boot.actuate.ClusterEndpoint;
import dev.procreg.boot.actuate.ClusterEndpoint.ClusterDescriptor;
import dev.procreg.boot.actuate.ClusterEndpoint.MemberDescriptor;
import dev.procreg.boot.actuate.ClusterEndpoint.RegistryDescriptor;
import dev.procreg.boot.actuate.ProcessClusterHealthIndicator;
import dev.procreg.boot.actuate.ProcessClusterMetrics;
import dev.procreg.cluster.ProcessCluster;
import dev.procreg.cluster.membership.DuplicateNodeException;
import dev.procreg.group.ProcessGroups;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegisterResult;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ProcessClusterAutoConfiguration}, {@link ClusterEndpointAutoConfiguration},
 * {@link ProcessClusterHealthContributorAutoConfiguration} and
 * {@link ProcessClusterMetricsAutoConfiguration}. Members run on loopback, Hazelcast on ports
 * 5931 (one node) and 5941-5943 (the two-node cluster and a duplicate).
 */
class ProcessClusterAutoConfigurationTests {

	private static final Duration LONG = Duration.ofSeconds(60);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProcessRegistryAutoConfiguration.class,
				ProcessWorkerAutoConfiguration.class, ProcessSupervisionAutoConfiguration.class,
				ProcessClusterAutoConfiguration.class, ClusterEndpointAutoConfiguration.class,
				ProcessClusterHealthContributorAutoConfiguration.class, ProcessClusterMetricsAutoConfiguration.class,
				EndpointAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
		.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=cluster");

	private ApplicationContextRunner node(String name, String cluster, int port, int portCount) {
		return this.contextRunner.withPropertyValues("process-registry.node=" + name,
				"process-registry.cluster.enabled=true", "process-registry.cluster.name=" + cluster,
				"process-registry.cluster.port=" + port, "process-registry.cluster.port-count=" + portCount,
				"process-registry.cluster.members=127.0.0.1:" + port + "-" + (port + portCount - 1),
				"process-registry.registries.sessions.cluster=true");
	}

	@Test
	void backsOffWhenNotEnabled() {
		this.contextRunner.withPropertyValues("process-registry.registries.sessions.cluster=true")
			.run((context) -> assertThat(context).hasSingleBean(ProcessRuntime.class)
				.doesNotHaveBean(ProcessCluster.class)
				.doesNotHaveBean(ProcessClusterProperties.class)
				.doesNotHaveBean(ClusterEndpoint.class)
				.doesNotHaveBean("clusterHealthContributor")
				.doesNotHaveBean(ProcessClusterMetrics.class));
	}

	@Test
	void backsOffWithoutTheClusterModule() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ProcessCluster.class))
			.withPropertyValues("process-registry.cluster.enabled=true", "process-registry.cluster.members=bad value")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ProcessRuntime.class)
				.doesNotHaveBean(ProcessClusterProperties.class)
				.doesNotHaveBean(ClusterEndpoint.class));
	}

	@Test
	void aBadMemberFailsTheStartupNamingIt() {
		assertStartupFails("process-registry.cluster.members=127.0.0.1:70000", "member '127.0.0.1:70000'");
	}

	@Test
	void aHeartbeatInMillisecondsFailsTheStartupNamingIt() {
		assertStartupFails("process-registry.cluster.failure-detection.heartbeat=1500ms", "heartbeatInterval");
	}

	@Test
	void aMaxNoHeartbeatNotLongerThanTheHeartbeatFailsTheStartup() {
		assertStartupFails("process-registry.cluster.failure-detection.max-no-heartbeat=1s",
				"maxNoHeartbeat (PT1S) must be longer than heartbeatInterval (PT1S)");
	}

	@Test
	void anOversizedFrameLimitFailsTheStartupNamingIt() {
		assertStartupFails("process-registry.cluster.transport.max-frame-size=1GB", "transport.max-frame-size");
	}

	@Test
	void aBadAllowedPackageFailsTheStartupNamingIt() {
		assertStartupFails("process-registry.cluster.codec.allowed-packages=com.example.*",
				"allowed package 'com.example.*'");
	}

	@Test
	void anUnknownSslBundleFailsTheStartupNamingIt() {
		assertStartupFails("process-registry.cluster.transport.ssl.bundle=nodes", "SSL bundle 'nodes'");
	}

	private void assertStartupFails(String property, String message) {
		this.contextRunner.withPropertyValues("process-registry.cluster.enabled=true", property)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining(message));
	}

	@Test
	void aDeclaredRegistryTakesClusterScopeWhenAsked() {
		this.contextRunner
			.withPropertyValues("process-registry.registries.sessions.cluster=true",
					"process-registry.registries.flows.keys=unique")
			.run((context) -> {
				assertThat(context.getBean("sessions", ProcessRegistry.class).clusterScope()).isTrue();
				assertThat(context.getBean("flows", ProcessRegistry.class).clusterScope()).isFalse();
			});
	}

	@Test
	void aClusterScopedDuplicateRegistryFailsTheStartup() {
		this.contextRunner
			.withPropertyValues("process-registry.registries.flows.keys=duplicate",
					"process-registry.registries.flows.cluster=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("process-registry.registries.flows")
				.hasMessageContaining("only unique keys can take cluster scope"));
	}

	@Test
	void anEnabledClusterStartsAMemberThatTheEndpointHealthAndMetricsReport() {
		ProcessCluster[] started = new ProcessCluster[1];
		node("solo", "procreg-boot-solo", 5931, 1).run((context) -> {
			assertThat(context).hasSingleBean(ProcessCluster.class);
			ProcessCluster cluster = context.getBean(ProcessCluster.class);
			started[0] = cluster;
			assertThat(cluster.runtime()).isSameAs(context.getBean(ProcessRuntime.class));
			assertThat(cluster.running()).isTrue();
			assertThat(context.getBeanFactory().getBeanDefinition("sessions").getDependsOn())
				.as("registries start after the cluster and stop before it")
				.contains("processCluster");
			assertThat(context.getBeanFactory().getBeanDefinition("processSupervisors").getDependsOn())
				.contains("processCluster");

			ClusterDescriptor report = context.getBean(ClusterEndpoint.class).cluster();
			assertThat(report.node()).isEqualTo(cluster.node().toString());
			assertThat(report.cluster()).isEqualTo("procreg-boot-solo");
			assertThat(report.running()).isTrue();
			assertThat(report.members()).singleElement().satisfies((member) -> {
				assertThat(member.name()).isEqualTo("solo");
				assertThat(member.self()).isTrue();
				assertThat(member.connection()).isNull();
			});
			assertThat(report.registries()).extracting(RegistryDescriptor::name).containsExactly("sessions");
			assertThat(report.codecRejections().count()).isZero();

			ProcessClusterHealthIndicator health = context.getBean("clusterHealthContributor",
					ProcessClusterHealthIndicator.class);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			assertThat(health.health().getDetails()).containsEntry("members", 1);

			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("procreg.cluster.members").gauge().value()).isEqualTo(1);
			assertThat(meters.get("procreg.cluster.connected.nodes").gauge().value()).isZero();
			assertThat(meters.get("procreg.cluster.events").tag("kind", "node_down").functionCounter().count())
				.isZero();
			assertThat(meters.get("procreg.cluster.codec.rejections").functionCounter().count()).isZero();

			cluster.close();
			assertThat(health.health().getStatus()).as("a member that left is down").isEqualTo(Status.DOWN);
		});
		assertThat(started[0].running()).isFalse();
	}

	@Test
	void healthCanBeDisabled() {
		node("solo-quiet", "procreg-boot-quiet", 5932, 1)
			.withPropertyValues("management.health.cluster.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(ProcessCluster.class)
				.doesNotHaveBean("clusterHealthContributor"));
	}

	@Test
	void twoContextsFormAClusterAndSeeEachOthersClusterScopedKeys() {
		node("spring-a", "procreg-boot-pair", 5941, 3).run((a) -> node("spring-b", "procreg-boot-pair", 5941, 3)
			.run((b) -> {
				assertThat(a).hasNotFailed();
				assertThat(b).hasNotFailed();
				ProcessRuntime runtimeA = a.getBean(ProcessRuntime.class);
				ProcessRuntime runtimeB = b.getBean(ProcessRuntime.class);
				await().atMost(LONG).until(() -> runtimeA.connectedNodes().contains(runtimeB.nodeId())
						&& runtimeB.connectedNodes().contains(runtimeA.nodeId()));

				Pid holder = registerFromAProcess(a, "donor-42");
				ProcessRegistry<String, String> sessionsB = sessions(b);
				await().atMost(LONG).until(() -> sessionsB.whereis("donor-42").isPresent());
				assertThat(sessionsB.whereis("donor-42")).contains(holder);

				ProcessGroups groupsB = b.getBean(ProcessGroups.class);
				Pid worker = runtimeB.spawn((ctx) -> ctx.receive());
				groupsB.join("workers", worker);
				ProcessGroups groupsA = a.getBean(ProcessGroups.class);
				await().atMost(LONG).until(() -> groupsA.members("workers").contains(worker));

				assertClusterReport(a, "spring-b", 1);
				assertClusterReport(b, "spring-a", 0);
				MeterRegistry meters = a.getBean(MeterRegistry.class);
				await().atMost(LONG)
					.untilAsserted(() -> assertThat(
							meters.get("procreg.cluster.connection.signals.sent").tag("node", "spring-b").functionCounter().count())
						.isPositive());
				assertThat(meters.get("procreg.cluster.connected.nodes").gauge().value()).isEqualTo(1);

				ApplicationContextRunner duplicate = node("spring-a", "procreg-boot-pair", 5941, 3);
				duplicate.run((c) -> {
					assertThat(c).hasFailed();
					assertThat(c.getStartupFailure()).rootCause().isInstanceOf(DuplicateNodeException.class);
					FailureAnalysis analysis = new DuplicateNodeFailureAnalyzer().analyze(c.getStartupFailure());
					assertThat(analysis).isNotNull();
					assertThat(analysis.getDescription()).contains("'spring-a'", runtimeA.nodeId().toString());
					assertThat(analysis.getAction()).contains("process-registry.node");
				});
				assertThat(a.getBean(ProcessCluster.class).running()).as("the refused duplicate changed nothing")
					.isTrue();
				assertThat(sessionsB.whereis("donor-42")).contains(holder);
			}));
	}

	private static void assertClusterReport(AssertableApplicationContext context, String other, long localEntries) {
		ClusterDescriptor report = context.getBean(ClusterEndpoint.class).cluster();
		assertThat(report.members()).extracting(MemberDescriptor::name).contains(other);
		MemberDescriptor member = report.members()
			.stream()
			.filter((candidate) -> candidate.name().equals(other))
			.findFirst()
			.orElseThrow();
		assertThat(member.self()).isFalse();
		assertThat(member.connection()).isNotNull();
		assertThat(member.connection().state()).isEqualTo("UP");
		assertThat(report.registries()).singleElement().satisfies((registry) -> {
			assertThat(registry.name()).isEqualTo("sessions");
			assertThat(registry.localEntries()).isEqualTo(localEntries);
			assertThat(registry.entries()).isEqualTo(1);
			assertThat(registry.entriesByNode()).as("the key is held on spring-a, seen from both")
				.containsExactlyInAnyOrderEntriesOf(Map.of("spring-a", 1L, "spring-b", 0L));
		});
		Map<String, MemberDescriptor> byName = report.members()
			.stream()
			.collect(Collectors.toMap(MemberDescriptor::name, (candidate) -> candidate));
		assertThat(byName.get("spring-a").names()).isEqualTo(1);
		assertThat(byName.get("spring-b").names()).isZero();
		assertThat(byName.get("spring-a").groupMembers()).isZero();
		assertThat(byName.get("spring-b").groupMembers()).as("the worker that joined on spring-b").isEqualTo(1);
		assertThat(report.recentEvents()).anySatisfy((event) -> {
			assertThat(event.kind()).isEqualTo("NODE_UP");
			assertThat(event.node()).startsWith(other);
		});
	}

	private static Pid registerFromAProcess(AssertableApplicationContext context, String key) {
		ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
		ProcessRegistry<String, String> sessions = sessions(context);
		CompletableFuture<RegisterResult> registered = new CompletableFuture<>();
		Pid holder = runtime.spawn((ctx) -> {
			registered.complete(sessions.register(key, runtime.node()));
			ctx.receive();
		});
		assertThat(registered.join()).isInstanceOf(RegisterResult.Registered.class);
		return holder;
	}

	@SuppressWarnings("unchecked")
	private static ProcessRegistry<String, String> sessions(AssertableApplicationContext context) {
		return context.getBean("sessions", ProcessRegistry.class);
	}

}
