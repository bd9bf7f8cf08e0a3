package dev.procreg.boot.admin;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.procreg.boot.autoconfigure.ProcessAdminAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessRegistryAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessSupervisionAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessWorkerAutoConfiguration;
import dev.procreg.boot.worker.ProcessTemplate;
import dev.procreg.boot.worker.RegisteredProcess;
import dev.procreg.group.ProcessGroups;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.supervisor.Restart;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.DefaultCsrfToken;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Tests for {@link ProcessAdminController}'s page and JSON API, through Spring MVC.
 */
class ProcessAdminControllerTests {

	private static final String API = "/process-admin/api";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProcessRegistryAutoConfiguration.class,
				ProcessWorkerAutoConfiguration.class, ProcessSupervisionAutoConfiguration.class,
				ProcessAdminAutoConfiguration.class, JacksonAutoConfiguration.class,
				HttpMessageConvertersAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
				WebMvcAutoConfiguration.class))
		.withUserConfiguration(AdminTestConfiguration.class)
		.withPropertyValues("process-registry.admin.enabled=true", "process-registry.workers.partitions=2");

	@AfterEach
	void clearAuthentication() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void overviewShowsRegistriesAndPartitionsAndTheTreeAndGroupsHaveTheirOwnEndpoints() {
		run((context, mvc) -> {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			Pid first = template.startOrFind(Session.class, "donor-1");
			template.startOrFind(Session.class, "donor-2");
			context.getBean(ProcessGroups.class).join("payment-workers", first);
			mvc.perform(get(API + "/overview"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.node").value("local"))
				.andExpect(jsonPath("$.registries['admin-sessions'].keys").value("unique"))
				.andExpect(jsonPath("$.registries['admin-sessions'].keyCount").value(2))
				.andExpect(jsonPath("$.registries['admin-sessions'].partitionStats.length()").value(2))
				.andExpect(jsonPath("$.workers['admin-sessions'].restart").value("permanent"))
				.andExpect(jsonPath("$.actions.allowed").value(false))
				.andExpect(jsonPath("$.refreshMillis").value(2000))
				.andExpect(jsonPath("$.supervision").doesNotExist());
			mvc.perform(get(API + "/supervision"))
				.andExpect(jsonPath("$.roots[0].name").value("procreg.workers.admin-sessions"))
				.andExpect(jsonPath("$.roots[0].children.length()").value(2))
				.andExpect(jsonPath("$.roots[0].children[0].subtree.kind").value("dynamic_supervisor"));
			mvc.perform(get(API + "/groups"))
				.andExpect(jsonPath("$.scopes[0].scope").value("default"))
				.andExpect(jsonPath("$.scopes[0].groups[0].name").value("payment-workers"))
				.andExpect(jsonPath("$.scopes[0].groups[0].members[0]").value(first.toString()));
		});
	}

	@Test
	void keysArePagedFilteredAndSanitizedAsTheEndpointDoes() {
		run((context, mvc) -> {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			for (int i = 0; i < 12; i++) {
				template.startOrFind(Session.class, String.format("donor-%02d", i));
			}
			template.startOrFind(Session.class, "other");
			mvc.perform(get(API + "/registries/admin-sessions/keys"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.total").value(13))
				.andExpect(jsonPath("$.limit").value(ProcessAdminController.DEFAULT_LIMIT))
				.andExpect(jsonPath("$.valuesShown").value(false))
				.andExpect(jsonPath("$.items[0].entries[0].value.tier").value(SanitizableData.SANITIZED_VALUE));
			mvc.perform(get(API + "/registries/admin-sessions/keys?prefix=donor-&offset=10&limit=5"))
				.andExpect(jsonPath("$.total").value(12))
				.andExpect(jsonPath("$.items.length()").value(2))
				.andExpect(jsonPath("$.items[0].key").value("donor-10"))
				.andExpect(jsonPath("$.items[1].key").value("donor-11"))
				.andExpect(jsonPath("$.items[0].entries[0].status").isString())
				.andExpect(jsonPath("$.items[0].entries[0].restarts").value(0));
			mvc.perform(get(API + "/registries/admin-sessions/keys?limit=0")).andExpect(status().isBadRequest());
			mvc.perform(get(API + "/registries/admin-sessions/keys?offset=-1")).andExpect(status().isBadRequest());
			mvc.perform(get(API + "/registries/nope/keys")).andExpect(status().isNotFound());
		});
	}

	@Test
	void aRefreshOfAHundredThousandKeysSanitizesOnlyThePageShown() {
		AtomicInteger sanitized = new AtomicInteger();
		this.contextRunner
			.withPropertyValues("management.endpoint.registries.show-values=always",
					"process-registry.registries.big.keys=unique", "process-registry.registries.big.partitions=8")
			.withBean("countingSanitizer", SanitizingFunction.class, () -> (data) -> {
				sanitized.incrementAndGet();
				return data;
			})
			.run(withMvc((context, mvc) -> {
				ProcessRegistry<String, String> big = context.getBean("big", ProcessRegistry.class);
				CountDownLatch registered = new CountDownLatch(1);
				context.getBean(ProcessRuntime.class).spawn((ctx) -> {
					for (int i = 0; i < 100_000; i++) {
						big.register(String.format("key-%06d", i), "value-" + i);
					}
					registered.countDown();
					ctx.receive();
				});
				assertThat(registered.await(30, TimeUnit.SECONDS)).isTrue();
				// what the page does every refresh interval: the overview, then the shown page of keys
				mvc.perform(get(API + "/overview")).andExpect(status().isOk());
				mvc.perform(get(API + "/registries/big/keys?offset=500&limit=20"))
					.andExpect(jsonPath("$.total").value(100_000))
					.andExpect(jsonPath("$.items[0].key").value("key-000500"))
					.andExpect(jsonPath("$.items[0].entries[0].value").value("value-500"));
				assertThat(sanitized).as("one sanitization per value shown, not per value held").hasValue(20);
			}));
	}

	@Test
	void valuesAreShownWhenTheEndpointShowsThemAndSanitizingFunctionsApply() {
		this.contextRunner.withPropertyValues("management.endpoint.registries.show-values=always")
			.run(withMvc((context, mvc) -> {
				context.getBean(ProcessTemplate.class).startOrFind(Session.class, "donor-1");
				mvc.perform(get(API + "/registries/admin-sessions/keys"))
					.andExpect(jsonPath("$.valuesShown").value(true))
					.andExpect(jsonPath("$.items[0].entries[0].value.tier").value("gold"))
					.andExpect(jsonPath("$.items[0].entries[0].value.apiToken").value(SanitizableData.SANITIZED_VALUE));
			}));
	}

	@Test
	void valuesAreShownWhenAuthorizedOnlyToUsersWithTheEndpointsRoles() {
		this.contextRunner
			.withPropertyValues("management.endpoint.registries.show-values=when-authorized",
					"management.endpoint.registries.roles=OPS")
			.run(withMvc((context, mvc) -> {
				context.getBean(ProcessTemplate.class).startOrFind(Session.class, "donor-1");
				String keys = API + "/registries/admin-sessions/keys";
				mvc.perform(get(keys))
					.andExpect(jsonPath("$.items[0].entries[0].value.tier").value(SanitizableData.SANITIZED_VALUE));
				mvc.perform(get(keys).principal(user("ann", "ROLE_OPS")).with((request) -> {
					request.addUserRole("OPS");
					return request;
				})).andExpect(jsonPath("$.items[0].entries[0].value.tier").value("gold"));
				mvc.perform(get(keys).principal(user("bob", "ROLE_USER")))
					.andExpect(jsonPath("$.items[0].entries[0].value.tier").value(SanitizableData.SANITIZED_VALUE));
			}));
	}

	@Test
	void processViewShowsStatusMailboxLinksNamesAndUptime() {
		run((context, mvc) -> {
			Pid pid = context.getBean(ProcessTemplate.class).startOrFind(Session.class, "donor-1");
			for (String form : List.of(pid.toString(), pid.toString().substring(1, pid.toString().length() - 1))) {
				mvc.perform(get(API + "/processes/{pid}", form))
					.andExpect(status().isOk())
					.andExpect(jsonPath("$.pid").value(pid.toString()))
					.andExpect(jsonPath("$.status").exists())
					.andExpect(jsonPath("$.mailboxLength").value(0))
					.andExpect(jsonPath("$.registeredNames", hasItem(containsString("donor-1"))))
					.andExpect(jsonPath("$.links.length()").value(1))
					.andExpect(jsonPath("$.monitors").isArray())
					.andExpect(jsonPath("$.uptimeMillis").isNumber())
					.andExpect(jsonPath("$.serverClass").value(Session.class.getName()))
					.andExpect(jsonPath("$.restart").value("permanent"))
					.andExpect(jsonPath("$.restarts").value(0));
			}
			mvc.perform(get(API + "/processes/local.999999"))
				.andExpect(status().isNotFound())
				.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
				.andExpect(jsonPath("$.pid").value("<local.999999>"));
			mvc.perform(get(API + "/processes/garbage"))
				.andExpect(status().isBadRequest())
				.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
				.andExpect(jsonPath("$.detail").value(containsString("'garbage' is not a pid")));
		});
	}

	@Test
	void terminateIsRefusedUnlessActionsAreAllowed() {
		run((context, mvc) -> {
			Pid pid = context.getBean(ProcessTemplate.class).startOrFind(Session.class, "donor-1");
			authenticate("ann", "ROLE_PROCESS_ADMIN");
			mvc.perform(post(API + "/processes/{pid}/terminate", pid.toString()))
				.andExpect(status().isForbidden())
				.andExpect(jsonPath("$.error").value(containsString("allow-actions")));
			assertThat(context.getBean(ProcessRuntime.class).isAlive(pid)).isTrue();
		});
	}

	@Test
	void terminateIsRefusedToAnonymousUsersAndUsersWithoutTheRole() {
		this.contextRunner.withPropertyValues("process-registry.admin.allow-actions=true")
			.run(withMvc((context, mvc) -> {
				Pid pid = context.getBean(ProcessTemplate.class).startOrFind(Session.class, "donor-1");
				String terminate = API + "/processes/" + pid + "/terminate";
				mvc.perform(post(terminate))
					.andExpect(status().isForbidden())
					.andExpect(jsonPath("$.error").value(containsString("logged-in user with role PROCESS_ADMIN")));
				authenticate("bob", "ROLE_USER", "ROLE_ADMIN");
				mvc.perform(post(terminate))
					.andExpect(status().isForbidden())
					.andExpect(jsonPath("$.error").value("actions need role PROCESS_ADMIN"));
				mvc.perform(get(API + "/overview"))
					.andExpect(jsonPath("$.user").value("bob"))
					.andExpect(jsonPath("$.actions.allowed").value(true))
					.andExpect(jsonPath("$.actions.permitted").value(false));
				assertThat(context.getBean(ProcessRuntime.class).isAlive(pid)).isTrue();
			}));
	}

	@Test
	void terminateByAnAdminRestartsAPermanentWorkerUnderANewPid() {
		this.contextRunner.withPropertyValues("process-registry.admin.allow-actions=true")
			.run(withMvc((context, mvc) -> {
				ProcessTemplate template = context.getBean(ProcessTemplate.class);
				ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
				Pid pid = template.startOrFind(Session.class, "donor-1");
				authenticate("ann", "ROLE_PROCESS_ADMIN");
				mvc.perform(get(API + "/overview")).andExpect(jsonPath("$.actions.permitted").value(true));
				mvc.perform(confirmed(post(API + "/processes/{pid}/terminate", pid.toString()), "admin-sessions:donor-1"))
					.andExpect(status().isOk())
					.andExpect(jsonPath("$.pid").value(pid.toString()))
					.andExpect(jsonPath("$.user").value("ann"))
					.andExpect(jsonPath("$.how").value("shutdown"));
				assertThat(runtime.isAlive(pid)).isFalse();
				Pid restarted = await().atMost(Duration.ofSeconds(5))
					.until(() -> template.whereis(Session.class, "donor-1").orElse(null),
							(found) -> found != null && !found.equals(pid));
				mvc.perform(get(API + "/registries/admin-sessions/keys"))
					.andExpect(jsonPath("$.items[0].entries[0].pid").value(restarted.toString()))
					.andExpect(jsonPath("$.items[0].entries[0].restarts").value(1))
					.andExpect(jsonPath("$.items[0].entries[0].lastExitReason").value("shutdown"));
				mvc.perform(post(API + "/processes/{pid}/terminate", pid.toString())).andExpect(status().isNotFound());
				mvc.perform(post(API + "/processes/{pid}/terminate?reason=whatever", restarted.toString()))
					.andExpect(status().isBadRequest());
				mvc.perform(confirmed(post(API + "/processes/{pid}/terminate?reason=kill", restarted.toString()),
						"admin-sessions:donor-1"))
					.andExpect(status().isOk());
				assertThat(runtime.isAlive(restarted)).isFalse();
			}));
	}

	@Test
	void theAdminRoleIsConfigurable() {
		this.contextRunner
			.withPropertyValues("process-registry.admin.allow-actions=true", "process-registry.admin.role=OPS")
			.run(withMvc((context, mvc) -> {
				Pid pid = context.getBean(ProcessTemplate.class).startOrFind(Session.class, "donor-1");
				authenticate("ann", "ROLE_PROCESS_ADMIN");
				mvc.perform(post(API + "/processes/{pid}/terminate", pid.toString())).andExpect(status().isForbidden());
				authenticate("otto", "ROLE_OPS");
				mvc.perform(confirmed(post(API + "/processes/{pid}/terminate", pid.toString()), "admin-sessions:donor-1"))
					.andExpect(status().isOk());
			}));
	}

	@Test
	void withoutSpringSecurityActionsNeedOnlyToBeAllowed() {
		this.contextRunner.withPropertyValues("process-registry.admin.allow-actions=true")
			.withClassLoader(new FilteredClassLoader("org.springframework.security"))
			.run(withMvc((context, mvc) -> {
				Pid pid = context.getBean(ProcessTemplate.class).startOrFind(Session.class, "donor-1");
				mvc.perform(get(API + "/overview"))
					.andExpect(jsonPath("$.actions.permitted").value(true))
					.andExpect(jsonPath("$.csrf").doesNotExist());
				mvc.perform(confirmed(post(API + "/processes/{pid}/terminate", pid.toString()), "admin-sessions:donor-1"))
					.andExpect(status().isOk())
					.andExpect(jsonPath("$.user").value(startsWith("anonymous")));
			}));
	}

	@Test
	void overviewHandsThePageTheRequestsCsrfToken() {
		run((context, mvc) -> mvc
			.perform(get(API + "/overview").requestAttr(CsrfToken.class.getName(),
					new DefaultCsrfToken("X-CSRF-TOKEN", "_csrf", "t0ken")))
			.andExpect(jsonPath("$.csrf.headerName").value("X-CSRF-TOKEN"))
			.andExpect(jsonPath("$.csrf.token").value("t0ken")));
	}

	static MockHttpServletRequestBuilder confirmed(MockHttpServletRequestBuilder request, String name) {
		return request.contentType(MediaType.APPLICATION_JSON).content("{\"confirm\": \"" + name + "\"}");
	}

	private void run(MvcConsumer consumer) {
		this.contextRunner.run(withMvc(consumer));
	}

	private static ContextConsumer<AssertableWebApplicationContext> withMvc(MvcConsumer consumer) {
		return (context) -> {
			assertThat(context).hasNotFailed();
			consumer.accept(context, MockMvcBuilders.webAppContextSetup(context).build());
		};
	}

	private static Authentication user(String name, String... authorities) {
		return UsernamePasswordAuthenticationToken.authenticated(name, "n/a",
				AuthorityUtils.createAuthorityList(authorities));
	}

	private static void authenticate(String name, String... authorities) {
		SecurityContextHolder.getContext().setAuthentication(user(name, authorities));
	}

	@FunctionalInterface
	interface MvcConsumer {

		void accept(AssertableWebApplicationContext context, MockMvc mvc) throws Exception;

	}

	@Configuration(proxyBeanMethods = false)
	@Import(Session.class)
	static class AdminTestConfiguration {

		@Bean
		SanitizingFunction tokens() {
			return (data) -> data.getKey().toLowerCase().contains("token") ? data.withSanitizedValue() : data;
		}

	}

	@RegisteredProcess(registry = "admin-sessions", restart = Restart.PERMANENT,
			metadata = { "tier=gold", "apiToken=secret" })
	static class Session extends GenServer<String> {

		@Override
		protected Init<String> init(@Nullable Object key) {
			return ok(String.valueOf(key));
		}

	}

}
