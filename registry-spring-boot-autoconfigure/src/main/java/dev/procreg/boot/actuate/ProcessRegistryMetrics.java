package dev.procreg.boot.actuate;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.procreg.boot.supervision.ProcessSupervisors;
import dev.procreg.boot.supervision.SupervisorStatus;
import dev.procreg.boot.worker.WorkerType;
import dev.procreg.boot.worker.WorkerTypes;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.PartitionStats;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.supervisor.ChildInfo;
import dev.procreg.supervisor.Supervisor;

/**
 * {@link MeterBinder} for a process runtime. Tags name registries, partitions and supervisors
 * only (never a key), so the number of series stays small:
 * <ul>
 * <li>{@code procreg.processes}: live processes</li>
 * <li>{@code procreg.registry.keys}, {@code procreg.registry.entries} (tag {@code registry})</li>
 * <li>{@code procreg.registry.partition.keys}, {@code procreg.registry.partition.entries} (tags
 * {@code registry}, {@code partition})</li>
 * <li>{@code procreg.registry.registrations}, {@code procreg.registry.conflicts},
 * {@code procreg.registry.unregistrations} (tag {@code cause}: {@code normal} when the owner
 * unregistered, {@code exit} when it exited)</li>
 * <li>{@code procreg.supervisor.restarts} (tag {@code supervisor})</li>
 * </ul>
 * The registries are those of the runtime when the binder is bound.
 */
public class ProcessRegistryMetrics implements MeterBinder {

	private final ProcessRuntime runtime;

	private final @Nullable WorkerTypes workerTypes;

	private final @Nullable ProcessSupervisors supervisors;

	/**
	 * @param runtime the runtime
	 * @param workerTypes the worker types, or {@code null}
	 * @param supervisors the top-level supervisors, or {@code null}
	 */
	public ProcessRegistryMetrics(ProcessRuntime runtime, @Nullable WorkerTypes workerTypes,
			@Nullable ProcessSupervisors supervisors) {
		this.runtime = runtime;
		this.workerTypes = workerTypes;
		this.supervisors = supervisors;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		Gauge.builder("procreg.processes", this.runtime, ProcessRuntime::processCount)
			.description("Live processes")
			.strongReference(true)
			.register(meters);
		for (ProcessRegistry<?, ?> registry : ProcessRegistry.all(this.runtime)) {
			bindRegistry(meters, registry);
		}
		if (this.workerTypes != null) {
			for (WorkerType type : this.workerTypes.all()) {
				FunctionCounter.builder("procreg.supervisor.restarts", type, WorkerType::restarts)
					.description("Restarts of children after they exited")
					.tag("supervisor", type.supervisorName())
					.register(meters);
			}
		}
		if (this.supervisors != null) {
			List<String> workerSupervisors = (this.workerTypes != null)
					? this.workerTypes.all().stream().map(WorkerType::supervisorName).toList() : List.of();
			for (SupervisorStatus status : this.supervisors.supervisors()) {
				if (!workerSupervisors.contains(status.name())) {
					bindSupervisor(meters, status.name());
				}
			}
		}
	}

	private void bindRegistry(MeterRegistry meters, ProcessRegistry<?, ?> registry) {
		Tags tags = Tags.of("registry", registry.name());
		Gauge.builder("procreg.registry.keys", registry, ProcessRegistry::keyCount)
			.description("Distinct keys in the registry")
			.tags(tags)
			.register(meters);
		Gauge.builder("procreg.registry.entries", registry, ProcessRegistry::count)
			.description("Entries in the registry")
			.tags(tags)
			.register(meters);
		for (int i = 0; i < registry.partitions(); i++) {
			int partition = i;
			Tags partitionTags = tags.and("partition", Integer.toString(i));
			Gauge.builder("procreg.registry.partition.keys", registry,
					(r) -> r.partitionStats().get(partition).keys())
				.description("Distinct keys in the partition")
				.tags(partitionTags)
				.register(meters);
			Gauge.builder("procreg.registry.partition.entries", registry,
					(r) -> r.partitionStats().get(partition).entries())
				.description("Entries in the partition")
				.tags(partitionTags)
				.register(meters);
		}
		counter(meters, "procreg.registry.registrations", "Registrations", registry, tags,
				PartitionStats::registrations);
		counter(meters, "procreg.registry.conflicts", "Registrations refused because the unique key was taken",
				registry, tags, PartitionStats::conflicts);
		counter(meters, "procreg.registry.unregistrations", "Unregistrations", registry, tags.and("cause", "normal"),
				(stats) -> stats.unregistrations() - stats.unregistrationsByExit());
		counter(meters, "procreg.registry.unregistrations", "Unregistrations", registry, tags.and("cause", "exit"),
				PartitionStats::unregistrationsByExit);
	}

	private static void counter(MeterRegistry meters, String name, String description, ProcessRegistry<?, ?> registry,
			Tags tags, ToLongFunction<PartitionStats> count) {
		FunctionCounter
			.builder(name, registry, (r) -> r.partitionStats().stream().mapToLong(count).sum())
			.description(description)
			.tags(tags)
			.register(meters);
	}

	private void bindSupervisor(MeterRegistry meters, String name) {
		// children that left take their restart counts with them: keep the highest sum seen
		AtomicLong highest = new AtomicLong();
		FunctionCounter.builder("procreg.supervisor.restarts", this, (metrics) -> {
			long now = metrics.currentRestarts(name);
			return highest.accumulateAndGet(now, Math::max);
		}).description("Restarts of children after they exited").tag("supervisor", name).register(meters);
	}

	private long currentRestarts(String name) {
		ProcessSupervisors all = this.supervisors;
		Pid pid = (all != null) ? all.whereis(name).orElse(null) : null;
		if (pid == null) {
			return 0;
		}
		try {
			return Supervisor.whichChildren(this.runtime, pid).stream().mapToLong(ChildInfo::restartCount).sum();
		}
		catch (RuntimeException ex) {
			return 0;
		}
	}

}
