package dev.procreg.cluster.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.procreg.cluster.transport.TransportFixture.PATIENCE;
import static dev.procreg.cluster.transport.TransportFixture.connect;
import static dev.procreg.cluster.transport.TransportFixture.options;
import static dev.procreg.cluster.transport.TransportFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * TLS with mutual authentication, with certificates made at test time by the JDK's keytool: a
 * test CA signs the nodes a and b; mallory signs its own certificate (and trusts the CA, so only
 * the other side can refuse it).
 */
class TlsTests {

	private static final char[] PASSWORD = "test-only".toCharArray();

	@TempDir
	static Path dir;

	private static SSLContext nodeA;

	private static SSLContext nodeB;

	private static SSLContext mallory;

	private final TransportFixture nodes = new TransportFixture();

	@BeforeAll
	static void makeCertificates() throws Exception {
		Path issuer = dir.resolve("issuer.p12");
		keytool("-genkeypair", "-alias", "ca", "-dname", "CN=procreg test CA", "-ext", "bc:c", "-keystore", issuer);
		keytool("-genkeypair", "-alias", "a", "-dname", "CN=a", "-signer", "ca", "-keystore", issuer);
		keytool("-genkeypair", "-alias", "b", "-dname", "CN=b", "-signer", "ca", "-keystore", issuer);
		keytool("-genkeypair", "-alias", "mallory", "-dname", "CN=mallory", "-keystore", issuer);
		KeyStore issued = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(issuer)) {
			issued.load(in, PASSWORD);
		}
		Certificate ca = issued.getCertificate("ca");
		nodeA = sslContext(issued, "a", ca);
		nodeB = sslContext(issued, "b", ca);
		mallory = sslContext(issued, "mallory", ca);
	}

	@AfterEach
	void close() {
		this.nodes.close();
	}

	@Test
	void nodesWithCertificatesOfTheClusterCaTalk() {
		RecordingLink aLink = new RecordingLink("a");
		RecordingLink bLink = new RecordingLink("b");
		NodeTransport a = this.nodes.start(aLink, options().withSsl(nodeA));
		NodeTransport b = this.nodes.start(bLink, options().withSsl(nodeB));
		connect(a, b);
		assertThat(a.send(b.node(), send(b, "secret"))).isTrue();
		assertThat(b.send(a.node(), send(a, "reply"))).isTrue();
		await().atMost(PATIENCE).until(() -> bLink.received.size() == 1 && aLink.received.size() == 1);
		assertThat(bLink.messages()).containsExactly("secret");
		assertThat(a.connections()).singleElement().satisfies((stats) -> assertThat(stats.tls()).isTrue());
	}

	@Test
	void aNodeWithAnUntrustedCertificateIsRefusedEitherWay() {
		RecordingLink aLink = new RecordingLink("a");
		RecordingLink malloryLink = new RecordingLink("mallory");
		NodeTransport a = this.nodes.start(aLink, options().withSsl(nodeA));
		NodeTransport intruder = this.nodes.start(malloryLink, options().withSsl(mallory));
		try (LogCapture log = new LogCapture(Connection.class)) {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> intruder.connect(a.node(), a.boundAddress()).get(30, TimeUnit.SECONDS))
				.withMessageContaining("closed during the handshake");
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> a.connect(intruder.node(), intruder.boundAddress()).get(30, TimeUnit.SECONDS));
			await().atMost(PATIENCE)
				.until(() -> log.messages().stream().filter((line) -> line.contains("TLS handshake failed")).count() >= 2);
		}
		await().atMost(PATIENCE).until(() -> a.connections().isEmpty() && intruder.connections().isEmpty());
		assertThat(aLink.ups).isEmpty();
		assertThat(malloryLink.ups).isEmpty();
	}

	@Test
	void aPlaintextNodeCannotJoinATlsCluster() {
		RecordingLink aLink = new RecordingLink("a");
		NodeTransport a = this.nodes.start(aLink, options().withSsl(nodeA));
		NodeTransport plain = this.nodes.start(new RecordingLink("plain"));
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> plain.connect(a.node(), a.boundAddress()).get(30, TimeUnit.SECONDS));
		assertThat(aLink.ups).isEmpty();
	}

	private static SSLContext sslContext(KeyStore issued, String alias, Certificate ca) throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		store.setKeyEntry("node", (PrivateKey) issued.getKey(alias, PASSWORD), PASSWORD,
				issued.getCertificateChain(alias));
		store.setCertificateEntry("ca", ca);
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(store, PASSWORD);
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		trust.setCertificateEntry("ca", ca);
		TrustManagerFactory trusted = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trusted.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys.getKeyManagers(), trusted.getTrustManagers(), null);
		return context;
	}

	private static void keytool(Object... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		for (Object argument : arguments) {
			command.add(argument.toString());
		}
		command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-storetype", "PKCS12",
				"-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException("keytool failed: " + command + "\n" + output);
		}
	}

}
