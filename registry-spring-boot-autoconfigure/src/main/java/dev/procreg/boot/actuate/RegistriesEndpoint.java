package dev.procreg.boot.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.procreg.boot.worker.WorkerTypes;
import dev.procreg.introspect.Introspection;
import dev.procreg.introspect.Introspection.WorkerTypeView;
import dev.procreg.introspect.Terminated;
import dev.procreg.introspect.ValueProjection;
import dev.procreg.process.ProcessInfo;
import dev.procreg.registry.PartitionStats;
import dev.procreg.supervisor.TopLevelSupervisors;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@link Endpoint @Endpoint} that shows the registries of a process runtime, their keys and the
 * processes behind them, and the worker types and top-level supervisors: a rendering of core's
 * {@link Introspection} read model, which does all the describing. Over HTTP,
 * {@link RegistriesEndpointWebExtension} adds one registry's keys (paged, filtered by prefix),
 * one key's entries, and terminating the processes behind a key.
 *
 * <p>Registry values (a worker's metadata) are sanitized as the {@code env} endpoint sanitizes
 * property values: hidden unless {@code management.endpoint.registries.show-values} allows,
 * and then passed through the {@link SanitizingFunction} beans, a map value entry by entry. Only
 * the values of the page shown are sanitized.
 */
@Endpoint(id = "registries", defaultAccess = Access.READ_ONLY)
public class RegistriesEndpoint {

	/** The page size when none is asked for. */
	public static final int DEFAULT_LIMIT = 100;

	/** The largest page. */
	public static final int MAX_LIMIT = Introspection.MAX_PAGE;

	private final Introspection introspection;

	private final Sanitizer sanitizer;

	private final @Nullable WorkerTypes workerTypes;

	/**
	 * @param introspection the read model of the runtime shown
	 * @param sanitizingFunctions what sanitizes shown values
	 * @param workerTypes the worker types, to name their classes, or {@code null}
	 */
	public RegistriesEndpoint(Introspection introspection, Iterable<SanitizingFunction> sanitizingFunctions,
			@Nullable WorkerTypes workerTypes) {
		this.introspection = introspection;
		this.sanitizer = new Sanitizer(sanitizingFunctions);
		this.workerTypes = workerTypes;
	}

	/** @return the read model this endpoint renders */
	public Introspection introspection() {
		return this.introspection;
	}

	/**
	 * Every registry with its statistics, every worker type and every top-level supervisor.
	 * @return the report
	 */
	@ReadOperation
	public RegistriesDescriptor registries() {
		Map<String, RegistryDescriptor> registries = new LinkedHashMap<>();
		this.introspection.registries().forEach((view) -> registries.put(view.name(), RegistryDescriptor.of(view)));
		Map<String, WorkerTypeDescriptor> workers = new LinkedHashMap<>();
		for (WorkerTypeView view : this.introspection.workerTypes()) {
			String type = (this.workerTypes != null)
					? this.workerTypes.byRegistry(view.name()).map((found) -> found.type().getName()).orElse(null)
					: null;
			workers.put(view.name(), WorkerTypeDescriptor.of(view, type));
		}
		List<SupervisorDescriptor> supervisors = this.introspection.topLevel()
			.stream()
			.map(SupervisorDescriptor::of)
			.toList();
		return new RegistriesDescriptor(this.introspection.runtime().node(),
				this.introspection.runtime().processCount(), registries, workers, supervisors);
	}

	/**
	 * One page of a registry's keys, sorted by their text, with the processes behind them.
	 * @param name the registry's name
	 * @param offset how many matching keys to skip
	 * @param limit how many keys to return, at most {@link #MAX_LIMIT}
	 * @param prefix only keys whose text starts with it, or {@code null} for all
	 * @param showUnsanitized whether values are shown unsanitized
	 * @return the page, or {@code null} when there is no such registry
	 */
	public @Nullable RegistryPageDescriptor registry(String name, int offset, int limit, @Nullable String prefix,
			boolean showUnsanitized) {
		return this.introspection.keys(name, Math.max(offset, 0), Math.max(limit, 1), prefix, false,
				projection(showUnsanitized))
			.map((page) -> new RegistryPageDescriptor(name, lower(page.keys()), page.total(), page.offset(),
					page.limit(),
					page.items()
						.stream()
						.map((item) -> new KeyEntriesDescriptor(item.key(),
								item.entries()
									.stream()
									.map((entry) -> new EntryDescriptor(entry.pid().toString(), entry.value()))
									.toList()))
						.toList()))
			.orElse(null);
	}

	/**
	 * A key's entries, with what each process is doing.
	 * @param name the registry's name
	 * @param key the key's text
	 * @param showUnsanitized whether values are shown unsanitized
	 * @return the entries, or {@code null} when there is no such registry or key
	 */
	public @Nullable KeyDescriptor key(String name, String key, boolean showUnsanitized) {
		Instant now = Instant.now();
		return this.introspection.key(name, key, projection(showUnsanitized)).map((entries) -> {
			List<ProcessEntryDescriptor> descriptors = new ArrayList<>();
			for (Introspection.EntryDetail entry : entries) {
				ProcessInfo info = entry.process().info();
				if (info == null) {
					continue; // a process of another node: nothing more is known here
				}
				descriptors.add(new ProcessEntryDescriptor(info.pid().toString(), entry.value(),
						lower(info.status()), info.mailboxLength(), info.startedAt(),
						Duration.between(info.startedAt(), now).toMillis(), info.serverClass(), string(info.parent())));
			}
			return new KeyDescriptor(name, key, descriptors);
		}).orElse(null);
	}

	/**
	 * Terminates the processes behind a key: a worker through its supervisor (not restarted),
	 * any other process by the {@linkplain Introspection.Settings#terminatePolicy() terminate policy}: {@code shutdown}
	 * (a server runs {@code terminate}), then a kill when the grace period passes.
	 * @param name the registry's name
	 * @param key the key's text
	 * @return what was terminated, or {@code null} when there is no such registry or key
	 */
	public @Nullable TerminatedDescriptor terminate(String name, String key) {
		return this.introspection.terminateKey(name, key, this.introspection.settings().terminatePolicy())
			.map((done) -> new TerminatedDescriptor(name, key,
					done.stream().map(Terminated::pid).map(Object::toString).toList()))
			.orElse(null);
	}

	private ValueProjection projection(boolean showUnsanitized) {
		return (registry, key, value) -> sanitize(value, showUnsanitized);
	}

	/**
	 * A registry value as this endpoint shows it: hidden, or passed through the sanitizing
	 * functions, a map value entry by entry.
	 * @param value the value
	 * @param showUnsanitized whether values are shown unsanitized
	 * @return what to show
	 */
	public @Nullable Object sanitize(@Nullable Object value, boolean showUnsanitized) {
		if (value instanceof Map<?, ?> map) {
			Map<String, @Nullable Object> sanitized = new LinkedHashMap<>();
			map.forEach((key, item) -> sanitized.put(String.valueOf(key),
					this.sanitizer.sanitize(new SanitizableData(null, String.valueOf(key), item), showUnsanitized)));
			return sanitized;
		}
		return this.sanitizer.sanitize(new SanitizableData(null, "value", value), showUnsanitized);
	}

	private static @Nullable String string(@Nullable Object value) {
		return (value != null) ? value.toString() : null;
	}

	private static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The endpoint's main report.
	 *
	 * @param node the runtime's node name
	 * @param processes the number of live processes
	 * @param registries every registry by name
	 * @param workers every worker type by registry name
	 * @param supervisors every top-level supervisor, in start order
	 */
	public record RegistriesDescriptor(String node, int processes, Map<String, RegistryDescriptor> registries,
			Map<String, WorkerTypeDescriptor> workers, List<SupervisorDescriptor> supervisors)
			implements OperationResponseBody {
	}

	/**
	 * One registry.
	 *
	 * @param keys unique or duplicate
	 * @param partitionBy how duplicate entries are partitioned: pid or key
	 * @param partitions the number of partitions
	 * @param keyCount distinct keys held
	 * @param entryCount entries held
	 * @param partitionStats each partition's counters
	 */
	public record RegistryDescriptor(String keys, String partitionBy, int partitions, long keyCount, long entryCount,
			List<PartitionStats> partitionStats) {

		static RegistryDescriptor of(Introspection.RegistryView view) {
			return new RegistryDescriptor(lower(view.keys()), lower(view.partitionBy()), view.partitions(),
					view.keyCount(), view.entryCount(), view.partitionStats());
		}

	}

	/**
	 * One {@code @RegisteredProcess} worker type.
	 *
	 * @param type the worker class (its type name outside Spring)
	 * @param supervisor its top-level supervisor's name
	 * @param restart its restart type
	 * @param idleTimeout its idle timeout, or {@code null}
	 * @param maxInstances its limit, or {@code null}
	 * @param partitions its number of partition supervisors
	 * @param workers workers running now
	 * @param restarts restarts of its workers since the application started
	 * @param metadata what each worker registers with, sanitized
	 */
	public record WorkerTypeDescriptor(String type, String supervisor, String restart, @Nullable String idleTimeout,
			@Nullable Integer maxInstances, int partitions, int workers, long restarts, Map<String, String> metadata) {

		static WorkerTypeDescriptor of(WorkerTypeView view, @Nullable String type) {
			Map<String, String> metadata = new LinkedHashMap<>();
			view.metadataKeys().stream().sorted().forEach((key) -> metadata.put(key, SanitizableData.SANITIZED_VALUE));
			return new WorkerTypeDescriptor((type != null) ? type : view.name(), view.supervisor(),
					lower(view.restart()), (view.idleTimeout() != null) ? view.idleTimeout().toString() : null,
					(view.maxInstances() > 0) ? view.maxInstances() : null, view.partitions(), view.workers(),
					view.restarts(), metadata);
		}

	}

	/**
	 * One top-level supervisor.
	 *
	 * @param name its name
	 * @param pid its process, or {@code null} before it started
	 * @param running whether it runs
	 * @param gaveUp whether it exceeded its restart intensity and exited
	 * @param exitReason why it exited, or {@code null}
	 * @param startedAt when it started
	 * @param exitedAt when it exited
	 * @param children its children, when it runs and answered in time
	 * @param restarts restarts it and the supervisors below it made since it started
	 */
	public record SupervisorDescriptor(String name, @Nullable String pid, boolean running, boolean gaveUp,
			@Nullable String exitReason, @Nullable Instant startedAt, @Nullable Instant exitedAt,
			@Nullable Integer children, long restarts) {

		public static SupervisorDescriptor of(Introspection.TopLevelView view) {
			TopLevelSupervisors.Status status = view.status();
			return new SupervisorDescriptor(status.name(), string(status.pid()), status.running(), status.gaveUp(),
					string(status.exitReason()), status.startedAt(), status.exitedAt(), view.children(),
					status.restarts());
		}

	}

	/**
	 * One page of a registry's keys.
	 *
	 * @param name the registry's name
	 * @param keys unique or duplicate
	 * @param total how many keys match the prefix
	 * @param offset keys skipped
	 * @param limit the page size
	 * @param items the keys of this page
	 */
	public record RegistryPageDescriptor(String name, String keys, int total, int offset, int limit,
			List<KeyEntriesDescriptor> items) implements OperationResponseBody {
	}

	/**
	 * One key with its entries.
	 *
	 * @param key the key's text
	 * @param entries its entries
	 */
	public record KeyEntriesDescriptor(String key, List<EntryDescriptor> entries) {
	}

	/**
	 * One entry.
	 *
	 * @param pid the process
	 * @param value its value, sanitized
	 */
	public record EntryDescriptor(String pid, @Nullable Object value) {
	}

	/**
	 * One key's entries in detail.
	 *
	 * @param registry the registry's name
	 * @param key the key's text
	 * @param entries its entries
	 */
	public record KeyDescriptor(String registry, String key, List<ProcessEntryDescriptor> entries)
			implements OperationResponseBody {
	}

	/**
	 * One entry with its process's information.
	 *
	 * @param pid the process
	 * @param value its value, sanitized
	 * @param status what the process does: running, runnable or waiting
	 * @param mailboxLength messages waiting
	 * @param startedAt when it started
	 * @param uptimeMillis how long it has run
	 * @param serverClass its GenServer class, or {@code null}
	 * @param parent its supervisor, or {@code null}
	 */
	public record ProcessEntryDescriptor(String pid, @Nullable Object value, String status, int mailboxLength,
			Instant startedAt, long uptimeMillis, @Nullable String serverClass, @Nullable String parent) {
	}

	/**
	 * What a delete terminated.
	 *
	 * @param registry the registry's name
	 * @param key the key's text
	 * @param terminated the processes terminated
	 */
	public record TerminatedDescriptor(String registry, String key, List<String> terminated)
			implements OperationResponseBody {
	}

}
