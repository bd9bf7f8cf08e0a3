package dev.procreg.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.procreg.process.Down;
import dev.procreg.process.ExitReason;
import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.NameConflict;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegisterResult;
import dev.procreg.registry.RegistryOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Members in JVMs of their own, crashed for real: SIGKILL, SIGSTOP past the failure detector's
 * bound and SIGCONT, and a restart under the same node name. This JVM is one member and watches;
 * the others are {@link ClusterNodeMain} processes it started (signals go only to its own
 * children). CLUSTER.md, tests item 6. The figures (purge after a kill, removal of a hung member)
 * are printed, not asserted.
 */
class SeparateJvmClusterTests {

	private static final Duration LONG = Duration.ofSeconds(90);

	private static final String CLUSTER = "separate-jvm-tests";

	private static final int PORT = 5841;

	private static final int PORT_COUNT = 10;

	/** Short enough for CI, long enough not to suspect a busy member on 2 cores. */
	private static final int MAX_NO_HEARTBEAT = 6;

	private final List<Child> children = new ArrayList<>();

	private ProcessRuntime runtime;

	private ProcessCluster cluster;

	@BeforeEach
	void joinAsTheWatchingMember() {
		this.runtime = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode("watcher"));
		ProcessRegistry.start(this.runtime, RegistryOptions.unique("sessions").withClusterScope());
		this.cluster = ProcessCluster.start(this.runtime, ClusterOptions.defaults(CLUSTER)
			.withPort(PORT, PORT_COUNT)
			.withMembers(List.of("127.0.0.1:" + PORT + "-" + (PORT + PORT_COUNT - 1)))
			.withHeartbeat(Duration.ofSeconds(1), Duration.ofSeconds(MAX_NO_HEARTBEAT)));
	}

	@AfterEach
	void stop() {
		for (Child child : this.children) {
			child.process.destroyForcibly();
		}
		this.cluster.close();
		this.runtime.close();
	}

	@SuppressWarnings("unchecked")
	private ProcessRegistry<String, String> sessions() {
		return (ProcessRegistry<String, String>) ProcessRegistry.named(this.runtime, "sessions").orElseThrow();
	}

	@Test
	void aKilledMembersNamesAndProcessesArePurgedAndItsNodeNameRestartsAsANewIncarnation() throws Exception {
		Child child = start("worker1");
		Pid owner = child.register("alice");
		System.out.printf("RSS of a member JVM (runtime, transport, Hazelcast, -Xmx256m): %s%n", rss(child.process));
		await().atMost(LONG).until(() -> sessions().whereis("alice").isPresent());
		assertThat(sessions().whereis("alice")).contains(owner);
		CompletableFuture<ExitReason> down = monitor(owner);

		long killedAt = System.nanoTime();
		child.process.destroyForcibly(); // SIGKILL
		assertThat(down.get(LONG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ExitReason.NOCONNECTION);
		await().atMost(LONG).until(() -> sessions().whereis("alice").isEmpty());
		System.out.printf("SIGKILL: Down(noconnection) and names purged %d ms after the kill%n",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));

		Child again = start("worker1");
		assertThat(again.node.name()).isEqualTo(owner.node());
		assertThat(again.node).as("a new incarnation").isNotEqualTo(owner.nodeId());
		await().atMost(LONG).until(() -> this.runtime.connectedNodes().contains(again.node));
		assertThat(monitor(owner).get(LONG.toSeconds(), TimeUnit.SECONDS))
			.as("the earlier run's pid is nobody").isEqualTo(ExitReason.NOPROC);
		Pid next = again.register("alice");
		await().atMost(LONG).until(() -> sessions().whereis("alice").filter(next::equals).isPresent());
	}

	@Test
	void aHungMemberIsRemovedAndAfterItResumesOneClaimPerNameRemainsAndTheLoserIsTold() throws Exception {
		Child child = start("worker2");
		Pid older = child.register("bob");
		await().atMost(LONG).until(() -> sessions().whereis("bob").isPresent());
		CompletableFuture<ExitReason> down = monitor(older);

		long stoppedAt = System.nanoTime();
		signal("STOP", child);
		assertThat(down.get(LONG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ExitReason.NOCONNECTION);
		System.out.printf("SIGSTOP: the hung member was down here %d ms after the stop (max-no-heartbeat %d s)%n",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt), MAX_NO_HEARTBEAT);
		await().atMost(LONG).until(() -> sessions().whereis("bob").isEmpty());

		// while it hangs, this side claims the name too: both sides hold a claim
		CompletableFuture<RegisterResult> mine = new CompletableFuture<>();
		Pid newer = this.runtime.spawn((ctx) -> {
			mine.complete(sessions().register("bob", "watcher"));
			ctx.receive();
		});
		assertThat(mine.get(LONG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(RegisterResult.Registered.class);
		CompletableFuture<ExitReason> newerDown = monitor(newer);

		long resumedAt = System.nanoTime();
		signal("CONT", child);
		await().atMost(LONG).until(() -> this.runtime.connectedNodes().contains(child.node));
		// the older claim (the hung member's) wins everywhere; this side's owner is told
		assertThat(newerDown.get(LONG.toSeconds(), TimeUnit.SECONDS))
			.isEqualTo(ExitReason.of(new NameConflict("sessions", "bob", older)));
		await().atMost(LONG).until(() -> sessions().whereis("bob").filter(older::equals).isPresent());
		System.out.printf("SIGCONT: reconnected and the conflict settled %d ms after the resume%n",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumedAt));
	}

	private CompletableFuture<ExitReason> monitor(Pid pid) {
		CompletableFuture<ExitReason> reason = new CompletableFuture<>();
		CountDownLatch watching = new CountDownLatch(1);
		this.runtime.spawn((ctx) -> {
			ctx.monitor(pid);
			watching.countDown();
			reason.complete(ctx.receive(Down.class, LONG.multipliedBy(2)).orElseThrow().reason());
		});
		try {
			assertThat(watching.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		return reason;
	}

	/** The resident set of a child, as Linux reports it; "unknown" elsewhere. */
	private static String rss(Process process) {
		try {
			return java.nio.file.Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))
				.stream()
				.filter((line) -> line.startsWith("VmRSS:"))
				.map((line) -> line.substring("VmRSS:".length()).trim())
				.findFirst()
				.orElse("unknown");
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	private static void signal(String name, Child child) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(child.process.pid())).inheritIO().start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).as("kill -" + name).isZero();
	}

	private Child start(String node) throws IOException, InterruptedException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "--add-modules", "java.se",
				"--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens",
				"java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens",
				"java.management/sun.management=ALL-UNNAMED", "--add-opens",
				"jdk.management/com.sun.management.internal=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
				ClusterNodeMain.class.getName(), node, CLUSTER, Integer.toString(PORT), Integer.toString(PORT_COUNT),
				Integer.toString(MAX_NO_HEARTBEAT)));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		Child child = new Child(process);
		this.children.add(child);
		String ready = child.expect("ready ");
		String[] id = ready.substring("ready ".length()).split("#");
		child.node = new NodeId(id[0], Long.parseLong(id[1]));
		return child;
	}

	/** A member in its own JVM, and the lines it prints. */
	private static final class Child {

		final Process process;

		final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		final PrintWriter in;

		NodeId node;

		Child(Process process) {
			this.process = process;
			this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
			Thread.ofPlatform().daemon().start(() -> {
				try (BufferedReader out = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					for (String line = out.readLine(); line != null; line = out.readLine()) {
						this.lines.add(line);
					}
				}
				catch (IOException ex) {
					// the child is gone
				}
			});
		}

		Pid register(String key) throws InterruptedException {
			this.in.println("register " + key);
			String line = expect("registered " + key + " ");
			Pid typed = Pid.parse(line.substring(("registered " + key + " ").length()));
			return Pid.of(this.node, typed.serial());
		}

		String expect(String prefix) throws InterruptedException {
			long deadline = System.nanoTime() + LONG.toNanos();
			List<String> seen = new ArrayList<>();
			while (System.nanoTime() < deadline) {
				String line = this.lines.poll(1, TimeUnit.SECONDS);
				if (line == null) {
					continue;
				}
				if (line.startsWith(prefix)) {
					return line;
				}
				seen.add(line);
			}
			throw new AssertionError("no line starting with '" + prefix + "' from the child; it printed " + seen);
		}

	}

}
