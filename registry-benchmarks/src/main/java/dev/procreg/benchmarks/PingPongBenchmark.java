package dev.procreg.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;

import dev.procreg.process.Pid;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * Two processes ping-ponging messages: round trips per second. Each invocation tells the pinger
 * to play {@value #ROUNDS} rounds (send ping, receive pong) with the ponger, then waits for it.
 *
 * <p>Baseline in the same run, doing the same work: two hand-rolled virtual threads, each
 * looping on its own {@code LinkedTransferQueue} ({@code put} to the other, {@code take} from
 * its own).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PingPongBenchmark {

	static final int ROUNDS = 10_000;

	private static final Object PONG = new Object();

	private ProcessRuntime runtime;

	private Pid pinger;

	private final LinkedTransferQueue<Object> pingerQueue = new LinkedTransferQueue<>();

	private final LinkedTransferQueue<Object> pongerQueue = new LinkedTransferQueue<>();

	private Thread pingerThread;

	private Thread pongerThread;

	/** What the pinger sends; one instance, so neither side pays for allocating messages. */
	record Ping(Pid from) {
	}

	@Setup
	public void start() {
		this.runtime = ProcessRuntime.start();
		ProcessRuntime runtime = this.runtime;
		Pid ponger = runtime.spawn((ctx) -> {
			for (;;) {
				Ping ping = (Ping) ctx.receive();
				runtime.send(ping.from(), PONG);
			}
		});
		this.pinger = runtime.spawn((ctx) -> {
			Ping ping = new Ping(ctx.self());
			for (;;) {
				CountDownLatch go = (CountDownLatch) ctx.receive();
				for (int i = 0; i < ROUNDS; i++) {
					runtime.send(ponger, ping);
					if (ctx.receive() != PONG) {
						throw new IllegalStateException("the pinger expected a pong");
					}
				}
				go.countDown();
			}
		});
		this.pongerThread = Thread.ofVirtual().start(() -> {
			try {
				for (;;) {
					this.pongerQueue.take();
					this.pingerQueue.put(PONG);
				}
			}
			catch (InterruptedException ex) {
				// torn down
			}
		});
		this.pingerThread = Thread.ofVirtual().start(() -> {
			try {
				Object ping = new Object();
				for (;;) {
					CountDownLatch go = (CountDownLatch) this.pingerQueue.take();
					for (int i = 0; i < ROUNDS; i++) {
						this.pongerQueue.put(ping);
						if (this.pingerQueue.take() != PONG) {
							throw new IllegalStateException("the pinger expected a pong");
						}
					}
					go.countDown();
				}
			}
			catch (InterruptedException ex) {
				// torn down
			}
		});
	}

	@TearDown
	public void close() throws InterruptedException {
		this.pingerThread.interrupt();
		this.pongerThread.interrupt();
		this.pingerThread.join();
		this.pongerThread.join();
		this.runtime.close();
	}

	private static void await(CountDownLatch done) throws InterruptedException {
		if (!done.await(Servers.WAIT_SECONDS, TimeUnit.SECONDS)) {
			throw new IllegalStateException("ping-pong did not finish: deadlock or lost message");
		}
	}

	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(ROUNDS)
	public void processes() throws InterruptedException {
		CountDownLatch done = new CountDownLatch(1);
		this.runtime.send(this.pinger, done);
		await(done);
	}

	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(ROUNDS)
	public void baselineVirtualThreadsOnLinkedTransferQueues() throws InterruptedException {
		CountDownLatch done = new CountDownLatch(1);
		this.pingerQueue.put(done);
		await(done);
	}

}
