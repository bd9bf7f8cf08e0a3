package dev.procreg.boot.admin;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.procreg.boot.autoconfigure.ProcessAdminAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessRegistryAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessSupervisionAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessWorkerAutoConfiguration;
import dev.procreg.introspect.Introspection;
import dev.procreg.process.ProcessRuntime;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ProcessAdminAutoConfiguration}: when the admin page is served.
 */
class ProcessAdminAutoConfigurationTests {

	private static final AutoConfigurations ALL = AutoConfigurations.of(ProcessRegistryAutoConfiguration.class,
			ProcessWorkerAutoConfiguration.class, ProcessSupervisionAutoConfiguration.class,
			ProcessAdminAutoConfiguration.class);

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner().withConfiguration(ALL);

	@Test
	void adminIsOffByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(ProcessRuntime.class)
			.doesNotHaveBean(ProcessAdminController.class));
	}

	@Test
	void adminIsServedWhenEnabledInAServletWebApplication() {
		this.contextRunner.withPropertyValues("process-registry.admin.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(ProcessAdminController.class));
	}

	@Test
	void theConsoleKeepsItsStateInOneBeanBoundToItsPropertiesAndStartedWithTheContext() {
		this.contextRunner
			.withPropertyValues("process-registry.admin.enabled=true", "process-registry.admin.history.interval=250ms",
					"process-registry.admin.history.size=20", "process-registry.admin.events.size=50",
					"process-registry.admin.events.stream-queue=8", "process-registry.admin.events.stream-timeout=1m",
					"process-registry.admin.audit.size=7", "process-registry.admin.snapshot-interval=3s")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(AdminConsole.class)
					.hasSingleBean(AdminEventsController.class)
					.hasSingleBean(AdminProblems.class);
				AdminConsole console = context.getBean(AdminConsole.class);
				assertThat(console.settings()).isEqualTo(new AdminConsole.Settings(Duration.ofMillis(250), 20, 50, 8,
						Duration.ofMinutes(1), 7, Duration.ofSeconds(3)));
				assertThat(console.history().capacity()).isEqualTo(20);
				assertThat(console.journal().capacity()).isEqualTo(50);
				assertThat(console.isRunning()).as("the sampler runs while the context runs").isTrue();
				context.close();
				assertThat(console.isRunning()).as("and stops with it").isFalse();
			});
	}

	@Test
	void metricsAndHealthAreLeftOutWithoutMicrometerAndTheHealthModule() {
		this.contextRunner.withPropertyValues("process-registry.admin.enabled=true")
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class, HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(AdminEventsController.class)
				.doesNotHaveBean(AdminMeters.class)
				.doesNotHaveBean(AdminHealth.class));
	}

	@Test
	void metricsAndHealthAreReadFromMicrometerAndTheHealthIndicatorsWhenPresent() {
		this.contextRunner.withPropertyValues("process-registry.admin.enabled=true")
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(MicrometerAdminMeters.class)
				.hasSingleBean(HealthIndicatorAdminHealth.class));
	}

	@Test
	void badSettingsAreRefusedNamingTheMistake() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AdminConsole.Settings(Duration.ofSeconds(1), 1, 10, 10, Duration.ofMinutes(1), 10,
					Duration.ZERO))
			.withMessageContaining("history size must be at least 2");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AdminConsole.Settings(Duration.ZERO, 10, 10, 10, Duration.ofMinutes(1), 10,
					Duration.ZERO))
			.withMessage("the history interval must be positive, was PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AdminConsole.Settings(Duration.ofSeconds(1), 10, 10, 0, Duration.ofMinutes(1), 10,
					Duration.ZERO))
			.withMessageContaining("stream queue");
	}

	@Test
	void adminIsOffWhenDisabledExplicitly() {
		this.contextRunner.withPropertyValues("process-registry.admin.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessAdminController.class));
	}

	@Test
	void adminIsNotServedInANonWebApplication() {
		new ApplicationContextRunner().withConfiguration(ALL)
			.withPropertyValues("process-registry.admin.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ProcessRuntime.class)
				.doesNotHaveBean(ProcessAdminController.class));
	}

	@Test
	void adminIsNotServedInAReactiveWebApplication() {
		new ReactiveWebApplicationContextRunner().withConfiguration(ALL)
			.withPropertyValues("process-registry.admin.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProcessAdminController.class));
	}

	@Test
	void adminBacksOffWithoutSpringMvc() {
		this.contextRunner.withPropertyValues("process-registry.admin.enabled=true")
			.withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProcessAdminController.class));
	}

	@Test
	void adminBacksOffWithoutTheActuatorWhoseSanitizingItUses() {
		this.contextRunner.withPropertyValues("process-registry.admin.enabled=true")
			.withClassLoader(new FilteredClassLoader(SanitizingFunction.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProcessAdminController.class));
	}

	@Test
	void adminBacksOffWithoutARuntime() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ProcessAdminAutoConfiguration.class))
			.withPropertyValues("process-registry.admin.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ProcessAdminController.class));
	}

	@Test
	void adminBacksOffWhenTheUserDefinesTheController() {
		this.contextRunner.withPropertyValues("process-registry.admin.enabled=true")
			.withUserConfiguration(UserControllerConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(ProcessAdminController.class)
				.hasBean("myAdmin"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserControllerConfiguration {

		@Bean
		ProcessAdminController myAdmin(ProcessRuntime runtime) {
			return new ProcessAdminController(
					new AdminConsole(new Introspection(runtime, null, Introspection.Settings.defaults()),
							AdminConsole.Settings.defaults()),
					List.of(), null,
					new ProcessAdminSettings(false, "X", Duration.ofSeconds(2), Show.NEVER, Set.of(), false));
		}

	}

}
