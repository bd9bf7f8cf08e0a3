package dev.procreg.boot.actuate;

import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.procreg.introspect.Introspection;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.PartitionStats;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.supervisor.TopLevelSupervisors;

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
 * <li>{@code procreg.supervisor.restarts} (tag {@code supervisor}): restarts a top-level
 * supervisor and every supervisor below it made, worker types included, as the supervisors
 * count them; read without a message, so a scrape never waits on a supervisor</li>
 * </ul>
 * The registries are those of the runtime when the binder is bound.
 */
public class ProcessRegistryMetrics implements MeterBinder {

	private final Introspection introspection;

	/**
	 * @param introspection the read model of the runtime
	 */
	public ProcessRegistryMetrics(Introspection introspection) {
		this.introspection = introspection;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		Gauge.builder("procreg.processes", this.introspection.runtime(), ProcessRuntime::processCount)
			.description("Live processes")
			.strongReference(true)
			.register(meters);
		for (ProcessRegistry<?, ?> registry : ProcessRegistry.all(this.introspection.runtime())) {
			bindRegistry(meters, registry);
		}
		for (TopLevelSupervisors.Status status : this.introspection.topLevelStatuses()) {
			String name = status.name();
			FunctionCounter.builder("procreg.supervisor.restarts", this.introspection, (model) -> restarts(model, name))
				.description("Restarts of children after they exited, in the supervisor's whole tree")
				.tag("supervisor", name)
				.register(meters);
		}
	}

	private static long restarts(Introspection introspection, String name) {
		for (TopLevelSupervisors.Status status : introspection.topLevelStatuses()) {
			if (status.name().equals(name)) {
				return status.restarts();
			}
		}
		return 0;
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

}
