package dev.procreg.boot.autoconfigure;

import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

import dev.procreg.cluster.ClusterOptions;
import dev.procreg.cluster.transport.TransportOptions;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for the cluster the runtime joins when
 * {@code registry-cluster-hazelcast} is on the classpath and {@code enabled} is true. Every value
 * is checked when the properties are bound: a bad one fails the startup with a message naming
 * it.
 *
 * <pre>
 * process-registry.node=node1
 * process-registry.cluster.enabled=true
 * process-registry.cluster.members=127.0.0.1:5701-5703
 * process-registry.cluster.codec.allowed-packages=com.example.messages
 * process-registry.registries.sessions.cluster=true
 * </pre>
 *
 * @param enabled Whether the runtime joins a cluster
 * @param name The cluster's name, the same on every member; members of another cluster are
 * neither joined nor connected to
 * @param members Where other members may be found: host, host:port or host:port-port (a range),
 * this node's own address among them; empty means this node's own Hazelcast port only
 * @param bindAddress The IP address Hazelcast binds to and advertises; 0.0.0.0 binds every
 * interface. Hazelcast's traffic is plaintext, so it stays on loopback unless told otherwise
 * @param port The first port Hazelcast tries
 * @param portCount How many ports from port Hazelcast may try (1: exactly port)
 * @param transport The connections between nodes that carry messages and signals
 * @param failureDetection How a hung member is detected
 * @param codec Which classes messages from other nodes may carry
 */
@ConfigurationProperties("process-registry.cluster")
public record ProcessClusterProperties(@DefaultValue("false") boolean enabled, @DefaultValue("procreg") String name,
		@Nullable List<String> members, @DefaultValue("127.0.0.1") String bindAddress, @DefaultValue("5701") int port,
		@DefaultValue("3") int portCount, @DefaultValue Transport transport,
		@DefaultValue FailureDetection failureDetection, @DefaultValue Codec codec) {

	public ProcessClusterProperties {
		members = (members != null) ? List.copyOf(members) : List.of();
		// the options check every value and name the bad one; a startup fails here, not later
		options(name, members, bindAddress, port, portCount, transport, failureDetection, codec, null);
	}

	/**
	 * The options these properties stand for.
	 * @param sslContext the context of the SSL bundle named by {@code transport.ssl.bundle}, or
	 * null for plaintext
	 * @return the options
	 */
	ClusterOptions toOptions(@Nullable SSLContext sslContext) {
		return options(this.name, this.members, this.bindAddress, this.port, this.portCount, this.transport,
				this.failureDetection, this.codec, sslContext);
	}

	private static ClusterOptions options(String name, List<String> members, String bindAddress, int port,
			int portCount, Transport transport, FailureDetection failureDetection, Codec codec,
			@Nullable SSLContext sslContext) {
		long frameSize = transport.maxFrameSize().toBytes();
		if (frameSize > TransportOptions.MAX_FRAME_SIZE) {
			throw new IllegalArgumentException("transport.max-frame-size must be at most "
					+ DataSize.ofBytes(TransportOptions.MAX_FRAME_SIZE).toMegabytes() + "MB, got "
					+ transport.maxFrameSize());
		}
		TransportOptions transportOptions = TransportOptions.defaults(name)
			.withBind(transport.bindAddress(), transport.port())
			.withMaxFrameSize((int) frameSize)
			.withAllowedPackages(codec.allowedPackages())
			.withSsl(sslContext);
		return ClusterOptions.defaults(name)
			.withBindAddress(bindAddress)
			.withPort(port, portCount)
			.withMembers(members)
			.withHeartbeat(failureDetection.heartbeat(), failureDetection.maxNoHeartbeat())
			.withTransport(transportOptions);
	}

	/**
	 * The connections between nodes (Netty), one per pair of nodes.
	 *
	 * @param bindAddress The address the transport listens on; other nodes dial the address
	 * Hazelcast advertises when this one is the wildcard 0.0.0.0
	 * @param port The port the transport listens on, 0 for any free port (the members tell each
	 * other which)
	 * @param maxFrameSize The largest encoded message or signal either way: a larger one is
	 * refused to its sender, a larger frame received closes the connection
	 * @param ssl TLS with mutual authentication between nodes
	 */
	public record Transport(@DefaultValue("127.0.0.1") String bindAddress, @DefaultValue("0") int port,
			@DefaultValue("8MB") DataSize maxFrameSize, @DefaultValue Ssl ssl) {

	}

	/**
	 * TLS between nodes.
	 *
	 * @param bundle The name of a spring.ssl bundle holding this node's key and certificate
	 * and the trust that authenticates the other nodes; plaintext when not set
	 */
	public record Ssl(@Nullable String bundle) {

	}

	/**
	 * How a member that stops answering (hung, or cut off by the network) is detected; one that
	 * crashes is seen at once.
	 *
	 * @param heartbeat How often members send heartbeats (whole seconds)
	 * @param maxNoHeartbeat How long without a heartbeat before a member is removed, its
	 * processes seen down and its names freed (whole seconds, longer than heartbeat; below 10s
	 * busy machines risk false suspicions)
	 */
	public record FailureDetection(@DefaultValue("1s") Duration heartbeat,
			@DefaultValue("10s") Duration maxNoHeartbeat) {

	}

	/**
	 * The codec of messages between nodes: JDK serialization reading back only allowed classes.
	 *
	 * @param allowedPackages The application's packages (with their subpackages) whose classes
	 * messages to other nodes may carry, on top of java.lang, java.util, java.time, java.math
	 * and procreg's own; a message carrying another class is dropped and counted
	 */
	public record Codec(@Nullable List<String> allowedPackages) {

		public Codec {
			allowedPackages = (allowedPackages != null) ? List.copyOf(allowedPackages) : List.of();
		}

	}

}
