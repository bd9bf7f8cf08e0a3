package dev.procreg.boot.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import dev.procreg.boot.supervision.ProcessSupervisors;
import dev.procreg.boot.supervision.SupervisorStatus;
import dev.procreg.boot.worker.WorkerType;
import dev.procreg.boot.worker.WorkerTypes;
import dev.procreg.process.CallTimeoutException;
import dev.procreg.process.ExitReason;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessInfo;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.PartitionStats;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryEntry;
import dev.procreg.supervisor.ChildInfo;
import dev.procreg.supervisor.Supervisor;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@link Endpoint @Endpoint} that shows the registries of a process runtime, their keys and the
 * processes behind them, and the worker types and top-level supervisors. Over HTTP,
 * {@link RegistriesEndpointWebExtension} adds one registry's keys (paged, filtered by prefix),
 * one key's entries, and terminating the processes behind a key.
 *
 * <p>Registry values (a worker's metadata) are sanitized as the {@code env} endpoint sanitizes
 * property values: hidden unless {@code management.endpoint.registries.show-values} allows,
 * and then passed through the {@link SanitizingFunction} beans, a map value entry by entry.
 */
@Endpoint(id = "registries", defaultAccess = Access.READ_ONLY)
public class RegistriesEndpoint {

	/** The page size when none is asked for. */
	public static final int DEFAULT_LIMIT = 100;

	/** The largest page. */
	public static final int MAX_LIMIT = 1000;

	private static final Duration TERMINATE_TIMEOUT = Duration.ofSeconds(5);

	private final ProcessRuntime runtime;

	private final Sanitizer sanitizer;

	private final @Nullable WorkerTypes workerTypes;

	private final @Nullable ProcessSupervisors supervisors;

	/**
	 * @param runtime the runtime whose registries are shown
	 * @param sanitizingFunctions what sanitizes shown values
	 * @param workerTypes the worker types, or {@code null}
	 * @param supervisors the top-level supervisors, or {@code null}
	 */
	public RegistriesEndpoint(ProcessRuntime runtime, Iterable<SanitizingFunction> sanitizingFunctions,
			@Nullable WorkerTypes workerTypes, @Nullable ProcessSupervisors supervisors) {
		this.runtime = runtime;
		this.sanitizer = new Sanitizer(sanitizingFunctions);
		this.workerTypes = workerTypes;
		this.supervisors = supervisors;
	}

	/**
	 * Every registry with its statistics, every worker type and every top-level supervisor.
	 * @return the report
	 */
	@ReadOperation
	public RegistriesDescriptor registries() {
		Map<String, RegistryDescriptor> registries = new LinkedHashMap<>();
		for (ProcessRegistry<?, ?> registry : ProcessRegistry.all(this.runtime)) {
			registries.put(registry.name(), RegistryDescriptor.of(registry));
		}
		Map<String, WorkerTypeDescriptor> workers = new LinkedHashMap<>();
		if (this.workerTypes != null) {
			this.workerTypes.all().forEach((type) -> workers.put(type.name(), WorkerTypeDescriptor.of(type)));
		}
		List<SupervisorDescriptor> supervisors = new ArrayList<>();
		if (this.supervisors != null) {
			this.supervisors.supervisors().forEach((status) -> supervisors.add(describe(status)));
		}
		return new RegistriesDescriptor(this.runtime.node(), this.runtime.processCount(), registries, workers,
				supervisors);
	}

	private SupervisorDescriptor describe(SupervisorStatus status) {
		Integer children = null;
		Long restarts = null;
		Pid pid = status.pid();
		if (status.running() && pid != null) {
			try {
				List<ChildInfo> infos = Supervisor.whichChildren(this.runtime, pid);
				children = infos.size();
				restarts = infos.stream().mapToLong(ChildInfo::restartCount).sum();
			}
			catch (RuntimeException ex) {
				// exited meanwhile
			}
		}
		return new SupervisorDescriptor(status.name(), string(pid), status.running(), status.gaveUp(),
				string(status.exitReason()), status.startedAt(), status.exitedAt(), children, restarts);
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
		ProcessRegistry<?, ?> registry = ProcessRegistry.named(this.runtime, name).orElse(null);
		if (registry == null) {
			return null;
		}
		TreeMap<String, List<EntryDescriptor>> byKey = new TreeMap<>();
		for (RegistryEntry<?, ?> entry : entries(registry,
				(key) -> prefix == null || prefix.isEmpty() || key.startsWith(prefix))) {
			byKey.computeIfAbsent(String.valueOf(entry.key()), (key) -> new ArrayList<>())
				.add(new EntryDescriptor(entry.pid().toString(), sanitize(entry.value(), showUnsanitized)));
		}
		int size = Math.min(Math.max(limit, 1), MAX_LIMIT);
		int from = Math.max(offset, 0);
		List<KeyEntriesDescriptor> page = byKey.entrySet()
			.stream()
			.skip(from)
			.limit(size)
			.map((entry) -> new KeyEntriesDescriptor(entry.getKey(), entry.getValue()))
			.toList();
		return new RegistryPageDescriptor(name, lower(registry.keys()), byKey.size(), from, size, page);
	}

	/**
	 * A key's entries, with what each process is doing.
	 * @param name the registry's name
	 * @param key the key's text
	 * @param showUnsanitized whether values are shown unsanitized
	 * @return the entries, or {@code null} when there is no such registry or key
	 */
	public @Nullable KeyDescriptor key(String name, String key, boolean showUnsanitized) {
		ProcessRegistry<?, ?> registry = ProcessRegistry.named(this.runtime, name).orElse(null);
		if (registry == null) {
			return null;
		}
		List<ProcessEntryDescriptor> entries = new ArrayList<>();
		Instant now = Instant.now();
		for (RegistryEntry<?, ?> entry : entries(registry, key::equals)) {
			ProcessInfo info = this.runtime.processInfo(entry.pid()).orElse(null);
			if (info == null) {
				continue;
			}
			entries.add(new ProcessEntryDescriptor(entry.pid().toString(), sanitize(entry.value(), showUnsanitized),
					lower(info.status()), info.mailboxLength(), info.startedAt(),
					Duration.between(info.startedAt(), now).toMillis(), info.serverClass(), string(info.parent())));
		}
		return entries.isEmpty() ? null : new KeyDescriptor(name, key, entries);
	}

	/**
	 * Terminates the processes behind a key: a worker through its supervisor (not restarted),
	 * any other process with {@code shutdown} (a server runs {@code terminate}).
	 * @param name the registry's name
	 * @param key the key's text
	 * @return what was terminated, or {@code null} when there is no such registry or key
	 */
	public @Nullable TerminatedDescriptor terminate(String name, String key) {
		ProcessRegistry<?, ?> registry = ProcessRegistry.named(this.runtime, name).orElse(null);
		if (registry == null) {
			return null;
		}
		List<? extends RegistryEntry<?, ?>> entries = entries(registry, key::equals);
		if (entries.isEmpty()) {
			return null;
		}
		WorkerType worker = (this.workerTypes != null) ? this.workerTypes.byRegistry(name).orElse(null) : null;
		List<String> terminated = new ArrayList<>();
		for (RegistryEntry<?, ?> entry : entries) {
			if (worker != null && worker.stop(entry.key())) {
				terminated.add(entry.pid().toString());
				continue;
			}
			try {
				this.runtime.stop(entry.pid(), ExitReason.SHUTDOWN, TERMINATE_TIMEOUT);
				terminated.add(entry.pid().toString());
			}
			catch (NoProcessException ex) {
				// exited meanwhile
			}
			catch (CallTimeoutException ex) {
				this.runtime.exit(entry.pid(), ExitReason.KILL);
				terminated.add(entry.pid().toString());
			}
		}
		return new TerminatedDescriptor(name, key, terminated);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static List<? extends RegistryEntry<?, ?>> entries(ProcessRegistry<?, ?> registry,
			Predicate<String> keyFilter) {
		ProcessRegistry<Object, Object> any = (ProcessRegistry) registry;
		return any.select((entry) -> keyFilter.test(String.valueOf(entry.key())), Function.identity());
	}

	private @Nullable Object sanitize(@Nullable Object value, boolean showUnsanitized) {
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

		static RegistryDescriptor of(ProcessRegistry<?, ?> registry) {
			return new RegistryDescriptor(lower(registry.keys()), lower(registry.partitionBy()), registry.partitions(),
					registry.keyCount(), registry.count(), registry.partitionStats());
		}

	}

	/**
	 * One {@code @RegisteredProcess} worker type.
	 *
	 * @param type the worker class
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

		static WorkerTypeDescriptor of(WorkerType type) {
			return new WorkerTypeDescriptor(type.type().getName(), type.supervisorName(), lower(type.restart()),
					type.idleTimeout().map(Duration::toString).orElse(null),
					(type.maxInstances() > 0) ? type.maxInstances() : null, type.partitions(), type.activeWorkers(),
					type.restarts(), sanitizedKeys(type.metadata()));
		}

		private static Map<String, String> sanitizedKeys(Map<String, String> metadata) {
			Map<String, String> keys = new LinkedHashMap<>();
			metadata.keySet().forEach((key) -> keys.put(key, SanitizableData.SANITIZED_VALUE));
			return keys;
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
	 * @param children its children, when it runs
	 * @param restarts restarts of its current children, when it runs
	 */
	public record SupervisorDescriptor(String name, @Nullable String pid, boolean running, boolean gaveUp,
			@Nullable String exitReason, @Nullable Instant startedAt, @Nullable Instant exitedAt,
			@Nullable Integer children, @Nullable Long restarts) {
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
