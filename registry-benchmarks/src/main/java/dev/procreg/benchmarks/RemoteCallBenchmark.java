package dev.procreg.benchmarks;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.procreg.cluster.transport.NodeTransport;
import dev.procreg.cluster.transport.TransportOptions;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

/**
 * The round trip of one small request to another node and back, on loopback, three ways in the
 * same run (CLUSTER.md's goals: a remote call at most 2× a raw TCP echo, at most ⅓ of Hazelcast's
 * {@code IExecutorService}):
 * <ul>
 * <li>{@code remoteCall}: {@code runtime.call} from a JMH thread of node A to an echo GenServer
 * of node B, over the Netty transport with the default codec (JDK serialization): the request is
 * encoded, framed, decoded, queued in the server's mailbox, handled on the server's thread, and
 * the reply comes back the same way.</li>
 * <li>{@code tcpEcho}: a blocking socket (TCP_NODELAY) writing a length-prefixed 64-byte frame to
 * a thread that echoes it back: the floor of a round trip on this machine.</li>
 * <li>{@code hazelcastExecutor}: a {@code Callable} submitted to the other of two Hazelcast
 * members and its result awaited.</li>
 * </ul>
 * Sample-time mode: JMH reports the median (p0.50) and the tail of each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RemoteCallBenchmark {

	private static final String REQUEST = "ping-0123456789-0123456789-0123456789-0123456789";

	private ProcessRuntime nodeA;

	private ProcessRuntime nodeB;

	private NodeTransport transportA;

	private NodeTransport transportB;

	private Pid echo;

	private ServerSocket echoServer;

	private Socket client;

	private DataOutputStream out;

	private DataInputStream in;

	private final byte[] frame = new byte[64];

	private HazelcastInstance memberA;

	private HazelcastInstance memberB;

	private IExecutorService executor;

	private Member target;

	@Setup
	public void start() throws Exception {
		this.nodeA = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("bench-a"));
		this.nodeB = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("bench-b"));
		TransportOptions options = TransportOptions.defaults("bench").withBind("127.0.0.1", 0);
		this.transportA = NodeTransport.start(options, this.nodeA::distribute);
		this.transportB = NodeTransport.start(options, this.nodeB::distribute);
		this.transportA.connect(this.nodeB.nodeId(), this.transportB.boundAddress()).get(30, TimeUnit.SECONDS);
		while (!this.nodeB.connectedNodes().contains(this.nodeA.nodeId())) {
			Thread.onSpinWait();
		}
		this.echo = GenServer.start(this.nodeB, new Servers.Echo(), null).orThrow();

		this.echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread.ofPlatform().daemon().name("tcp-echo").start(this::echoLoop);
		this.client = new Socket(InetAddress.getLoopbackAddress(), this.echoServer.getLocalPort());
		this.client.setTcpNoDelay(true);
		this.out = new DataOutputStream(this.client.getOutputStream());
		this.in = new DataInputStream(this.client.getInputStream());

		this.memberA = Hazelcast.newHazelcastInstance(hazelcast("a"));
		this.memberB = Hazelcast.newHazelcastInstance(hazelcast("b"));
		while (this.memberA.getCluster().getMembers().size() < 2) {
			Thread.onSpinWait();
		}
		this.executor = this.memberA.getExecutorService("echo");
		this.target = this.memberB.getCluster().getLocalMember();
	}

	private static Config hazelcast(String name) {
		Config config = new Config();
		config.setInstanceName("bench-" + name);
		config.setClusterName("remote-call-bench");
		config.setProperty("hazelcast.phone.home.enabled", "false");
		config.setProperty("hazelcast.logging.type", "none");
		config.getNetworkConfig().setPort(5961).setPortCount(10);
		config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
		JoinConfig join = config.getNetworkConfig().getJoin();
		join.getMulticastConfig().setEnabled(false);
		join.getAutoDetectionConfig().setEnabled(false);
		join.getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1:5961", "127.0.0.1:5962"));
		return config;
	}

	private void echoLoop() {
		try (Socket socket = this.echoServer.accept()) {
			socket.setTcpNoDelay(true);
			DataInputStream from = new DataInputStream(socket.getInputStream());
			DataOutputStream to = new DataOutputStream(socket.getOutputStream());
			byte[] buffer = new byte[1024];
			for (;;) {
				int length = from.readInt();
				from.readFully(buffer, 0, length);
				to.writeInt(length);
				to.write(buffer, 0, length);
				to.flush();
			}
		}
		catch (IOException ex) {
			// closed at tear-down
		}
	}

	@TearDown
	public void stop() throws IOException {
		this.client.close();
		this.echoServer.close();
		this.memberA.shutdown();
		this.memberB.shutdown();
		this.transportA.close();
		this.transportB.close();
		this.nodeA.close();
		this.nodeB.close();
	}

	@Benchmark
	public Object remoteCall() {
		return this.nodeA.call(this.echo, REQUEST, Duration.ofSeconds(5));
	}

	@Benchmark
	public byte[] tcpEcho() throws IOException {
		this.out.writeInt(this.frame.length);
		this.out.write(this.frame);
		this.out.flush();
		int length = this.in.readInt();
		this.in.readFully(this.frame, 0, length);
		return this.frame;
	}

	@Benchmark
	public Object hazelcastExecutor() throws InterruptedException, ExecutionException {
		return this.executor.submitToMember(new EchoTask(REQUEST), this.target).get();
	}

	/** What the executor runs on the other member: returns its request. */
	record EchoTask(String request) implements Callable<String>, Serializable {

		@Override
		public String call() {
			return this.request;
		}

	}

}
