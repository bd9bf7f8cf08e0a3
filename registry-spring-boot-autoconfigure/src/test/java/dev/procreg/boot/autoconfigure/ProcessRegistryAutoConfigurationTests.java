package dev.procreg.boot.autoconfigure;

import org.junit.jupiter.api.Test;

import dev.procreg.group.ProcessGroups;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.Keys;
import dev.procreg.registry.PartitionBy;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProcessRegistryAutoConfiguration}.
 */
class ProcessRegistryAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProcessRegistryAutoConfiguration.class));

	@Test
	void runtimeRegistryAndGroupsAreConfigured() {
		this.contextRunner.withPropertyValues("process-registry.node=test-node").run((context) -> {
			assertThat(context).hasSingleBean(ProcessRuntime.class)
				.hasSingleBean(ProcessRegistry.class)
				.hasSingleBean(ProcessGroups.class);
			ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
			assertThat(runtime.node()).isEqualTo("test-node");
			ProcessRegistry<?, ?> registry = context.getBean("processRegistry", ProcessRegistry.class);
			assertThat(registry.name()).isEqualTo("default");
			assertThat(registry.keys()).isEqualTo(Keys.UNIQUE);
			assertThat(registry.runtime()).isSameAs(runtime);
			assertThat(context.getBean(ProcessGroups.class).name()).isEqualTo("default");
		});
	}

	@Test
	void runtimeIsClosedWithTheContext() {
		ProcessRuntime[] runtime = new ProcessRuntime[1];
		this.contextRunner.run((context) -> runtime[0] = context.getBean(ProcessRuntime.class));
		assertThat(runtime[0].isClosed()).isTrue();
	}

	@Test
	void defaultRegistryIsConfigurable() {
		this.contextRunner
			.withPropertyValues("process-registry.default-registry.name=main",
					"process-registry.default-registry.keys=duplicate", "process-registry.default-registry.partitions=4",
					"process-registry.default-registry.partition-by=key", "process-registry.default-registry.expected-keys=1000")
			.run((context) -> {
				ProcessRegistry<?, ?> registry = context.getBean(ProcessRegistry.class);
				assertThat(registry.name()).isEqualTo("main");
				assertThat(registry.keys()).isEqualTo(Keys.DUPLICATE);
				assertThat(registry.partitions()).isEqualTo(4);
				assertThat(registry.partitionBy()).isEqualTo(PartitionBy.KEY);
				assertThat(registry.options().expectedKeys()).isEqualTo(1000);
			});
	}

	@Test
	void aRegistrysExpectedKeysComeFromProperties() {
		this.contextRunner.withPropertyValues("process-registry.registries.sessions.expected-keys=100000")
			.run((context) -> {
				assertThat(context.getBean("sessions", ProcessRegistry.class).options().expectedKeys()).isEqualTo(100_000);
				assertThat(context.getBean("processRegistry", ProcessRegistry.class).options().expectedKeys()).isZero();
			});
	}

	@Test
	void aNegativeExpectedKeysFailsTheContextNamingIt() {
		this.contextRunner.withPropertyValues("process-registry.registries.sessions.expected-keys=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("registry 'sessions': expectedKeys must be 0 (unknown) to 268435456, was -1"));
	}

	@Test
	void registriesDeclaredInPropertiesAreBeansNamedAfterThem() {
		this.contextRunner
			.withPropertyValues("process-registry.registries.sessions.keys=unique",
					"process-registry.registries.sessions.partitions=8",
					"process-registry.registries.flows.keys=duplicate",
					"process-registry.registries.flows.partition-by=key")
			.run((context) -> {
				assertThat(context).getBeans(ProcessRegistry.class).containsOnlyKeys("processRegistry", "sessions", "flows");
				ProcessRegistry<?, ?> sessions = context.getBean("sessions", ProcessRegistry.class);
				assertThat(sessions.name()).isEqualTo("sessions");
				assertThat(sessions.keys()).isEqualTo(Keys.UNIQUE);
				assertThat(sessions.partitions()).isEqualTo(8);
				ProcessRegistry<?, ?> flows = context.getBean("flows", ProcessRegistry.class);
				assertThat(flows.keys()).isEqualTo(Keys.DUPLICATE);
				assertThat(flows.partitionBy()).isEqualTo(PartitionBy.KEY);
				assertThat(flows.partitions()).isEqualTo(1);
				ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
				assertThat(ProcessRegistry.all(runtime)).extracting(ProcessRegistry::name)
					.contains("default", "sessions", "flows");
			});
	}

	@Test
	void declaredRegistryCanBeInjectedWithItsTypes() {
		this.contextRunner.withPropertyValues("process-registry.registries.sessions.keys=unique")
			.withUserConfiguration(SessionsUserConfiguration.class)
			.run((context) -> assertThat(context.getBean(SessionsUser.class).sessions().name()).isEqualTo("sessions"));
	}

	@Test
	void backsOffWhenTheUserDefinesTheBeans() {
		this.contextRunner.withUserConfiguration(UserBeansConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ProcessRuntime.class)
				.hasSingleBean(ProcessRegistry.class)
				.hasSingleBean(ProcessGroups.class);
			assertThat(context.getBean(ProcessRuntime.class).node()).isEqualTo("user");
			assertThat(context.getBean(ProcessRegistry.class).name()).isEqualTo("mine");
			assertThat(context.getBean(ProcessGroups.class).name()).isEqualTo("my-scope");
			assertThat(context).doesNotHaveBean("processRegistry").doesNotHaveBean("processGroups");
		});
	}

	@Test
	void userRegistryDoesNotPreventDeclaredRegistries() {
		this.contextRunner.withUserConfiguration(UserBeansConfiguration.class)
			.withPropertyValues("process-registry.registries.sessions.keys=unique")
			.run((context) -> assertThat(context).getBeans(ProcessRegistry.class).containsOnlyKeys("mine", "sessions"));
	}

	record SessionsUser(ProcessRegistry<String, Object> sessions) {
	}

	@Configuration(proxyBeanMethods = false)
	static class SessionsUserConfiguration {

		@Bean
		SessionsUser sessionsUser(ProcessRegistry<String, Object> sessions) {
			return new SessionsUser(sessions);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeansConfiguration {

		@Bean(destroyMethod = "close")
		ProcessRuntime userRuntime() {
			return ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("user"));
		}

		@Bean
		ProcessRegistry<String, String> mine(ProcessRuntime runtime) {
			return ProcessRegistry.start(runtime, RegistryOptions.unique("mine"));
		}

		@Bean
		ProcessGroups myGroups(ProcessRuntime runtime) {
			return ProcessGroups.start(runtime, "my-scope");
		}

	}

}
