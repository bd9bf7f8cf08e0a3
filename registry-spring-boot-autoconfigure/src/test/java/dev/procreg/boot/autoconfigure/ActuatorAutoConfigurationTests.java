package dev.procreg.boot.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.procreg.boot.actuate.ProcessRegistryHealthIndicator;
import dev.procreg.boot.actuate.ProcessRegistryMetrics;
import dev.procreg.boot.actuate.RegistriesEndpoint;
import dev.procreg.boot.actuate.RegistriesEndpointWebExtension;
import dev.procreg.boot.supervision.ProcessSupervisors;
import dev.procreg.boot.supervision.SupervisorDefinition;
import dev.procreg.introspect.Introspection;
import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.Name;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.Supervisor;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RegistriesEndpointAutoConfiguration},
 * {@link ProcessRegistryMetricsAutoConfiguration} and
 * {@link ProcessRegistryHealthContributorAutoConfiguration}.
 */
class ActuatorAutoConfigurationTests {

	private static final AutoConfigurations ALL = AutoConfigurations.of(ProcessRegistryAutoConfiguration.class,
			ProcessWorkerAutoConfiguration.class, ProcessSupervisionAutoConfiguration.class,
			RegistriesEndpointAutoConfiguration.class, ProcessRegistryMetricsAutoConfiguration.class,
			ProcessRegistryHealthContributorAutoConfiguration.class, EndpointAutoConfiguration.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(ALL)
		.withUserConfiguration(MeterRegistryConfiguration.class);

	@Test
	void endpointIsAvailableWhenExposed() {
		this.contextRunner
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=registries")
			.run((context) -> assertThat(context).hasSingleBean(RegistriesEndpoint.class)
				.doesNotHaveBean(RegistriesEndpointWebExtension.class));
	}

	@Test
	void endpointIsNotAvailableWhenNotExposed() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(RegistriesEndpoint.class));
	}

	@Test
	void webExtensionIsConfiguredInAWebApplicationWhenExposed() {
		new WebApplicationContextRunner().withConfiguration(ALL)
			.withConfiguration(AutoConfigurations.of(WebEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=registries")
			.run((context) -> assertThat(context).hasSingleBean(RegistriesEndpoint.class)
				.hasSingleBean(RegistriesEndpointWebExtension.class));
	}

	@Test
	void endpointBacksOffWhenTheUserDefinesOne() {
		this.contextRunner
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=registries")
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(RegistriesEndpoint.class)
				.hasBean("myEndpoint"));
	}

	@Test
	void withoutActuatorOnlyTheCoreIsConfigured() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ProcessRegistryAutoConfiguration.class,
					ProcessWorkerAutoConfiguration.class, ProcessSupervisionAutoConfiguration.class,
					RegistriesEndpointAutoConfiguration.class, ProcessRegistryMetricsAutoConfiguration.class,
					ProcessRegistryHealthContributorAutoConfiguration.class))
			.withPropertyValues("management.endpoints.jmx.exposure.include=registries")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate",
					"org.springframework.boot.health", "io.micrometer"))
			.run((context) -> assertThat(context).hasSingleBean(ProcessRuntime.class)
				.hasSingleBean(ProcessSupervisors.class)
				.doesNotHaveBean(RegistriesEndpoint.class)
				.doesNotHaveBean("processRegistryHealthContributor")
				.doesNotHaveBean(ProcessRegistryMetrics.class));
	}

	@Test
	void withoutMicrometerThereAreNoMetrics() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessRegistryMetrics.class)
				.hasBean("processRegistryHealthContributor"));
	}

	@Test
	void metricsAreBound() {
		this.contextRunner.withPropertyValues("process-registry.registries.sessions.partitions=2")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				context.getBean(ProcessRegistryMetrics.class).bindTo(meters);
				assertThat(meters.get("procreg.processes").gauge().value()).isGreaterThanOrEqualTo(0);
				assertThat(meters.get("procreg.registry.keys").tag("registry", "sessions").gauge().value()).isZero();
				assertThat(meters.get("procreg.registry.partition.entries")
					.tags("registry", "sessions", "partition", "1")
					.gauge()
					.value()).isZero();
				assertThat(meters.get("procreg.registry.unregistrations")
					.tags("registry", "sessions", "cause", "exit")
					.functionCounter()
					.count()).isZero();
				assertThat(meters.get("procreg.registry.conflicts").tag("registry", "default").functionCounter())
					.isNotNull();
			});
	}

	@Test
	void metricsBackOffWhenTheUserDefinesThem() {
		this.contextRunner.withUserConfiguration(UserMetricsConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(ProcessRegistryMetrics.class).hasBean("myMetrics"));
	}

	@Test
	void healthIsUpWhileSupervisorsRun() {
		this.contextRunner.withUserConfiguration(FragileSupervisorConfiguration.class).run((context) -> {
			ProcessRegistryHealthIndicator health = context.getBean("processRegistryHealthContributor",
					ProcessRegistryHealthIndicator.class);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void healthIsDownWhenATopLevelSupervisorGaveUp() {
		this.contextRunner.withUserConfiguration(FragileSupervisorConfiguration.class).run((context) -> {
			ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
			runtime.exit(Name.of("fragile-child"), ExitReason.KILL);
			HealthContributor contributor = context.getBean("processRegistryHealthContributor",
					HealthContributor.class);
			ProcessRegistryHealthIndicator health = (ProcessRegistryHealthIndicator) contributor;
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(health.health().getStatus()).isEqualTo(Status.DOWN));
			assertThat(health.health().getDetails()).containsKey("supervisors");
			assertThat(context.getBean(ProcessSupervisors.class).gaveUp()).containsExactly("fragile");
		});
	}

	@Test
	void healthCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.process-registry.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("processRegistryHealthContributor"));
	}

	static final class Idle extends GenServer<String> {

		@Override
		protected Init<String> init(@Nullable Object arg) {
			return ok("");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FragileSupervisorConfiguration {

		@Bean
		SupervisorDefinition fragile() {
			return SupervisorDefinition.of("fragile", Strategy.ONE_FOR_ONE,
					List.of(ChildSpec.worker("child", Idle::new, null, Name.of("fragile-child"))),
					Supervisor.Options.defaults().withMaxRestarts(0));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		RegistriesEndpoint myEndpoint(ProcessRuntime runtime) {
			return new RegistriesEndpoint(new Introspection(runtime, null, Introspection.Settings.defaults()), List.of(),
					null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMetricsConfiguration {

		@Bean
		ProcessRegistryMetrics myMetrics(ProcessRuntime runtime) {
			return new ProcessRegistryMetrics(new Introspection(runtime, null, Introspection.Settings.defaults()));
		}

	}

}
