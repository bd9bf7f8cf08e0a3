package dev.procreg.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.DynamicSupervisor;
import dev.procreg.supervisor.PartitionSupervisor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code startChild} throughput with a via name from two client threads: every start goes
 * through one {@code DynamicSupervisor} (its calls are serialized through that one process),
 * against a {@code PartitionSupervisor} with one partition per core (starts of different keys go
 * to different supervisors). Each start registers a new key in a unique registry with 8
 * partitions and runs the child's {@code init}; the children stay alive until the iteration
 * ends, when the runtime is closed outside the measurement.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class SupervisorBenchmark {

	private final AtomicLong keys = new AtomicLong();

	private ProcessRuntime runtime;

	private ProcessRegistry<Long, Object> sessions;

	private Pid dynamic;

	private PartitionSupervisor partitioned;

	@Setup(Level.Iteration)
	public void start() {
		this.runtime = ProcessRuntime.start(ProcessRuntime.Options.defaults().withShutdownTimeout(Duration.ZERO));
		this.sessions = ProcessRegistry.start(this.runtime, RegistryOptions.unique("sessions").withPartitions(8));
		this.dynamic = DynamicSupervisor.start(this.runtime, DynamicSupervisor.Options.defaults()).orThrow();
		this.partitioned = PartitionSupervisor.create(this.runtime, Runtime.getRuntime().availableProcessors(),
				DynamicSupervisor.Options.defaults());
		this.partitioned.start().orThrow();
	}

	@TearDown(Level.Iteration)
	public void stop() {
		this.runtime.close();
	}

	@Benchmark
	@Threads(2)
	public StartResult dynamicSupervisor() {
		long key = this.keys.incrementAndGet();
		return DynamicSupervisor.startChild(this.runtime, this.dynamic, spec(key));
	}

	@Benchmark
	@Threads(2)
	public StartResult partitionSupervisor() {
		long key = this.keys.incrementAndGet();
		return this.partitioned.startChild(key, spec(key));
	}

	private ChildSpec spec(long key) {
		return ChildSpec.worker("session", Session::new, null, this.sessions.via(key));
	}

	/** A session that starts and waits. */
	static final class Session extends GenServer<Object> {

		@Override
		protected Init<Object> init(Object arg) {
			return ok(Boolean.TRUE);
		}

	}

}
