package dev.procreg.boot.admin;

import org.junit.jupiter.api.Test;

import dev.procreg.boot.autoconfigure.ProcessAdminAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessClusterAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessRegistryAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessSupervisionAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessWorkerAutoConfiguration;
import dev.procreg.cluster.ProcessCluster;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Tests for {@link AdminClusterController}: the console's cluster view over the cluster bean,
 * and a console without a cluster (not enabled, or the module absent).
 */
class AdminClusterControllerTests {

	private static final String API = ProcessAdminController.PATH + "/api";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProcessRegistryAutoConfiguration.class,
				ProcessWorkerAutoConfiguration.class, ProcessSupervisionAutoConfiguration.class,
				ProcessClusterAutoConfiguration.class, ProcessAdminAutoConfiguration.class,
				JacksonAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
				DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class))
		.withPropertyValues("process-registry.admin.enabled=true", "process-registry.node=admin-node");

	@Test
	void theConsoleShowsTheMembersAndTheClusterScopedRegistries() {
		this.contextRunner
			.withPropertyValues("process-registry.cluster.enabled=true", "process-registry.cluster.name=procreg-admin",
					"process-registry.cluster.port=5935", "process-registry.cluster.port-count=1",
					"process-registry.cluster.members=127.0.0.1:5935",
					"process-registry.registries.sessions.cluster=true")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(AdminClusterController.class);
				MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
				mvc.perform(get(API + "/cluster"))
					.andExpect(status().isOk())
					.andExpect(jsonPath("$.cluster").value("procreg-admin"))
					.andExpect(jsonPath("$.running").value(true))
					.andExpect(jsonPath("$.members[0].name").value("admin-node"))
					.andExpect(jsonPath("$.members[0].self").value(true))
					.andExpect(jsonPath("$.registries[0].name").value("sessions"))
					.andExpect(jsonPath("$.eventCounts.NODE_DOWN").value(0))
					.andExpect(jsonPath("$.codecRejections.count").value(0));
				mvc.perform(get(ProcessAdminController.PATH + "/cluster")).andExpect(status().isOk());
			});
	}

	@Test
	void withoutAClusterTheConsoleAnswersNotFoundForTheClusterView() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(AdminClusterController.class);
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			mvc.perform(get(API + "/overview")).andExpect(status().isOk());
			mvc.perform(get(API + "/cluster")).andExpect(status().isNotFound());
		});
	}

	@Test
	void withoutTheClusterModuleTheConsoleWorks() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ProcessCluster.class))
			.withPropertyValues("process-registry.cluster.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(AdminClusterController.class);
				MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
				mvc.perform(get(API + "/overview")).andExpect(status().isOk());
			});
	}

}
