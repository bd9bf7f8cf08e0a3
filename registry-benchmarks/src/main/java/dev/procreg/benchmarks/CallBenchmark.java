package dev.procreg.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 * GenServer call round trips per second, by pid, from one and from two client threads (the JMH
 * threads, which are not processes: the common case of a request thread calling a server).
 *
 * <p>{@code genServerCall*} calls an {@link Servers.Echo} server whose {@code handleCall} returns
 * the request. Two baselines, each with one server thread shared by the clients, as a GenServer
 * is one process shared by its callers:
 * <ul>
 * <li>{@code baselineHandOff*}: the bare hand-off between threads, the JVM's floor for a
 * request/response to another thread: the request goes through a {@code SynchronousQueue} to a
 * virtual server thread, which hands the reply back through the client's own
 * {@code SynchronousQueue}.</li>
 * <li>{@code baselineHandRolledCall*}: the call a user writes by hand: a request with a
 * {@code CompletableFuture} put on the server thread's {@code LinkedTransferQueue}, the client
 * waiting on the future with a timeout, as {@code call} has one.</li>
 * </ul>
 * {@code genServerCallFromProcess*} makes the same calls from inside processes (one per JMH
 * thread: 1, 2, and 8, more callers than carriers), as Elixir's benchmark does: each invocation
 * sends the client process a go message, the process makes {@value #CALLS} calls and opens a
 * latch; the JMH thread only waits. Its
 * baseline, {@code baselineHandRolledCallFromVirtualThread*}, makes the hand-rolled call from a
 * virtual thread driven the same way.
 *
 * <p>All three do the same work: the request crosses to the server's own thread and the reply
 * comes back ({@code handleCall} never runs on the caller's thread). A platform caller spins up
 * to {@code procreg.spin-micros} (50 µs by default) for its reply; run with
 * {@code -jvmArgsAppend -Dprocreg.spin-micros=0} to measure parking at once on both sides.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CallBenchmark {

	private static final Object REQUEST = new Object();

	static final int CALLS = 100_000;

	private ProcessRuntime runtime;

	private Pid echo;

	private final SynchronousQueue<HandOff> handOffRequests = new SynchronousQueue<>();

	private final LinkedTransferQueue<HandRolledCall> handRolledMailbox = new LinkedTransferQueue<>();

	private Thread handOffServer;

	private Thread handRolledServer;

	record HandOff(Object request, SynchronousQueue<Object> replyTo) {
	}

	record HandRolledCall(Object request, CompletableFuture<Object> reply) {
	}

	/** Each client's own reply channel for the hand-off baseline. */
	@State(Scope.Thread)
	public static class Client {

		final SynchronousQueue<Object> replies = new SynchronousQueue<>();

	}

	/** A client process per JMH thread, for calls made by a process. */
	@State(Scope.Thread)
	public static class ClientProcess {

		Pid pid;

		@Setup
		public void start(CallBenchmark benchmark) {
			ProcessRuntime runtime = benchmark.runtime;
			Pid server = benchmark.echo;
			this.pid = runtime.spawn((ctx) -> {
				for (;;) {
					CountDownLatch go = (CountDownLatch) ctx.receive();
					for (int i = 0; i < CALLS; i++) {
						runtime.call(server, REQUEST);
					}
					go.countDown();
				}
			});
		}

		void run(ProcessRuntime runtime) throws InterruptedException {
			CountDownLatch done = new CountDownLatch(1);
			runtime.send(this.pid, done);
			if (!done.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("client process " + this.pid + " did not finish its calls");
			}
		}

	}

	/**
	 * A virtual thread per JMH thread making hand-rolled calls: the baseline of calls made by a
	 * process, driven the same way (a go message on its own queue, {@value #CALLS} calls, a latch).
	 */
	@State(Scope.Thread)
	public static class ClientThread {

		final LinkedTransferQueue<CountDownLatch> go = new LinkedTransferQueue<>();

		Thread thread;

		@Setup
		public void start(CallBenchmark benchmark) {
			this.thread = Thread.ofVirtual().start(() -> {
				try {
					for (;;) {
						CountDownLatch done = this.go.take();
						for (int i = 0; i < CALLS; i++) {
							benchmark.handRolledCall();
						}
						done.countDown();
					}
				}
				catch (InterruptedException ex) {
					// torn down
				}
				catch (ExecutionException | TimeoutException ex) {
					throw new IllegalStateException(ex);
				}
			});
		}

		@TearDown
		public void stop() throws InterruptedException {
			this.thread.interrupt();
			this.thread.join();
		}

		void run() throws InterruptedException {
			CountDownLatch done = new CountDownLatch(1);
			this.go.put(done);
			if (!done.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("client thread did not finish its calls");
			}
		}

	}

	@Setup
	public void start() {
		this.runtime = ProcessRuntime.start();
		this.echo = GenServer.start(this.runtime, new Servers.Echo(), null).orThrow();
		this.handOffServer = Thread.ofVirtual().start(() -> {
			try {
				for (;;) {
					HandOff call = this.handOffRequests.take();
					call.replyTo().put(call.request());
				}
			}
			catch (InterruptedException ex) {
				// torn down
			}
		});
		this.handRolledServer = Thread.ofVirtual().start(() -> {
			try {
				for (;;) {
					HandRolledCall call = this.handRolledMailbox.take();
					call.reply().complete(call.request());
				}
			}
			catch (InterruptedException ex) {
				// torn down
			}
		});
	}

	@TearDown
	public void close() throws InterruptedException {
		this.handOffServer.interrupt();
		this.handRolledServer.interrupt();
		this.handOffServer.join();
		this.handRolledServer.join();
		this.runtime.close();
	}

	private Object genServerCall() {
		return this.runtime.call(this.echo, REQUEST);
	}

	private Object handOff(Client client) throws InterruptedException {
		this.handOffRequests.put(new HandOff(REQUEST, client.replies));
		return client.replies.take();
	}

	private Object handRolledCall() throws InterruptedException, ExecutionException, TimeoutException {
		CompletableFuture<Object> reply = new CompletableFuture<>();
		this.handRolledMailbox.put(new HandRolledCall(REQUEST, reply));
		return reply.get(5, TimeUnit.SECONDS);
	}

	@Benchmark
	@Threads(1)
	public Object genServerCall1() {
		return genServerCall();
	}

	@Benchmark
	@Threads(2)
	public Object genServerCall2() {
		return genServerCall();
	}

	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(CALLS)
	public void genServerCallFromProcess1(ClientProcess client) throws InterruptedException {
		client.run(this.runtime);
	}

	@Benchmark
	@Threads(2)
	@OperationsPerInvocation(CALLS)
	public void genServerCallFromProcess2(ClientProcess client) throws InterruptedException {
		client.run(this.runtime);
	}

	@Benchmark
	@Threads(8)
	@OperationsPerInvocation(CALLS)
	public void genServerCallFromProcess8(ClientProcess client) throws InterruptedException {
		client.run(this.runtime);
	}

	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(CALLS)
	public void baselineHandRolledCallFromVirtualThread1(ClientThread client) throws InterruptedException {
		client.run();
	}

	@Benchmark
	@Threads(2)
	@OperationsPerInvocation(CALLS)
	public void baselineHandRolledCallFromVirtualThread2(ClientThread client) throws InterruptedException {
		client.run();
	}

	@Benchmark
	@Threads(8)
	@OperationsPerInvocation(CALLS)
	public void baselineHandRolledCallFromVirtualThread8(ClientThread client) throws InterruptedException {
		client.run();
	}

	@Benchmark
	@Threads(1)
	public Object baselineHandOff1(Client client) throws InterruptedException {
		return handOff(client);
	}

	@Benchmark
	@Threads(2)
	public Object baselineHandOff2(Client client) throws InterruptedException {
		return handOff(client);
	}

	@Benchmark
	@Threads(1)
	public Object baselineHandRolledCall1() throws Exception {
		return handRolledCall();
	}

	@Benchmark
	@Threads(2)
	public Object baselineHandRolledCall2() throws Exception {
		return handRolledCall();
	}

}
