package dev.procreg.benchmarks;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;

import dev.procreg.process.ExitReason;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessBody;
import dev.procreg.process.ProcessRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Spawn-and-exit throughput: processes started and fully exited per second.
 *
 * <p>{@code spawnAndExit} spawns a batch of processes whose body returns at once, then waits
 * with {@code awaitExit} until each has exited (its exit bookkeeping done, not merely its body
 * run). Two baselines start the same number of virtual threads running an empty body, since a
 * process is a virtual thread plus bookkeeping: {@code baselineVirtualThreadLatch} waits for all
 * of them on one {@code CountDownLatch} counted down by each thread (what a user writes to wait
 * for a batch), {@code baselineVirtualThreadJoin} joins each thread. {@code join} parks the
 * (platform) JMH thread once per unfinished thread, which is why it can be slower than
 * {@code spawnAndExit}, whose {@code awaitExit} finds most processes already gone.
 *
 * <p>{@code genServerStartStop} starts a GenServer ({@code init} runs on the server's own thread
 * while the caller parks) and stops it with {@code stop}, which waits for {@code terminate} and
 * the exit. Its baseline is the
 * hand-rolled server a user would write: a virtual thread taking from a
 * {@code LinkedTransferQueue} until it takes a stop message, started and joined.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SpawnBenchmark {

	static final int BATCH = 1_000;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final ProcessBody EMPTY_BODY = (ctx) -> {
	};

	private static final Runnable EMPTY_RUNNABLE = () -> {
	};

	private static final Object STOP = new Object();

	private ProcessRuntime runtime;

	private final Pid[] pids = new Pid[BATCH];

	private final Thread[] threads = new Thread[BATCH];

	@Setup
	public void start() {
		this.runtime = ProcessRuntime.start();
	}

	@TearDown
	public void close() {
		this.runtime.close();
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void spawnAndExit() {
		for (int i = 0; i < BATCH; i++) {
			this.pids[i] = this.runtime.spawn(EMPTY_BODY);
		}
		for (int i = 0; i < BATCH; i++) {
			if (!this.runtime.awaitExit(this.pids[i], TIMEOUT)) {
				throw new IllegalStateException(this.pids[i] + " did not exit");
			}
		}
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void baselineVirtualThreadLatch() throws InterruptedException {
		CountDownLatch done = new CountDownLatch(BATCH);
		Runnable body = done::countDown;
		for (int i = 0; i < BATCH; i++) {
			Thread.ofVirtual().start(body);
		}
		if (!done.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("virtual threads did not finish");
		}
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void baselineVirtualThreadJoin() throws InterruptedException {
		for (int i = 0; i < BATCH; i++) {
			this.threads[i] = Thread.ofVirtual().start(EMPTY_RUNNABLE);
		}
		for (int i = 0; i < BATCH; i++) {
			this.threads[i].join();
		}
	}

	@Benchmark
	public void genServerStartStop() {
		Pid pid = GenServer.start(this.runtime, new Servers.Idle(), null).orThrow();
		this.runtime.stop(pid, ExitReason.NORMAL, TIMEOUT);
	}

	@Benchmark
	public void baselineHandRolledServerStartStop() throws InterruptedException {
		LinkedTransferQueue<Object> mailbox = new LinkedTransferQueue<>();
		Thread server = Thread.ofVirtual().start(() -> {
			try {
				while (mailbox.take() != STOP) {
					// a real server would handle the message here
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		mailbox.put(STOP);
		server.join();
	}

}
