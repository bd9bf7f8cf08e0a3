package dev.procreg.boot.admin;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.procreg.boot.autoconfigure.ProcessAdminAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessRegistryAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessSupervisionAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessWorkerAutoConfiguration;
import dev.procreg.boot.worker.ProcessTemplate;
import dev.procreg.boot.worker.RegisteredProcess;
import dev.procreg.introspect.ProcessQuery;
import dev.procreg.introspect.ProcessTable;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.supervisor.Restart;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * The console at scale: 100,000 keyed workers (100,000 processes, each holding one key of a
 * unique registry) and every API call the console makes, each timed on its first call and on
 * refreshes. The process table's snapshot interval is zero, so that every refresh of the process
 * table finds its snapshot stale, as the page's refresh does at the default intervals: the refresh
 * is served the snapshot there is and starts the one background rebuild, so its request thread's
 * time is the page's. It asserts what each call answers, never how long it took: the figures go to
 * {@code target/console-scale.txt} for a person to read ({@code -Dprocreg.console.scale=N} sets
 * the number of workers).
 */
class ConsoleScaleTests {

	private static final String API = "/process-admin/api";

	private static final int WORKERS = Integer.getInteger("procreg.console.scale", 100_000);

	private static final int REFRESHES = 5;

	/** CPU time of the calling thread, which runs each MockMvc request: a figure the machine's load does not inflate. */
	private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProcessRegistryAutoConfiguration.class,
				ProcessWorkerAutoConfiguration.class, ProcessSupervisionAutoConfiguration.class,
				ProcessAdminAutoConfiguration.class, JacksonAutoConfiguration.class,
				HttpMessageConvertersAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
				WebMvcAutoConfiguration.class))
		.withUserConfiguration(ScaleConfiguration.class)
		.withPropertyValues("process-registry.admin.enabled=true", "process-registry.workers.partitions=8",
				"process-registry.admin.snapshot-interval=0s");

	@Test
	void everyViewOfAHundredThousandProcessesAndKeysIsMeasured() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			Map<String, String> figures = new LinkedHashMap<>();
			long start = System.nanoTime();
			List<Pid> pids = startWorkers(template);
			figures.put("start " + WORKERS + " keyed workers", millis(System.nanoTime() - start));
			assertThat(runtime.processCount()).isGreaterThanOrEqualTo(WORKERS);
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			AdminConsole console = context.getBean(AdminConsole.class);
			Pid some = pids.get(WORKERS / 2);
			String someKey = String.format("scale-%06d", WORKERS / 2);

			figures.put("core: runtime.totals() (the sampler's pass)", time(() -> runtime.totals()));
			figures.put("core: runtime.summaries(false) (a table snapshot's read)", time(() -> runtime.summaries(false)));
			figures.put("core: history.sample()", time(() -> console.history().sample()));

			Map<String, String> calls = new LinkedHashMap<>();
			calls.put("overview", API + "/overview");
			calls.put("registries", API + "/registries");
			calls.put("keys page (offset 50000)", API + "/registries/scale-sessions/keys?offset=50000&limit=50");
			calls.put("processes by pid", API + "/processes?limit=50");
			calls.put("processes by pid, page 1000", API + "/processes?offset=50000&limit=50");
			calls.put("processes by mailbox", API + "/processes?sort=mailbox&limit=50");
			calls.put("processes by messages", API + "/processes?sort=messages&limit=50");
			calls.put("processes by uptime", API + "/processes?sort=uptime&limit=50");
			calls.put("processes by restarts", API + "/processes?sort=restarts&limit=50");
			calls.put("processes search by key", API + "/processes?q=" + someKey);
			calls.put("processes search by pid", API + "/processes?q=" + some.toString().replace("<", "").replace(">", ""));
			calls.put("process drawer", API + "/processes/" + some.toString().replace("<", "").replace(">", ""));
			calls.put("supervision", API + "/supervision");
			calls.put("groups", API + "/groups");
			calls.put("history", API + "/history");
			calls.put("events", API + "/events?limit=100");
			calls.put("metrics", API + "/metrics");
			calls.put("health", API + "/health");
			calls.put("audit", API + "/audit");
			for (Map.Entry<String, String> call : calls.entrySet()) {
				long first = System.nanoTime();
				long firstCpu = CPU.getCurrentThreadCpuTime();
				MvcResult result = mvc.perform(get(call.getValue())).andReturn();
				long firstNanos = System.nanoTime() - first;
				long firstCpuNanos = CPU.getCurrentThreadCpuTime() - firstCpu;
				assertThat(result.getResponse().getStatus()).as(call.getKey() + ": " + result.getResponse().getContentAsString())
					.isEqualTo(200);
				List<Long> refreshes = new ArrayList<>();
				List<Long> refreshCpu = new ArrayList<>();
				for (int i = 0; i < REFRESHES; i++) {
					long refresh = System.nanoTime();
					long cpu = CPU.getCurrentThreadCpuTime();
					mvc.perform(get(call.getValue())).andReturn();
					refreshes.add(System.nanoTime() - refresh);
					refreshCpu.add(CPU.getCurrentThreadCpuTime() - cpu);
				}
				refreshes.sort(null);
				refreshCpu.sort(null);
				figures.put("GET " + call.getKey(), "first " + millis(firstNanos) + " (cpu " + millis(firstCpuNanos)
						+ "), refresh median " + millis(refreshes.get(REFRESHES / 2)) + " (cpu "
						+ millis(refreshCpu.get(REFRESHES / 2)) + "), "
						+ result.getResponse().getContentAsString().length() + " chars");
			}
			String page = mvc.perform(get(API + "/processes?q=" + someKey)).andReturn().getResponse().getContentAsString();
			assertThat(page).contains("\"total\":1").contains(some.toString());
			String keys = mvc.perform(get(API + "/registries/scale-sessions/keys?offset=50000&limit=50"))
				.andReturn()
				.getResponse()
				.getContentAsString();
			assertThat(keys).contains("\"total\":" + WORKERS);

			figures.put("core: a fresh snapshot sorted by mailbox, one page",
					time(() -> new ProcessTable(console.introspection(), Duration.ZERO)
						.page(ProcessQuery.of(0, 50, "mailbox", null, null))));
			write(figures);
		});
	}

	private static List<Pid> startWorkers(ProcessTemplate template) throws Exception {
		int threads = 4;
		try (ExecutorService starters = Executors.newFixedThreadPool(threads)) {
			List<Future<List<Pid>>> parts = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int from = t;
				parts.add(starters.submit(() -> {
					List<Pid> pids = new ArrayList<>();
					for (int i = from; i < WORKERS; i += threads) {
						pids.add(template.startOrFind(ScaleSession.class, String.format("scale-%06d", i)));
					}
					return pids;
				}));
			}
			Pid[] ordered = new Pid[WORKERS];
			for (int t = 0; t < threads; t++) {
				List<Pid> part = parts.get(t).get();
				for (int j = 0; j < part.size(); j++) {
					ordered[t + j * threads] = part.get(j);
				}
			}
			return List.of(ordered);
		}
	}

	private static String time(ThrowingRunnable action) throws Exception {
		action.run();
		long start = System.nanoTime();
		long cpu = CPU.getCurrentThreadCpuTime();
		action.run();
		return millis(System.nanoTime() - start) + " (cpu " + millis(CPU.getCurrentThreadCpuTime() - cpu) + ")";
	}

	private static String millis(long nanos) {
		return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
	}

	private static void write(Map<String, String> figures) throws IOException {
		StringBuilder text = new StringBuilder("Operator console at scale: " + WORKERS
				+ " keyed workers (processes), each with one key of a unique registry, 8 partitions; MockMvc, "
				+ Runtime.getRuntime().availableProcessors() + " cores, load average "
				+ ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
				+ "\nwall time, and (cpu) the request thread's CPU time, which the machine's load does not inflate\n");
		figures.forEach((what, figure) -> text.append(String.format(Locale.ROOT, "%-58s %s%n", what, figure)));
		Path target = Path.of("target");
		Files.createDirectories(target);
		Files.writeString(target.resolve("console-scale.txt"), text);
	}

	@FunctionalInterface
	interface ThrowingRunnable {

		void run() throws Exception;

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ScaleSession.class)
	static class ScaleConfiguration {

	}

	@RegisteredProcess(registry = "scale-sessions", restart = Restart.PERMANENT)
	static class ScaleSession extends GenServer<String> {

		@Override
		protected Init<String> init(@Nullable Object key) {
			return ok(String.valueOf(key));
		}

	}

}
