package dev.procreg.boot.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.procreg.boot.autoconfigure.ProcessRegistryAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessSupervisionAutoConfiguration;
import dev.procreg.boot.autoconfigure.ProcessWorkerAutoConfiguration;
import dev.procreg.boot.supervision.ProcessSupervisors;
import dev.procreg.boot.supervision.SupervisorDefinition;
import dev.procreg.process.ExitReason;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessExitException;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.Restart;
import dev.procreg.supervisor.Strategy;
import dev.procreg.worker.WorkerStartException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RegisteredProcess} workers and {@link ProcessTemplate}.
 */
class ProcessWorkerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProcessRegistryAutoConfiguration.class,
				ProcessWorkerAutoConfiguration.class, ProcessSupervisionAutoConfiguration.class))
		.withPropertyValues("process-registry.workers.partitions=4");

	@Test
	void workersGetTheirDependenciesInjectedAndTheirKeyInInit() {
		this.contextRunner.withUserConfiguration(CounterConfiguration.class).run((context) -> {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			assertThat(template.<String>call(Counter.class, "donor-1", "greet")).isEqualTo("hello donor-1");
			assertThat(template.<Integer>call(Counter.class, "donor-1", "inc")).isEqualTo(1);
			assertThat(template.<Integer>call(Counter.class, "donor-1", "inc", Duration.ofSeconds(1))).isEqualTo(2);
			assertThat(template.<Integer>call(Counter.class, "donor-2", "get")).isZero();
		});
	}

	@Test
	void workersAreRegisteredWithTheirMetadataInARegistryOfTheirOwn() {
		this.contextRunner.withUserConfiguration(CounterConfiguration.class).run((context) -> {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			Pid pid = template.startOrFind(Counter.class, "donor-1");
			ProcessRegistry<?, ?> counters = ProcessRegistry
				.named(context.getBean(ProcessRuntime.class), "counters")
				.orElseThrow();
			assertThat(counters.partitions()).isEqualTo(4);
			assertThat(counters.lookup(cast("donor-1"))).singleElement().satisfies((entry) -> {
				assertThat(entry.pid()).isEqualTo(pid);
				assertThat(entry.value()).isEqualTo(Map.of("tier", "gold", "region", "eu"));
			});
			assertThat(template.whereis(Counter.class, "donor-1")).contains(pid);
			assertThat(template.whereis(Counter.class, "nobody")).isEmpty();
		});
	}

	@SuppressWarnings("unchecked")
	private static <K> K cast(Object key) {
		return (K) key;
	}

	@Test
	void castAndSendStartTheWorkerToo() {
		this.contextRunner.withUserConfiguration(CounterConfiguration.class).run((context) -> {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			template.cast(Counter.class, "a", "inc");
			template.send(Counter.class, "a", "inc");
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(template.<Integer>call(Counter.class, "a", "get")).isEqualTo(2));
		});
	}

	@Test
	void concurrentFirstCallsStartExactlyOneWorker() {
		this.contextRunner.withUserConfiguration(CounterConfiguration.class).run((context) -> {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			Counter.inits.set(0);
			int threads = 32;
			CountDownLatch go = new CountDownLatch(1);
			List<Callable<StartResult>> tasks = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				tasks.add(() -> {
					go.await();
					StartResult start = template.start(Counter.class, "hot-key");
					template.call(Counter.class, "hot-key", "inc");
					return start;
				});
			}
			try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
				List<Future<StartResult>> futures = new ArrayList<>();
				tasks.forEach((task) -> futures.add(executor.submit(task)));
				go.countDown();
				List<StartResult> results = new ArrayList<>();
				for (Future<StartResult> future : futures) {
					results.add(future.get());
				}
				assertThat(results.stream().map(StartResult::orThrow).distinct()).hasSize(1);
				assertThat(results).filteredOn(StartResult.Started.class::isInstance)
					.as("exactly one caller started the worker")
					.hasSize(1);
			}
			assertThat(Counter.inits).hasValue(1);
			assertThat(template.<Integer>call(Counter.class, "hot-key", "get")).isEqualTo(threads);
		});
	}

	@Test
	void theNextCallAfterACrashReachesTheRestartedWorker() {
		this.contextRunner.withUserConfiguration(CounterConfiguration.class).run((context) -> {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			Pid first = template.startOrFind(Counter.class, "k");
			template.call(Counter.class, "k", "inc");
			assertThatExceptionOfType(ProcessExitException.class)
				.isThrownBy(() -> template.call(Counter.class, "k", "crash"));
			assertThat(template.<Integer>call(Counter.class, "k", "get")).isZero();
			Pid second = template.whereis(Counter.class, "k").orElseThrow();
			assertThat(second).isNotEqualTo(first);
			WorkerType type = context.getBean(WorkerTypes.class).get(Counter.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> type.restarts() >= 1);
		});
	}

	@Test
	void stopEndsTheWorkerWithoutRestartAndTheNextUseStartsANewOne() {
		this.contextRunner.withUserConfiguration(CounterConfiguration.class).run((context) -> {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
			Pid first = template.startOrFind(Counter.class, "k");
			assertThat(template.stop(Counter.class, "k")).isTrue();
			assertThat(runtime.isAlive(first)).isFalse();
			assertThat(template.whereis(Counter.class, "k")).isEmpty();
			assertThat(template.stop(Counter.class, "k")).isFalse();
			assertThat(template.startOrFind(Counter.class, "k")).isNotEqualTo(first);
		});
	}

	@Test
	void idleWorkersArePassivatedAndStartAgainOnNextUse() {
		this.contextRunner.withUserConfiguration(IdleConfiguration.class).run((context) -> {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
			Pid first = template.startOrFind(IdleWorker.class, "k");
			await().atMost(Duration.ofSeconds(5)).until(() -> !runtime.isAlive(first));
			assertThat(IdleWorker.reasons).containsExactly(ExitReason.SHUTDOWN);
			assertThat(template.whereis(IdleWorker.class, "k")).isEmpty();
			assertThat(template.<String>call(IdleWorker.class, "k", "ping")).isEqualTo("pong");
			assertThat(template.whereis(IdleWorker.class, "k")).isPresent().get().isNotEqualTo(first);
		});
	}

	@Test
	void aWorkerWithARequestInFlightIsNotPassivated() {
		this.contextRunner.withUserConfiguration(IdleConfiguration.class).run((context) -> {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			ProcessRuntime runtime = context.getBean(ProcessRuntime.class);
			Pid first = template.startOrFind(IdleWorker.class, "busy");
			CountDownLatch release = new CountDownLatch(1);
			IdleWorker.entered = new CountDownLatch(1);
			CompletableFuture<String> reply = CompletableFuture
				.supplyAsync(() -> template.<String>call(IdleWorker.class, "busy", release, Duration.ofSeconds(10)));
			IdleWorker.entered.await();
			// three idle timeouts with the request still running: the worker must stay
			await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> runtime.isAlive(first));
			release.countDown();
			assertThat(reply.get()).isEqualTo("released");
			assertThat(IdleWorker.reasons).isEmpty();
		});
	}

	@Test
	void maxInstancesIsNeverExceeded() {
		this.contextRunner.withUserConfiguration(LimitedConfiguration.class).run((context) -> {
			ProcessTemplate template = context.getBean(ProcessTemplate.class);
			int started = 0;
			for (int i = 0; i < 20; i++) {
				try {
					template.startOrFind(LimitedWorker.class, "key-" + i);
					started++;
				}
				catch (WorkerStartException ex) {
					assertThat(ex).hasMessageContaining("maximum");
				}
			}
			assertThat(started).as("the limit is reached exactly, whatever the keys' partitions").isEqualTo(3);
			assertThat(context.getBean(WorkerTypes.class).get(LimitedWorker.class).activeWorkers()).isEqualTo(started);
			template.stop(LimitedWorker.class, "key-0");
			// a stopped worker frees its slot as its exit completes
			await().atMost(Duration.ofSeconds(5))
				.ignoreExceptionsInstanceOf(WorkerStartException.class)
				.until(() -> template.startOrFind(LimitedWorker.class, "another") != null);
		});
	}

	@Test
	void unknownWorkerTypeIsAClearError() {
		this.contextRunner.run((context) -> assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> context.getBean(ProcessTemplate.class).call(Counter.class, "k", "get"))
			.withMessageContaining("is not a @RegisteredProcess bean"));
	}

	@Test
	void supervisorsStopInReverseOrderBeforeTheRuntimeCloses() {
		List<String> stopped = Collections.synchronizedList(new ArrayList<>());
		Recorder.log = stopped;
		ProcessRuntime[] runtime = new ProcessRuntime[1];
		this.contextRunner.withUserConfiguration(OrderConfiguration.class).run((context) -> {
			runtime[0] = context.getBean(ProcessRuntime.class);
			context.getBean(ProcessTemplate.class).startOrFind(RecordingWorker.class, "w");
			assertThat(context.getBean(ProcessSupervisors.class).supervisors()).extracting("name")
				.containsExactly("first", "second", "procreg.workers.recorders");
		});
		assertThat(stopped).containsExactly("worker", "second", "first");
		assertThat(runtime[0].isClosed()).isTrue();
	}

	@Test
	void shutdownIsBoundedByTheShutdownPhaseTimeout() {
		Recorder.log = Collections.synchronizedList(new ArrayList<>());
		ConfigurableApplicationContext[] holder = new ConfigurableApplicationContext[1];
		long[] closing = new long[1];
		this.contextRunner.withUserConfiguration(SlowConfiguration.class)
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=300ms",
					"process-registry.shutdown-timeout=300ms")
			.run((context) -> {
				holder[0] = context;
				closing[0] = System.nanoTime();
			});
		assertThat(Duration.ofNanos(System.nanoTime() - closing[0])).isLessThan(Duration.ofSeconds(4));
	}

	interface Greeting {

		String text();

	}

	@RegisteredProcess(registry = "counters", metadata = { "tier=gold", "region=${test.region:eu}" })
	static class Counter extends GenServer<Integer> {

		static final AtomicInteger inits = new AtomicInteger();

		private final Greeting greeting;

		private @Nullable Object key;

		Counter(Greeting greeting) {
			this.greeting = greeting;
		}

		@Override
		protected Init<Integer> init(@Nullable Object arg) {
			inits.incrementAndGet();
			this.key = arg;
			return ok(0);
		}

		@Override
		protected Result<Integer> handleCall(Object request, From from, Integer count) {
			return switch ((String) request) {
				case "inc" -> reply(count + 1, count + 1);
				case "greet" -> reply(this.greeting.text() + " " + this.key, count);
				case "crash" -> throw new IllegalStateException("asked to crash");
				default -> reply(count, count);
			};
		}

		@Override
		protected Result<Integer> handleCast(Object request, Integer count) {
			return noReply(count + 1);
		}

		@Override
		protected Result<Integer> handleInfo(Object message, Integer count) {
			return noReply(count + 1);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(Counter.class)
	static class CounterConfiguration {

		@Bean
		Greeting greeting() {
			return () -> "hello";
		}

	}

	@RegisteredProcess(registry = "idlers", idleTimeout = "200ms", restart = Restart.PERMANENT)
	static class IdleWorker extends GenServer<String> {

		static final List<ExitReason> reasons = Collections.synchronizedList(new ArrayList<>());

		@Override
		protected Init<String> init(@Nullable Object arg) {
			context().trapExits(true);
			return ok("");
		}

		static volatile CountDownLatch entered = new CountDownLatch(1);

		@Override
		protected Result<String> handleCall(Object request, From from, String state) throws Exception {
			if (request instanceof CountDownLatch release) {
				entered.countDown();
				assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
				return reply("released", state);
			}
			return reply("pong", state);
		}

		@Override
		protected void terminate(ExitReason reason, String state) {
			reasons.add(reason);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(IdleWorker.class)
	static class IdleConfiguration {

		IdleConfiguration() {
			IdleWorker.reasons.clear();
		}

	}

	@RegisteredProcess(registry = "limited", maxInstances = 3)
	static class LimitedWorker extends GenServer<String> {

		@Override
		protected Init<String> init(@Nullable Object arg) {
			return ok("");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(LimitedWorker.class)
	static class LimitedConfiguration {

	}

	static final class Recorder extends GenServer<String> {

		static volatile List<String> log = new ArrayList<>();

		private final String name;

		private final Duration delay;

		Recorder(String name, Duration delay) {
			this.name = name;
			this.delay = delay;
		}

		@Override
		protected Init<String> init(@Nullable Object arg) {
			context().trapExits(true);
			return ok(this.name);
		}

		@Override
		protected void terminate(ExitReason reason, String state) throws InterruptedException {
			Thread.sleep(this.delay.toMillis());
			log.add(this.name);
		}

	}

	@RegisteredProcess(registry = "recorders")
	static class RecordingWorker extends GenServer<String> {

		@Override
		protected Init<String> init(@Nullable Object arg) {
			context().trapExits(true);
			return ok("");
		}

		@Override
		protected void terminate(ExitReason reason, String state) {
			Recorder.log.add("worker");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(RecordingWorker.class)
	static class OrderConfiguration {

		@Bean
		SupervisorDefinition first() {
			return SupervisorDefinition.of("first", Strategy.ONE_FOR_ONE,
					List.of(ChildSpec.worker("first", () -> new Recorder("first", Duration.ZERO), null)));
		}

		@Bean
		SupervisorDefinition second() {
			return SupervisorDefinition.of("second", Strategy.ONE_FOR_ONE,
					List.of(ChildSpec.worker("second", () -> new Recorder("second", Duration.ZERO), null)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SlowConfiguration {

		@Bean
		SupervisorDefinition slow() {
			return SupervisorDefinition.of("slow", Strategy.ONE_FOR_ONE,
					List.of(ChildSpec.worker("slow", () -> new Recorder("slow", Duration.ofSeconds(20)), null)
						.withShutdown(dev.procreg.supervisor.Shutdown.infinity())));
		}

	}

}
