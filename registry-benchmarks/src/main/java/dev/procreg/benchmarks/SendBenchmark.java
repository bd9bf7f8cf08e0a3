package dev.procreg.benchmarks;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;

import dev.procreg.process.GenServer;
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
 * Send throughput, end to end: messages received per second from one sender (the JMH thread) to
 * one receiver. Each invocation sends a batch of {@value #BATCH} messages, then a
 * {@link Servers.Flush}, and waits until the receiver has handled the flush; the receiver's count
 * is checked against the number sent, so a lost message fails the run.
 *
 * <ul>
 * <li>{@code sendToProcess}: a spawned process looping on {@code receive()}.</li>
 * <li>{@code sendToGenServer}: {@code send} to a GenServer, handled by {@code handleInfo}.</li>
 * <li>{@code castToGenServer}: {@code cast} to a GenServer, handled by {@code handleCast}.</li>
 * <li>{@code baselineLinkedTransferQueue}: what a user writes by hand, a virtual thread looping
 * on {@code LinkedTransferQueue.take()}; same payload, same flush, same count check.</li>
 * </ul>
 * The payload is one shared object everywhere, so no variant pays for allocating messages.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class SendBenchmark {

	static final int BATCH = 10_000;

	private ProcessRuntime runtime;

	private Pid process;

	private Pid server;

	private LinkedTransferQueue<Object> queue;

	private Thread handRolled;

	private long sentToProcess;

	private long sentToServer;

	private long sentToQueue;

	@Setup
	public void start() {
		this.runtime = ProcessRuntime.start();
		this.process = this.runtime.spawn((ctx) -> {
			long count = 0;
			for (;;) {
				Object message = ctx.receive();
				if (message instanceof Servers.Flush flush) {
					flush.done(count);
				}
				else {
					count++;
				}
			}
		});
		this.server = GenServer.start(this.runtime, new Servers.Counter(), null).orThrow();
		LinkedTransferQueue<Object> mailbox = new LinkedTransferQueue<>();
		this.queue = mailbox;
		this.handRolled = Thread.ofVirtual().start(() -> {
			long count = 0;
			try {
				for (;;) {
					Object message = mailbox.take();
					if (message instanceof Servers.Flush flush) {
						flush.done(count);
					}
					else {
						count++;
					}
				}
			}
			catch (InterruptedException ex) {
				// torn down
			}
		});
	}

	@TearDown
	public void close() throws InterruptedException {
		this.handRolled.interrupt();
		this.handRolled.join();
		this.runtime.close();
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void sendToProcess() throws InterruptedException {
		for (int i = 0; i < BATCH; i++) {
			this.runtime.send(this.process, Servers.MESSAGE);
		}
		this.sentToProcess += BATCH;
		Servers.Flush flush = new Servers.Flush();
		this.runtime.send(this.process, flush);
		flush.await(this.sentToProcess, "process " + this.process);
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void sendToGenServer() throws InterruptedException {
		for (int i = 0; i < BATCH; i++) {
			this.runtime.send(this.server, Servers.MESSAGE);
		}
		this.sentToServer += BATCH;
		Servers.Flush flush = new Servers.Flush();
		this.runtime.send(this.server, flush);
		flush.await(this.sentToServer, "server " + this.server);
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void castToGenServer() throws InterruptedException {
		for (int i = 0; i < BATCH; i++) {
			this.runtime.cast(this.server, Servers.MESSAGE);
		}
		this.sentToServer += BATCH;
		Servers.Flush flush = new Servers.Flush();
		this.runtime.cast(this.server, flush);
		flush.await(this.sentToServer, "server " + this.server);
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void baselineLinkedTransferQueue() throws InterruptedException {
		for (int i = 0; i < BATCH; i++) {
			this.queue.put(Servers.MESSAGE);
		}
		this.sentToQueue += BATCH;
		Servers.Flush flush = new Servers.Flush();
		this.queue.put(flush);
		flush.await(this.sentToQueue, "hand-rolled receiver");
	}

}
