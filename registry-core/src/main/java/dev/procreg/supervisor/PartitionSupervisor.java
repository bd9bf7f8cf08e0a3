package dev.procreg.supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

import dev.procreg.partition.Partitioning;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessInfo;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.RegistrableName;
import dev.procreg.process.StartResult;

/**
 * Elixir's {@code PartitionSupervisor}: N {@link DynamicSupervisor}s under one
 * {@link Supervisor}, with each child routed to a partition by a key, so that starting thousands
 * of session workers is not serialized through one process. Children with the same key always
 * land in the same partition.
 *
 * <pre>{@code
 * PartitionSupervisor sessions = PartitionSupervisor.create(runtime, 8, DynamicSupervisor.Options.defaults());
 * sessions.start().orThrow();          // or nest it: sessions.childSpec("sessions")
 * Pid session = sessions.startChild(donorId,
 *         ChildSpec.worker("session", Session::new, donorId, registry.via(donorId))).orThrow();
 * }</pre>
 *
 * <p>The partitions' pids are kept in this object and updated when a partition restarts, so
 * routing costs no message. While a partition restarts, a start routed to it fails with
 * {@code NoProcessException} and may be retried.
 */
public final class PartitionSupervisor {

	private final ProcessRuntime runtime;

	private final int partitions;

	private final DynamicSupervisor.Options partitionOptions;

	private final Supervisor.Options options;

	private final AtomicReferenceArray<@Nullable Pid> pids;

	private volatile @Nullable Pid supervisor;

	private PartitionSupervisor(ProcessRuntime runtime, int partitions, DynamicSupervisor.Options options) {
		this.runtime = runtime;
		this.partitions = partitions;
		this.partitionOptions = options.withName(null);
		Supervisor.Options top = new Supervisor.Options(options.maxRestarts(), options.maxSeconds(), null);
		RegistrableName name = options.name();
		this.options = (name != null) ? top.withName(name) : top;
		this.pids = new AtomicReferenceArray<>(partitions);
	}

	/**
	 * Prepares a partition supervisor; {@link #start()} or {@link #childSpec(Object)} starts it.
	 * @param runtime the runtime
	 * @param partitions how many dynamic supervisors, at least 1 (for example the number of cores)
	 * @param options each partition's options; the intensity and the name apply to the
	 * supervisor above the partitions too, the name to it alone
	 * @return the partition supervisor, not started
	 * @throws IllegalArgumentException when {@code partitions} is below 1
	 */
	public static PartitionSupervisor create(ProcessRuntime runtime, int partitions, DynamicSupervisor.Options options) {
		Objects.requireNonNull(runtime, "runtime must not be null");
		if (partitions < 1) {
			throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
		}
		if (options == null) {
			throw new IllegalArgumentException("options must not be null; use DynamicSupervisor.Options.defaults()");
		}
		return new PartitionSupervisor(runtime, partitions, options);
	}

	/**
	 * Starts it, not linked to the caller, with its partitions.
	 * @return the outcome; the pid is the supervisor above the partitions
	 */
	public StartResult start() {
		return remember(Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE, partitionSpecs(), this.options));
	}

	/**
	 * Starts it linked to the calling process.
	 * @return the outcome
	 */
	public StartResult startLink() {
		return remember(Supervisor.startLink(this.runtime, Strategy.ONE_FOR_ONE, partitionSpecs(), this.options));
	}

	/**
	 * @param id the child id
	 * @return a spec that starts this partition supervisor under another supervisor
	 */
	public ChildSpec childSpec(Object id) {
		return ChildSpec.supervisor(id, (rt) -> startLink());
	}

	private StartResult remember(StartResult result) {
		if (result instanceof StartResult.Started(Pid pid)) {
			this.supervisor = pid;
		}
		return result;
	}

	private List<ChildSpec> partitionSpecs() {
		List<ChildSpec> specs = new ArrayList<>(this.partitions);
		for (int i = 0; i < this.partitions; i++) {
			int index = i;
			specs.add(ChildSpec.supervisor(index, (rt) -> {
				StartResult result = DynamicSupervisor.startLink(rt, this.partitionOptions);
				if (result instanceof StartResult.Started(Pid pid)) {
					this.pids.set(index, pid);
				}
				return result;
			}));
		}
		return specs;
	}

	/**
	 * Starts a child in the partition of {@code key}.
	 * @param key the routing key, such as the session's id
	 * @param spec the child
	 * @return as {@link DynamicSupervisor#startChild}
	 * @throws dev.procreg.process.NoProcessException when that partition is restarting
	 */
	public StartResult startChild(Object key, ChildSpec spec) {
		return DynamicSupervisor.startChild(this.runtime, partition(key), spec);
	}

	/**
	 * Stops a child of one of the partitions.
	 * @param child the child's pid
	 * @return whether it was a child of a partition
	 */
	public boolean terminateChild(Pid child) {
		Optional<Pid> parent = this.runtime.processInfo(child).map(ProcessInfo::parent);
		for (int i = 0; i < this.partitions; i++) {
			Pid partition = this.pids.get(i);
			if (partition != null && parent.isPresent() && partition.equals(parent.get())) {
				return DynamicSupervisor.terminateChild(this.runtime, partition, child);
			}
		}
		return false;
	}

	/**
	 * The partition a key routes to, by {@link Partitioning#index}: the same function a
	 * registry with as many partitions uses, so a key's worker and its registry entry agree.
	 * @param key the key
	 * @return the partition's index
	 */
	public int partitionIndex(Object key) {
		Objects.requireNonNull(key, "routing key must not be null");
		return Partitioning.index(key, this.partitions);
	}

	/**
	 * @param key the key
	 * @return the pid of the partition the key routes to
	 * @throws IllegalStateException when not started
	 */
	public Pid partition(Object key) {
		Pid pid = this.pids.get(partitionIndex(key));
		if (pid == null) {
			throw new IllegalStateException("partition supervisor is not started");
		}
		return pid;
	}

	/** @return the partitions' pids, by index; the latest pid of each, alive or restarting */
	public List<Pid> partitions() {
		List<Pid> all = new ArrayList<>(this.partitions);
		for (int i = 0; i < this.partitions; i++) {
			Pid pid = this.pids.get(i);
			if (pid != null) {
				all.add(pid);
			}
		}
		return all;
	}

	/** @return the supervisor above the partitions, once started */
	public Optional<Pid> pid() {
		return Optional.ofNullable(this.supervisor);
	}

	/** @return the children of every partition, partition by partition */
	public List<ChildInfo> whichChildren() {
		List<ChildInfo> all = new ArrayList<>();
		for (Pid partition : partitions()) {
			all.addAll(DynamicSupervisor.whichChildren(this.runtime, partition));
		}
		return all;
	}

	/** @return the children of every partition counted together */
	public ChildCount countChildren() {
		ChildCount total = new ChildCount(0, 0, 0, 0);
		for (Pid partition : partitions()) {
			total = total.plus(DynamicSupervisor.countChildren(this.runtime, partition));
		}
		return total;
	}

	/** @return how many partitions */
	public int partitionCount() {
		return this.partitions;
	}

	@Override
	public String toString() {
		return "PartitionSupervisor[" + this.supervisor + ", " + this.partitions + " partitions]";
	}

}
