package dev.procreg.demo.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.procreg.demo.DonationDemoApplication;

/**
 * Starts the demo as a cluster of nodes on this machine, each in a JVM of its own, with one
 * command:
 * <pre>
 * ./mvnw -q -pl demo-donation-app spring-boot:run -Dspring-boot.run.main-class=dev.procreg.demo.cluster.DonationCluster
 * </pre>
 * Node {@code i} (from 1) is named {@code node<i>}, runs the {@code cluster} profile, serves HTTP on
 * {@code http-port + i - 1} and keeps its donations in {@code ./data/node<i>/}. Each JVM is
 * started with the java launcher and the classpath of this one; their output is prefixed with
 * the node's name. A node that exits is reported (its last lines say why, such as a node name
 * already in use) and the others keep running; Ctrl-C (or SIGTERM) stops every node gracefully.
 *
 * <p>Arguments, all optional: {@code --nodes=3}, {@code --http-port=8081} (the first node's),
 * {@code --cluster-port=5701} (the first Hazelcast port; the nodes look for each other on
 * {@code cluster-port} to {@code cluster-port + nodes}, one more than the nodes so that a node
 * started by hand can join); any other argument is handed to every node, such as
 * {@code --demo.payments.workers=1}.
 */
public final class DonationCluster {

	private static final String PREFIX = "--";

	private final List<Node> nodes = new ArrayList<>();

	private final PrintStream out;

	private DonationCluster(PrintStream out) {
		this.out = out;
	}

	public static void main(String[] args) throws InterruptedException {
		Settings settings;
		try {
			settings = Settings.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("[cluster] " + ex.getMessage());
			System.exit(2);
			return;
		}
		DonationCluster cluster = new DonationCluster(System.out);
		Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "cluster-stop"));
		cluster.start(settings);
		int status = cluster.awaitExits();
		System.exit(status);
	}

	private void start(Settings settings) {
		String java = ProcessHandle.current().info().command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		String classpath = System.getProperty("java.class.path");
		for (int i = 1; i <= settings.nodes(); i++) {
			String name = "node" + i;
			List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
					// what Hazelcast asks for on JDK 17 and later
					"--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
					"--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
					"--add-opens", "java.management/sun.management=ALL-UNNAMED", "--add-opens",
					"jdk.management/com.sun.management.internal=ALL-UNNAMED", "-cp", classpath,
					DonationDemoApplication.class.getName()));
			command.addAll(settings.nodeArguments(i));
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
				Node node = new Node(name, process, settings.httpPort() + i - 1);
				this.nodes.add(node);
				Thread.ofPlatform().daemon().name(name + "-output").start(() -> copyOutput(node));
				this.out.println("[cluster] " + name + " starting: pid " + process.pid() + ", http://127.0.0.1:"
						+ node.httpPort() + "/");
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot start " + name + " with " + java, ex);
			}
		}
	}

	private void copyOutput(Node node) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(node.process().getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				this.out.println("[" + node.name() + "] " + line);
			}
		}
		catch (IOException ex) {
			// the node is gone; its exit is reported by awaitExits
		}
	}

	/** Waits until every node has exited, reporting each exit; 0 when all exited with 0. */
	private int awaitExits() throws InterruptedException {
		int status = 0;
		for (Node node : this.nodes) {
			int exit = node.process().waitFor();
			this.out.println("[cluster] " + node.name() + " exited with status " + exit
					+ ((exit == 137) ? " (killed by SIGKILL)" : "") + ((exit != 0 && exit != 137 && exit != 143)
							? " (its last lines above say why)" : ""));
			if (exit != 0) {
				status = 1;
			}
		}
		return status;
	}

	/** Stops every node with SIGTERM (a graceful shutdown), SIGKILL after 30 seconds. */
	private void stop() {
		for (Node node : this.nodes) {
			node.process().destroy();
		}
		for (Node node : this.nodes) {
			try {
				if (!node.process().waitFor(30, TimeUnit.SECONDS)) {
					node.process().destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				node.process().destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}
	}

	private record Node(String name, Process process, int httpPort) {
	}

	/**
	 * The launcher's arguments.
	 *
	 * @param nodes how many nodes
	 * @param httpPort the first node's HTTP port
	 * @param clusterPort the first Hazelcast port
	 * @param passed arguments handed to every node
	 */
	record Settings(int nodes, int httpPort, int clusterPort, List<String> passed) {

		static Settings parse(String... args) {
			int nodes = 3;
			int httpPort = 8081;
			int clusterPort = 5701;
			List<String> passed = new ArrayList<>();
			for (String arg : args) {
				if (arg.startsWith(PREFIX + "nodes=")) {
					nodes = number(arg, 1, 9);
				}
				else if (arg.startsWith(PREFIX + "http-port=")) {
					httpPort = number(arg, 1, 65535);
				}
				else if (arg.startsWith(PREFIX + "cluster-port=")) {
					clusterPort = number(arg, 1, 65535);
				}
				else if (arg.startsWith(PREFIX) && arg.contains("=")) {
					passed.add(arg);
				}
				else {
					throw new IllegalArgumentException("'" + arg + "' is not an argument of the launcher: use --nodes=,"
							+ " --http-port=, --cluster-port= or --<property>=<value> for every node");
				}
			}
			if (httpPort + nodes - 1 > 65535 || clusterPort + nodes > 65535) {
				throw new IllegalArgumentException("the ports of " + nodes + " nodes from http-port " + httpPort
						+ " and cluster-port " + clusterPort + " go beyond 65535");
			}
			return new Settings(nodes, httpPort, clusterPort, List.copyOf(passed));
		}

		private static int number(String arg, int min, int max) {
			String value = arg.substring(arg.indexOf('=') + 1);
			try {
				int number = Integer.parseInt(value);
				if (number >= min && number <= max) {
					return number;
				}
			}
			catch (NumberFormatException ex) {
				// reported below
			}
			throw new IllegalArgumentException(arg.substring(PREFIX.length(), arg.indexOf('=')) + " must be a number from "
					+ min + " to " + max + ", not '" + value + "'");
		}

		/**
		 * @param i the node's number, from 1
		 * @return the application arguments of node {@code i}
		 */
		List<String> nodeArguments(int i) {
			List<String> arguments = new ArrayList<>(List.of("--spring.profiles.active=cluster",
					"--process-registry.node=node" + i, "--server.port=" + (this.httpPort + i - 1),
					"--process-registry.cluster.port=" + this.clusterPort,
					"--process-registry.cluster.port-count=" + (this.nodes + 1),
					"--process-registry.cluster.members=127.0.0.1:" + this.clusterPort + "-"
							+ (this.clusterPort + this.nodes)));
			arguments.addAll(this.passed);
			return arguments;
		}

	}

}
