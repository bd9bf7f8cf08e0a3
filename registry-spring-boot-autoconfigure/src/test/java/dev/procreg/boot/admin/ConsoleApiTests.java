package dev.procreg.boot.admin;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.procreg.boot.actuate.ProcessRegistryMetrics;
import dev.procreg.boot.autoconfigure.ProcessAdminAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessRegistryAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessRegistryHealthContributorAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessSupervisionAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessWorkerAutoConfiguration;
import dev.procreg.boot.supervision.SupervisorDefinition;
import dev.procreg.boot.worker.ProcessTemplate;
import dev.procreg.boot.worker.RegisteredProcess;
import dev.procreg.introspect.Introspection;
import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.Name;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.Supervisor;
import dev.procreg.supervisor.Restart;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Tests for the operator console's JSON API ({@link ProcessAdminController},
 * {@link AdminEventsController}) through Spring MVC: each endpoint, its bad input as problem
 * details, the confirmation rule, the audit log and the live event feed.
 */
class ConsoleApiTests {

	private static final String API = "/process-admin/api";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProcessRegistryAutoConfiguration.class,
				ProcessWorkerAutoConfiguration.class, ProcessSupervisionAutoConfiguration.class,
				ProcessRegistryHealthContributorAutoConfiguration.class, ProcessAdminAutoConfiguration.class,
				JacksonAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
				DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class))
		.withUserConfiguration(ConsoleTestConfiguration.class)
		.withPropertyValues("process-registry.admin.enabled=true", "process-registry.admin.allow-actions=true",
				"process-registry.admin.snapshot-interval=0s", "process-registry.workers.partitions=1");

	@AfterEach
	void clearAuthentication() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void overviewCountsAndNamesTheNodeHealthAndUser() {
		run((context, mvc) -> {
			context.getBean(ProcessTemplate.class).startOrFind(Session.class, "donor-1");
			authenticate("ann");
			mvc.perform(get(API + "/overview"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.node").value("local"))
				.andExpect(jsonPath("$.uptimeMillis").isNumber())
				.andExpect(jsonPath("$.counts.registries").value(2))
				.andExpect(jsonPath("$.counts.keys").value(1))
				.andExpect(jsonPath("$.counts.supervisors", greaterThanOrEqualTo(2)))
				.andExpect(jsonPath("$.health.up").value(true))
				.andExpect(jsonPath("$.historyMillis").value(1000))
				.andExpect(jsonPath("$.user").value("ann"))
				.andExpect(jsonPath("$.actions.permitted").value(true));
		});
	}

	@Test
	void processesArePagedSortedAndSearchedOnTheServer() {
		run((context, mvc) -> {
			ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			Pid session = template.startOrFind(Session.class, "donor-42");
			CountDownLatch release = new CountDownLatch(1);
			Pid busy = runtime.spawn((ctx) -> release.await());
			for (int i = 0; i < 5; i++) {
				runtime.send(busy, "message " + i);
			}
			try {
				int total = runtime.processCount();
				mvc.perform(get(API + "/processes?limit=2"))
					.andExpect(status().isOk())
					.andExpect(jsonPath("$.total").value(total))
					.andExpect(jsonPath("$.sort").value("pid"))
					.andExpect(jsonPath("$.dir").value("asc"))
					.andExpect(jsonPath("$.items.length()").value(2))
					.andExpect(jsonPath("$.asOf").isString());
				mvc.perform(get(API + "/processes?sort=mailbox&limit=1"))
					.andExpect(jsonPath("$.dir").value("desc"))
					.andExpect(jsonPath("$.items[0].pid").value(busy.toString()))
					.andExpect(jsonPath("$.items[0].mailboxLength").value(5))
					.andExpect(jsonPath("$.items[0].status").value("running"))
					.andExpect(jsonPath("$.items[0].confirm").doesNotExist());
				mvc.perform(get(API + "/processes?q=donor-4"))
					.andExpect(jsonPath("$.total").value(1))
					.andExpect(jsonPath("$.items[0].pid").value(session.toString()))
					.andExpect(jsonPath("$.items[0].keys[0]").value("console-sessions:donor-42"))
					.andExpect(jsonPath("$.items[0].restarts").value(0))
					.andExpect(jsonPath("$.items[0].supervisor").isString())
					.andExpect(jsonPath("$.items[0].confirm").value("console-sessions:donor-42"));
				mvc.perform(get(API + "/processes?q=" + busy.toString().substring(1, busy.toString().length() - 1)))
					.andExpect(jsonPath("$.total").value(1))
					.andExpect(jsonPath("$.items[0].pid").value(busy.toString()));
				for (String sort : List.of("pid", "mailbox", "messages", "uptime", "restarts")) {
					mvc.perform(get(API + "/processes?sort=" + sort + "&dir=asc&offset=1&limit=500"))
						.andExpect(status().isOk())
						.andExpect(jsonPath("$.items.length()").value(total - 1));
				}
			}
			finally {
				release.countDown();
			}
		});
	}

	@Test
	void badProcessTableInputIsAProblemDetailNamingTheMistake() {
		run((context, mvc) -> {
			problem(mvc.perform(get(API + "/processes?sort=memory")), 400, "unknown sort key 'memory'");
			problem(mvc.perform(get(API + "/processes?dir=sideways")), 400, "unknown sort direction 'sideways'");
			problem(mvc.perform(get(API + "/processes?offset=-1")), 400, "offset must be at least 0, was -1");
			problem(mvc.perform(get(API + "/processes?limit=501")), 400, "limit must be from 1 to 500, was 501");
			problem(mvc.perform(get(API + "/processes?limit=lots")), 400, "limit");
			problem(mvc.perform(get(API + "/processes/not-a-pid")), 400, "'not-a-pid' is not a pid");
			problem(mvc.perform(get(API + "/events?type=gossip")), 400, "unknown event type 'gossip'");
			problem(mvc.perform(get(API + "/events?limit=0")), 400, "limit must be from 1 to 1000");
			problem(mvc.perform(get(API + "/audit?limit=100000")), 400, "limit must be from 1 to 1000");
			problem(mvc.perform(get(API + "/registries/nope/keys")), 404, "no registry is named 'nope'");
			problem(mvc.perform(post(API + "/processes/local.1/terminate").contentType(MediaType.APPLICATION_JSON)
				.content("{not json")), 400, "");
		});
	}

	@Test
	void theDrawerShowsNamesKeysCountersAndTheSupervisorsRecentExits() {
		run((context, mvc) -> {
			ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			Pid first = template.startOrFind(Session.class, "donor-7");
			runtime.exit(first, ExitReason.KILL);
			Pid second = await().atMost(Duration.ofSeconds(5))
				.until(() -> template.whereis(Session.class, "donor-7").orElse(null),
						(found) -> found != null && !found.equals(first));
			template.call(Session.class, "donor-7", "ping");
			// a server counts the messages of a turn once the turn ends, after its replies went out
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> mvc.perform(get(API + "/processes/{pid}", second.toString()))
					.andExpect(jsonPath("$.messagesHandled", greaterThanOrEqualTo(1))));
			mvc.perform(get(API + "/processes/{pid}", second.toString()))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.keys[0]").value("console-sessions:donor-7"))
				.andExpect(jsonPath("$.names.length()").value(0))
				.andExpect(jsonPath("$.messagesHandled", greaterThanOrEqualTo(1)))
				.andExpect(jsonPath("$.childId").isString())
				.andExpect(jsonPath("$.supervisorName").isString())
				.andExpect(jsonPath("$.restarts").value(1))
				.andExpect(jsonPath("$.recentExits[0].pid").value(first.toString()))
				.andExpect(jsonPath("$.recentExits[0].reason").value("killed"))
				.andExpect(jsonPath("$.confirm").value("console-sessions:donor-7"))
				.andExpect(jsonPath("$.confirmReasons[0]").value(containsString("unique registry 'console-sessions'")));
			mvc.perform(get(API + "/processes?q=donor-7")).andExpect(jsonPath("$.items[0].restarts").value(1));
		});
	}

	@Test
	void terminatingASupervisorASingletonOrALastChildNeedsItsNameTyped() {
		run((context, mvc) -> {
			ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
			authenticate("ann");
			Pid supervisor = ((StartResult.Started) Supervisor.start(runtime, Strategy.ONE_FOR_ONE,
					List.of(ChildSpec.worker("only", Idle::new, null)), Supervisor.Options.defaults())).pid();
			Pid onlyChild = Supervisor.whichChildren(runtime, supervisor).getFirst().pid();
			Pid named = runtime.spawn((ctx) -> ctx.receive());
			runtime.register("rate-limiter", named);
			Pid plain = runtime.spawn((ctx) -> ctx.receive());

			String terminate = API + "/processes/{pid}/terminate";
			mvc.perform(post(terminate, supervisor.toString()))
				.andExpect(status().isPreconditionRequired())
				.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
				.andExpect(jsonPath("$.expected").value(supervisor.toString()))
				.andExpect(jsonPath("$.reasons[0]").value(containsString("supervisor")))
				.andExpect(jsonPath("$.auditId").isNumber());
			mvc.perform(ProcessAdminControllerTests.confirmed(post(terminate, onlyChild.toString()), "wrong"))
				.andExpect(status().isPreconditionRequired())
				.andExpect(jsonPath("$.detail").value(containsString("does not match")))
				.andExpect(jsonPath("$.expected").value(onlyChild.toString()))
				.andExpect(jsonPath("$.reasons[0]").value(containsString("last running child")));
			mvc.perform(post(terminate, named.toString()))
				.andExpect(status().isPreconditionRequired())
				.andExpect(jsonPath("$.expected").value("rate-limiter"));
			assertThat(runtime.isAlive(supervisor) && runtime.isAlive(onlyChild) && runtime.isAlive(named)).isTrue();

			mvc.perform(ProcessAdminControllerTests.confirmed(post(terminate, named.toString()), "rate-limiter"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.auditId").isNumber());
			mvc.perform(post(terminate, plain.toString()).param("reason", "kill")).andExpect(status().isOk());
			mvc.perform(ProcessAdminControllerTests.confirmed(post(terminate, supervisor.toString()),
					supervisor.toString()))
				.andExpect(status().isOk());
			assertThat(runtime.isAlive(named) || runtime.isAlive(plain) || runtime.isAlive(supervisor)).isFalse();
			mvc.perform(post(terminate, plain.toString())).andExpect(status().isNotFound());

			mvc.perform(get(API + "/audit"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.entries.length()").value(7))
				.andExpect(jsonPath("$.entries[0].outcome").value("not-found"))
				.andExpect(jsonPath("$.entries[0].status").value(404))
				.andExpect(jsonPath("$.entries[1].outcome").value("accepted"))
				.andExpect(jsonPath("$.entries[1].target").value(supervisor.toString()))
				.andExpect(jsonPath("$.entries[3].targetName").value("rate-limiter"))
				.andExpect(jsonPath("$.entries[4].outcome").value("confirm-required"))
				.andExpect(jsonPath("$.entries[6].user").value("ann"))
				.andExpect(jsonPath("$.entries[6].time").isString());
			mvc.perform(get(API + "/events?type=action"))
				.andExpect(jsonPath("$.events.length()").value(7))
				.andExpect(jsonPath("$.events[0].user").value("ann"));
		});
	}

	@Test
	void refusedActionsAreAuditedToo() {
		this.contextRunner.withPropertyValues("process-registry.admin.allow-actions=false")
			.run(withMvc((context, mvc) -> {
				Pid pid = context.getBean(ProcessRuntime.class).spawn((ctx) -> ctx.receive());
				authenticate("mallory");
				mvc.perform(post(API + "/processes/{pid}/terminate", pid.toString())).andExpect(status().isForbidden());
				mvc.perform(post(API + "/processes/{pid}/terminate", "garbage")).andExpect(status().isForbidden());
				mvc.perform(get(API + "/audit?limit=1"))
					.andExpect(jsonPath("$.entries.length()").value(1))
					.andExpect(jsonPath("$.entries[0].user").value("mallory"))
					.andExpect(jsonPath("$.entries[0].outcome").value("refused"))
					.andExpect(jsonPath("$.entries[0].target").value("garbage"))
					.andExpect(jsonPath("$.entries[0].detail").value(containsString("allow-actions")));
			}));
	}

	@Test
	void supervisionShowsEachSupervisorsRestartBudgetAndChildrensExits() {
		run((context, mvc) -> {
			ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
			Pid supervisor = ((StartResult.Started) Supervisor.start(runtime, Strategy.ONE_FOR_ONE,
					List.of(ChildSpec.worker("worker", Idle::new, null), ChildSpec.worker("other", Idle::new, null)),
					new Supervisor.Options(10, 10, null))).pid();
			Pid worker = Supervisor.whichChildren(runtime, supervisor).getFirst().pid();
			runtime.exit(worker, ExitReason.KILL);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> Supervisor.whichChildren(runtime, supervisor).getFirst().restartCount() == 1);
			mvc.perform(get(API + "/supervision"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.roots[?(@.pid == '" + supervisor + "')].budget.used").value(1))
				.andExpect(jsonPath("$.roots[?(@.pid == '" + supervisor + "')].budget.max").value(10))
				.andExpect(jsonPath("$.roots[?(@.pid == '" + supervisor + "')].budget.seconds").value(10))
				.andExpect(jsonPath("$.roots[?(@.pid == '" + supervisor + "')].children[0].recentExits[0].reason")
					.value("killed"))
				.andExpect(jsonPath("$.gaveUp").isArray());
			mvc.perform(get(API + "/events?type=restart,exit"))
				.andExpect(jsonPath("$.events[?(@.type == 'exit')].pid", hasItem(worker.toString())))
				.andExpect(jsonPath("$.events[?(@.type == 'restart')].childId", hasItem("worker")));
		});
	}

	@Test
	void aTopLevelSupervisorKilledPastItsIntensityIsShownAsHavingGivenUp() {
		this.contextRunner.withBean("app", SupervisorDefinition.class,
				() -> SupervisorDefinition.of("app", Strategy.ONE_FOR_ONE,
						List.of(ChildSpec.worker("limiter", Idle::new, null, Name.of("limiter"))),
						new Supervisor.Options(1, 60, null)))
			.run(withMvc((context, mvc) -> {
				ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
				authenticate("ann");
				for (int kill = 0; kill < 2; kill++) {
					Pid limiter = await().atMost(Duration.ofSeconds(5))
						.until(() -> runtime.whereis("limiter").orElse(null), java.util.Objects::nonNull);
					mvc.perform(ProcessAdminControllerTests
						.confirmed(post(API + "/processes/{pid}/terminate", limiter.toString()).param("reason", "kill"),
								"limiter"))
						.andExpect(status().isOk());
					await().atMost(Duration.ofSeconds(5))
						.until(() -> !limiter.equals(runtime.whereis("limiter").orElse(null)));
				}
				await().atMost(Duration.ofSeconds(5))
					.until(() -> context.getBean(Introspection.class).topLevelStatuses().getFirst().gaveUp());
				mvc.perform(get(API + "/supervision"))
					.andExpect(jsonPath("$.gaveUp[0].name").value("app"))
					.andExpect(jsonPath("$.gaveUp[0].gaveUp").value(true));
				mvc.perform(get(API + "/overview"))
					.andExpect(jsonPath("$.supervisors[0].gaveUp").value(true))
					.andExpect(jsonPath("$.health.up").value(false))
					.andExpect(jsonPath("$.health.error").value(containsString("app")));
				mvc.perform(get(API + "/events?type=give-up"))
					.andExpect(jsonPath("$.events[0].childId").value("limiter"))
					.andExpect(jsonPath("$.events[0].reason").value("killed"))
					.andExpect(jsonPath("$.events[0].detail").value("more than 1 restarts in 60 s"));
			}));
	}

	@Test
	void registriesAndGroupsHaveTheirOwnEndpoints() {
		run((context, mvc) -> {
			Pid pid = context.getBean(ProcessTemplate.class).startOrFind(Session.class, "donor-1");
			context.getBean(dev.procreg.group.ProcessGroups.class).join("payment-workers", pid);
			mvc.perform(get(API + "/registries"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.registries['console-sessions'].keyCount").value(1))
				.andExpect(jsonPath("$.workers['console-sessions'].restart").value("permanent"));
			mvc.perform(get(API + "/groups"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.scopes[0].groups[0].name").value("payment-workers"))
				.andExpect(jsonPath("$.scopes[0].groups[0].members[0]").value(pid.toString()));
		});
	}

	@Test
	void historyIsKeptOnTheServerColumnByColumn() {
		run((context, mvc) -> {
			AdminConsole console = context.getBean(AdminConsole.class);
			console.history().sample();
			console.history().sample();
			int processes = context.getBean(ProcessRuntime.class).processCount();
			mvc.perform(get(API + "/history"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.intervalMillis").value(1000))
				.andExpect(jsonPath("$.capacity").value(600))
				.andExpect(jsonPath("$.time.length()", greaterThanOrEqualTo(2)))
				.andExpect(jsonPath("$.processes[-1]").value(processes))
				.andExpect(jsonPath("$.messagesPerSecond").isArray())
				.andExpect(jsonPath("$.registrationsPerSecond").isArray())
				.andExpect(jsonPath("$.unregistrationsPerSecond").isArray())
				.andExpect(jsonPath("$.restartsPerSecond").isArray())
				.andExpect(jsonPath("$.longestMailbox").isArray());
			mvc.perform(get(API + "/history?since=" + (System.currentTimeMillis() + 60_000)))
				.andExpect(jsonPath("$.time.length()").value(0));
		});
	}

	@Test
	void theLiveFeedStreamsAKillAsAServerSentEvent() {
		run((context, mvc) -> {
			ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
			Pid victim = runtime.spawn((ctx) -> ctx.receive());
			MvcResult stream = mvc.perform(get(API + "/events/stream?type=exit").accept(MediaType.TEXT_EVENT_STREAM))
				.andExpect(request().asyncStarted())
				.andReturn();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> stream.getResponse().getContentAsString().contains("procreg events"));
			runtime.exit(victim, ExitReason.KILL);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(stream.getResponse().getContentAsString())
				.contains("event:exit")
				.contains("\"pid\":\"" + victim + "\"")
				.contains("\"reason\":\"killed\""));
			assertThat(stream.getResponse().getContentType()).startsWith(MediaType.TEXT_EVENT_STREAM_VALUE);
			assertThat(context.getBean(AdminConsole.class).journal().subscriptions()).isEqualTo(1);
			context.getBean(AdminConsole.class).stop();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> context.getBean(AdminConsole.class).journal().subscriptions() == 0);
		});
	}

	@Test
	void aReconnectingFeedResumesAfterItsLastEventId() {
		run((context, mvc) -> {
			ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
			Pid first = runtime.spawn((ctx) -> ctx.receive());
			Pid second = runtime.spawn((ctx) -> ctx.receive());
			runtime.exit(first, ExitReason.KILL);
			runtime.exit(second, ExitReason.KILL);
			AdminConsole console = context.getBean(AdminConsole.class);
			long firstSeq = console.journal()
				.recent(java.util.EnumSet.of(dev.procreg.introspect.EventJournal.Type.EXIT), 10, 0)
				.stream()
				.filter((event) -> first.equals(event.pid()))
				.findFirst()
				.orElseThrow()
				.seq();
			MvcResult stream = mvc
				.perform(get(API + "/events/stream?type=exit").header("Last-Event-ID", Long.toString(firstSeq)))
				.andExpect(request().asyncStarted())
				.andReturn();
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(stream.getResponse().getContentAsString()).contains(second.toString())
					.doesNotContain("\"pid\":\"" + first + "\""));
			problem(mvc.perform(get(API + "/events/stream").header("Last-Event-ID", "yesterday")), 400,
					"Last-Event-ID must be an event's sequence number");
		});
	}

	@Test
	void metricsAndHealthComeFromMicrometerAndTheHealthIndicators() {
		this.contextRunner.withBean(SimpleMeterRegistry.class).run(withMvc((context, mvc) -> {
			new ProcessRegistryMetrics(context.getBean(Introspection.class))
				.bindTo(context.getBean(SimpleMeterRegistry.class));
			mvc.perform(get(API + "/metrics"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.available").value(true))
				.andExpect(jsonPath("$.meters[?(@.name == 'procreg.processes')].type").value("gauge"))
				.andExpect(jsonPath("$.meters[?(@.name == 'procreg.registry.keys')].tags.registry",
						hasItem("console-sessions")));
			mvc.perform(get(API + "/health"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.available").value(true))
				.andExpect(jsonPath("$.status").value("UP"))
				.andExpect(jsonPath("$.components.processRegistry.status").value("UP"))
				.andExpect(jsonPath("$.components.processRegistry.details.node").value("local"));
		}));
	}

	@Test
	void withoutMicrometerAndTheHealthModuleTheConsoleSaysSo() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader(io.micrometer.core.instrument.MeterRegistry.class,
					org.springframework.boot.health.contributor.HealthIndicator.class))
			.run(withMvc((context, mvc) -> {
				mvc.perform(get(API + "/metrics"))
					.andExpect(status().isOk())
					.andExpect(jsonPath("$.available").value(false))
					.andExpect(jsonPath("$.meters.length()").value(0));
				mvc.perform(get(API + "/health")).andExpect(status().isOk()).andExpect(jsonPath("$.available").value(false));
				mvc.perform(get(API + "/processes")).andExpect(status().isOk());
			}));
	}

	private static void problem(ResultActions result, int status, String detail) throws Exception {
		result.andExpect(status().is(status))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(status))
			.andExpect(jsonPath("$.detail").value(containsString(detail)));
	}

	private void run(ProcessAdminControllerTests.MvcConsumer consumer) {
		this.contextRunner.run(withMvc(consumer));
	}

	private static ContextConsumer<AssertableWebApplicationContext> withMvc(
			ProcessAdminControllerTests.MvcConsumer consumer) {
		return (context) -> {
			assertThat(context).hasNotFailed();
			consumer.accept(context, MockMvcBuilders.webAppContextSetup(context).build());
		};
	}

	private static void authenticate(String name) {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(name, "n/a",
					AuthorityUtils.createAuthorityList("ROLE_PROCESS_ADMIN")));
	}

	@Configuration(proxyBeanMethods = false)
	@Import(Session.class)
	static class ConsoleTestConfiguration {

	}

	@RegisteredProcess(registry = "console-sessions", restart = Restart.PERMANENT)
	static class Session extends GenServer<String> {

		@Override
		protected Init<String> init(@Nullable Object key) {
			return ok(String.valueOf(key));
		}

		@Override
		protected Result<String> handleCall(Object request, dev.procreg.process.From from, String state) {
			return reply("pong", state);
		}

	}

	/** A worker that does nothing. */
	static class Idle extends GenServer<Object> {

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			return ok("idle");
		}

	}

}
