package dev.procreg.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The demo in a child JVM of its own, started from the application's runtime classpath (written by
 * the build to {@code target/app.classpath}, system property {@code demo.app.classpath}) and
 * {@code target/classes} ({@code demo.app.classes}), so that a test can pull the plug:
 * {@link #kill()} sends SIGKILL ({@link Process#destroyForcibly()} on Linux), the JVM gets no
 * chance to flush or close anything.
 */
final class DemoProcess implements AutoCloseable {

	/** The exit status of a process killed by SIGKILL (128 + 9). */
	static final int SIGKILL_STATUS = 137;

	private final Process process;

	private final int port;

	private final Path log;

	private DemoProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Starts the demo and waits until its health answers UP.
	 * @param datasourceUrl where it stores donations
	 * @param log where its output goes (appended)
	 * @param arguments more application arguments ({@code --name=value})
	 * @return the running demo
	 */
	static DemoProcess start(String datasourceUrl, Path log, List<String> arguments) {
		return start(freePort(), datasourceUrl, log, arguments);
	}

	/**
	 * Starts the demo on a given port (to restart it where its clients expect it) and waits until
	 * its health answers UP.
	 * @param port the port
	 * @param datasourceUrl where it stores donations
	 * @param log where its output goes (appended)
	 * @param arguments more application arguments ({@code --name=value})
	 * @return the running demo
	 */
	static DemoProcess start(int port, String datasourceUrl, Path log, List<String> arguments) {
		return start(port, datasourceUrl, Map.of(), log, arguments);
	}

	/**
	 * Starts the demo with more environment variables, such as the datasource's user and
	 * password, and waits until its health answers UP.
	 * @param port the port
	 * @param datasourceUrl where it stores donations
	 * @param environment variables added to this JVM's environment
	 * @param log where its output goes (appended)
	 * @param arguments more application arguments ({@code --name=value})
	 * @return the running demo
	 */
	static DemoProcess start(int port, String datasourceUrl, Map<String, String> environment, Path log,
			List<String> arguments) {
		List<String> command = new ArrayList<>();
		command.add(javaExecutable());
		command.add("-Xmx256m");
		command.add("-XX:+UseSerialGC");
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-cp");
		command.add(classpath());
		command.add(DonationDemoApplication.class.getName());
		command.add("--server.port=" + port);
		command.add("--spring.datasource.url=" + datasourceUrl);
		command.add("--spring.main.banner-mode=off");
		command.addAll(arguments);
		try {
			Files.createDirectories(log.getParent());
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
			builder.environment().putAll(environment);
			Process process = builder.start();
			DemoProcess demo = new DemoProcess(process, port, log);
			demo.awaitUp();
			return demo;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void awaitUp() {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health"))
			.timeout(Duration.ofSeconds(5))
			.build();
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("The demo exited with status " + this.process.exitValue()
						+ " before it was up; see " + this.log);
			}
			try {
				return client.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
			}
			catch (IOException ex) {
				return false;
			}
		});
	}

	/** @return the port it listens on, on 127.0.0.1 */
	int port() {
		return this.port;
	}

	/** @return its operating-system process id */
	long pid() {
		return this.process.pid();
	}

	/** @return the file its output goes to */
	Path log() {
		return this.log;
	}

	/**
	 * Runs a full garbage collection in it ({@code jcmd <pid> GC.run}), so that the heap it
	 * reports afterwards is what is alive.
	 */
	void collectGarbage() {
		Path jcmd = Path.of(javaExecutable()).resolveSibling("jcmd");
		try {
			Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(pid(), 10), "GC.run").redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!gc.waitFor(60, TimeUnit.SECONDS)) {
				gc.destroyForcibly();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** @return the process, to wait for its exit */
	Process process() {
		return this.process;
	}

	/**
	 * Pulls the plug: SIGKILL, then waits for the exit.
	 * @return the exit status, {@value #SIGKILL_STATUS} when SIGKILL killed it
	 */
	int kill() {
		this.process.destroyForcibly();
		try {
			return this.process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Stops it with SIGTERM (a graceful shutdown), SIGKILL after 30 seconds. */
	@Override
	public void close() {
		if (!this.process.isAlive()) {
			return;
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				kill();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kill();
		}
	}

	/** @return the java launcher of this JVM (the build's toolchain JDK) */
	static String javaExecutable() {
		return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	static String classpath() {
		String file = System.getProperty("demo.app.classpath", "target/app.classpath");
		String classes = System.getProperty("demo.app.classes", "target/classes");
		try {
			return Path.of(classes).toAbsolutePath() + java.io.File.pathSeparator
					+ Files.readString(Path.of(file)).strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The application's classpath is written to " + file
					+ " by the build (mvn generate-test-resources)", ex);
		}
	}

	/**
	 * A port free now, below the ephemeral ports (from 32768 on Linux, 49152 on macOS and
	 * Windows): the child binds it seconds later, and a port that {@code new ServerSocket(0)}
	 * found free may meanwhile be given to an outgoing connection, or to the test's own health
	 * probe of that very port (a TCP self-connect), and the child could not start.
	 */
	static int freePort() {
		for (int attempt = 0; attempt < 1000; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(20000, 32768);
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress("127.0.0.1", port));
				return port;
			}
			catch (IOException ex) {
				// taken: another one
			}
		}
		throw new IllegalStateException("no free port between 20000 and 32768");
	}

	/**
	 * @param directory where the H2 file goes
	 * @param settings H2 settings to append, such as {@code ;WRITE_DELAY=2000}
	 * @return the datasource URL of an H2 file in the directory
	 */
	static String h2Url(Path directory, String settings) {
		return "jdbc:h2:" + directory.resolve("donations").toAbsolutePath() + settings;
	}

}
