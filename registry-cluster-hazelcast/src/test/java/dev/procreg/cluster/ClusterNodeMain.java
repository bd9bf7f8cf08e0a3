package dev.procreg.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.procreg.process.Down;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegisterResult;
import dev.procreg.registry.RegistryOptions;

/**
 * A cluster node in a JVM of its own, for the tests that SIGKILL and SIGSTOP a member: it joins
 * the cluster, answers commands on stdin, and reports on stdout, one line each.
 *
 * <pre>
 * args: node-name cluster-name first-port port-count max-no-heartbeat-seconds
 * in:   register KEY        out: registered KEY PID | refused KEY OWNER
 *       quit
 * out:  ready NODE-ID, down KEY REASON (an owner of a key exited)
 * </pre>
 */
public final class ClusterNodeMain {

	private ClusterNodeMain() {
	}

	public static void main(String[] args) throws Exception {
		String node = args[0];
		String clusterName = args[1];
		int port = Integer.parseInt(args[2]);
		int portCount = Integer.parseInt(args[3]);
		int maxNoHeartbeat = Integer.parseInt(args[4]);
		ProcessRuntime runtime = ProcessRuntime.start(ProcessRuntime.Options.defaults().withNode(node));
		ProcessRegistry<String, String> sessions = ProcessRegistry.start(runtime,
				RegistryOptions.unique("sessions").withClusterScope());
		ProcessCluster cluster = ProcessCluster.start(runtime,
				ClusterOptions.defaults(clusterName)
					.withPort(port, portCount)
					.withMembers(List.of("127.0.0.1:" + port + "-" + (port + portCount - 1)))
					.withHeartbeat(Duration.ofSeconds(1), Duration.ofSeconds(maxNoHeartbeat)));
		say("ready " + runtime.nodeId());
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		for (String line = in.readLine(); line != null; line = in.readLine()) {
			String[] words = line.trim().split(" ");
			if (words[0].equals("quit")) {
				break;
			}
			if (words[0].equals("register")) {
				String key = words[1];
				CompletableFuture<RegisterResult> result = new CompletableFuture<>();
				Pid owner = runtime.spawn((ctx) -> {
					result.complete(sessions.register(key, node));
					ctx.receive();
				});
				if (result.get() instanceof RegisterResult.AlreadyRegistered(Pid holder)) {
					say("refused " + key + " " + holder);
				}
				else {
					runtime.spawn((ctx) -> {
						ctx.monitor(owner);
						Down down = ctx.receive(Down.class, Duration.ofDays(1)).orElseThrow();
						say("down " + key + " " + down.reason());
					});
					say("registered " + key + " " + owner);
				}
			}
		}
		cluster.close();
		runtime.close();
	}

	private static synchronized void say(String line) {
		System.out.println(line);
		System.out.flush();
	}

}
