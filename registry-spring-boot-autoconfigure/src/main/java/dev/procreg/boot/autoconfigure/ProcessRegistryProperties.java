package dev.procreg.boot.autoconfigure;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.procreg.registry.Keys;
import dev.procreg.registry.PartitionBy;
import dev.procreg.registry.RegistryOptions;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration properties for the process runtime, its registries, groups and workers.
 *
 * <pre>
 * process-registry.registries.sessions.keys=unique
 * process-registry.registries.sessions.partitions=8
 * process-registry.registries.sessions.expected-keys=100000
 * process-registry.registries.flows.keys=duplicate
 * process-registry.registries.flows.partition-by=key
 * process-registry.registries.donors.cluster=true
 * </pre>
 *
 * @param node The node name every pid of the runtime carries
 * @param shutdownTimeout How long closing the runtime waits for processes to exit before killing
 * them
 * @param defaultRegistry The registry behind the processRegistry bean
 * @param registries More registries, each a bean named after its key in this map
 * @param groups The process groups behind the processGroups bean
 * @param workers Defaults for @RegisteredProcess worker types
 * @param introspection Bounds of what the actuator endpoint, the admin page, health and metrics
 * read from the runtime
 */
@ConfigurationProperties("process-registry")
public record ProcessRegistryProperties(@DefaultValue("local") String node,
		@DefaultValue("5s") Duration shutdownTimeout, @DefaultValue DefaultRegistry defaultRegistry,
		@Nullable Map<String, Registry> registries, @DefaultValue Groups groups, @DefaultValue Workers workers,
		@DefaultValue Introspection introspection) {

	public ProcessRegistryProperties {
		registries = (registries != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(registries)) : Map.of();
	}

	/**
	 * The registry behind the {@code processRegistry} bean.
	 *
	 * @param name The registry's name in the runtime: via names, metrics and the actuator
	 * endpoint use it
	 * @param keys Whether a key names one process (unique) or many (duplicate)
	 * @param partitions The number of partitions, at least 1
	 * @param partitionBy How a duplicate registry spreads its entries over partitions: by pid
	 * (registering never contends) or by key (a lookup visits one partition)
	 * @param expectedKeys How many keys the registry is expected to hold, so that its table is
	 * allocated at that size and does not grow on the way there; 0 to start small and grow
	 */
	public record DefaultRegistry(@DefaultValue("default") String name, @DefaultValue("unique") Keys keys,
			@DefaultValue("1") int partitions, @DefaultValue("pid") PartitionBy partitionBy,
			@DefaultValue("0") int expectedKeys) {

		RegistryOptions toOptions() {
			return options(this.name, this.keys, this.partitions, this.partitionBy, this.expectedKeys);
		}

	}

	/**
	 * A registry declared in properties.
	 *
	 * @param keys Whether a key names one process (unique) or many (duplicate)
	 * @param partitions The number of partitions, at least 1
	 * @param partitionBy How a duplicate registry spreads its entries over partitions: by pid
	 * (registering never contends) or by key (a lookup visits one partition)
	 * @param cluster Whether a key is unique across the cluster (process-registry.cluster.*)
	 * rather than on this node, every node seeing every node's keys; unique keys only
	 * @param expectedKeys How many keys the registry is expected to hold, so that its table is
	 * allocated at that size and does not grow on the way there; 0 to start small and grow
	 */
	public record Registry(@DefaultValue("unique") Keys keys, @DefaultValue("1") int partitions,
			@DefaultValue("pid") PartitionBy partitionBy, @DefaultValue("false") boolean cluster,
			@DefaultValue("0") int expectedKeys) {

		RegistryOptions toOptions(String name) {
			RegistryOptions options = options(name, this.keys, this.partitions, this.partitionBy, this.expectedKeys);
			return this.cluster ? options.withClusterScope() : options;
		}

	}

	/**
	 * The process groups behind the {@code processGroups} bean.
	 *
	 * @param scope The scope's name
	 */
	public record Groups(@DefaultValue("default") String scope) {

	}

	/**
	 * Defaults for {@code @RegisteredProcess} worker types; the annotation's attributes override
	 * them per type.
	 *
	 * @param partitions How many dynamic supervisors share the starts of one worker type, so that
	 * starts are not serialized; 0 for one per available processor
	 * @param maxRestarts Restarts allowed within max-seconds per partition before it gives
	 * up
	 * @param maxSeconds The restart intensity window in seconds
	 * @param callTimeout How long ProcessTemplate.call waits for a reply when no timeout is
	 * given
	 * @param shutdownTimeout How long a worker may take to run terminate when it is stopped
	 */
	public record Workers(@DefaultValue("0") int partitions, @DefaultValue("3") int maxRestarts,
			@DefaultValue("5") int maxSeconds, @DefaultValue("5s") Duration callTimeout,
			@DefaultValue("5s") Duration shutdownTimeout) {

	}

	/**
	 * Bounds of the read model behind the actuator endpoint, the admin page, health and metrics.
	 *
	 * @param supervisorTimeout How long one supervisor may take to answer a question from the
	 * endpoint, the admin page or a metrics scrape; one that takes longer is left out
	 * @param terminateGrace How long a terminated process may take to run terminate before it is
	 * killed
	 * @param maxChildren The most children of one supervisor the supervision tree lists
	 * @param maxMembers The most members of one process group a view lists
	 * @param keyIndexMaxAge How long a registry's keys, sorted for paging, are reused while the
	 * registry changes (while it does not, they are reused anyway); once older, pages are still
	 * served from them while one background sort makes the next, so a refresh of a page of keys
	 * costs the page, not the registry. 0 sorts again on the page after every change
	 */
	public record Introspection(@DefaultValue("1s") Duration supervisorTimeout,
			@DefaultValue("5s") Duration terminateGrace, @DefaultValue("100") int maxChildren,
			@DefaultValue("100") int maxMembers, @DefaultValue("1s") Duration keyIndexMaxAge) {

	}

	private static RegistryOptions options(String name, Keys keys, int partitions, PartitionBy partitionBy,
			int expectedKeys) {
		RegistryOptions options = (keys == Keys.UNIQUE) ? RegistryOptions.unique(name) : RegistryOptions.duplicate(name);
		return options.withPartitions(partitions).withPartitionBy(partitionBy).withExpectedKeys(expectedKeys);
	}

}
