package dev.procreg.cluster.transport;

import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

import dev.procreg.cluster.codec.JdkSerializationCodec;

/**
 * How a {@link NodeTransport} listens, frames, paces and secures its connections. Start from
 * {@link #defaults(String)} and change what differs; every value is checked when the options are
 * made, and a bad one is refused with an {@link IllegalArgumentException} naming it.
 *
 * <pre>{@code
 * TransportOptions options = TransportOptions.defaults("donations")
 *     .withBind("10.0.0.5", 7800)
 *     .withAllowedPackages(List.of("com.example.donations"))
 *     .withSsl(sslBundle.createSslContext());
 * }</pre>
 *
 * @param clusterName the cluster's name; a peer with another one is refused at the handshake
 * @param bindHost the address the transport listens on ({@code 127.0.0.1} by default: plaintext
 * stays on loopback unless told otherwise)
 * @param bindPort the port it listens on, {@code 0} for any free port
 * ({@link NodeTransport#boundAddress()} tells which)
 * @param maxFrameSize the largest frame, in bytes, either way: a signal that encodes larger is
 * refused to its sender, a larger frame received closes the connection (8 MiB by default)
 * @param connectTimeout how long dialing and the handshake may take
 * @param writeBufferLowWaterMark the queued bytes under which a congested connection takes
 * sends again
 * @param writeBufferHighWaterMark the queued bytes at which senders to a node block
 * @param pingInterval how often each connection measures its round trip; {@link Duration#ZERO}
 * measures only on demand
 * @param allowedPackages the packages (with their subpackages) whose classes signals may carry,
 * on top of those the protocol needs; used by the default codec
 * @param sslContext TLS with mutual authentication when set: this node's key and certificate,
 * and the trust that authenticates the peers (what a Spring {@code SslBundle} creates);
 * plaintext when null
 */
public record TransportOptions(String clusterName, String bindHost, int bindPort, int maxFrameSize,
		Duration connectTimeout, int writeBufferLowWaterMark, int writeBufferHighWaterMark, Duration pingInterval,
		List<String> allowedPackages, @Nullable SSLContext sslContext) {

	/** The smallest frame limit accepted: room for a handshake and a small signal. */
	public static final int MIN_FRAME_SIZE = 1024;

	/** The largest frame limit accepted. */
	public static final int MAX_FRAME_SIZE = 512 * 1024 * 1024;

	public TransportOptions {
		if (clusterName == null || clusterName.isBlank()) {
			throw new IllegalArgumentException("clusterName must not be null or blank");
		}
		if (clusterName.length() > 200) {
			throw new IllegalArgumentException("clusterName must be at most 200 characters: '" + clusterName + "'");
		}
		if (bindHost == null || bindHost.isBlank()) {
			throw new IllegalArgumentException("bindHost must not be null or blank");
		}
		if (bindPort < 0 || bindPort > 65535) {
			throw new IllegalArgumentException("bindPort must be within 0 (any) and 65535: " + bindPort);
		}
		if (maxFrameSize < MIN_FRAME_SIZE || maxFrameSize > MAX_FRAME_SIZE) {
			throw new IllegalArgumentException("maxFrameSize must be within " + MIN_FRAME_SIZE + " and "
					+ MAX_FRAME_SIZE + " bytes: " + maxFrameSize);
		}
		if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()
				|| connectTimeout.compareTo(Duration.ofHours(1)) > 0) {
			throw new IllegalArgumentException(
					"connectTimeout must be positive and at most an hour: " + connectTimeout);
		}
		if (writeBufferLowWaterMark <= 0) {
			throw new IllegalArgumentException("writeBufferLowWaterMark must be positive: " + writeBufferLowWaterMark);
		}
		if (writeBufferHighWaterMark < writeBufferLowWaterMark) {
			throw new IllegalArgumentException("writeBufferHighWaterMark (" + writeBufferHighWaterMark
					+ ") must not be below writeBufferLowWaterMark (" + writeBufferLowWaterMark + ")");
		}
		if (pingInterval == null || pingInterval.isNegative()
				|| (!pingInterval.isZero() && pingInterval.compareTo(Duration.ofMillis(10)) < 0)) {
			throw new IllegalArgumentException(
					"pingInterval must be zero (on demand only) or at least 10 ms: " + pingInterval);
		}
		allowedPackages = JdkSerializationCodec.checkedPackages(allowedPackages);
	}

	/**
	 * Options for a cluster: loopback, any port, 8 MiB frames, 5 s to connect, water marks of
	 * 256 KiB and 1 MiB, a ping every second, no application package allowed, plaintext.
	 * @param clusterName the cluster's name
	 * @return the options
	 */
	public static TransportOptions defaults(String clusterName) {
		return new TransportOptions(clusterName, "127.0.0.1", 0, 8 * 1024 * 1024, Duration.ofSeconds(5), 256 * 1024,
				1024 * 1024, Duration.ofSeconds(1), List.of(), null);
	}

	/**
	 * @param host the address to listen on
	 * @param port the port, 0 for any
	 * @return these options, listening there
	 */
	public TransportOptions withBind(String host, int port) {
		return new TransportOptions(this.clusterName, host, port, this.maxFrameSize, this.connectTimeout,
				this.writeBufferLowWaterMark, this.writeBufferHighWaterMark, this.pingInterval, this.allowedPackages,
				this.sslContext);
	}

	/**
	 * @param bytes the largest frame either way
	 * @return these options, with that limit
	 */
	public TransportOptions withMaxFrameSize(int bytes) {
		return new TransportOptions(this.clusterName, this.bindHost, this.bindPort, bytes, this.connectTimeout,
				this.writeBufferLowWaterMark, this.writeBufferHighWaterMark, this.pingInterval, this.allowedPackages,
				this.sslContext);
	}

	/**
	 * @param timeout how long dialing and the handshake may take
	 * @return these options, with that timeout
	 */
	public TransportOptions withConnectTimeout(Duration timeout) {
		return new TransportOptions(this.clusterName, this.bindHost, this.bindPort, this.maxFrameSize, timeout,
				this.writeBufferLowWaterMark, this.writeBufferHighWaterMark, this.pingInterval, this.allowedPackages,
				this.sslContext);
	}

	/**
	 * @param low the queued bytes under which a congested connection takes sends again
	 * @param high the queued bytes at which senders block
	 * @return these options, with those water marks
	 */
	public TransportOptions withWriteBufferWaterMarks(int low, int high) {
		return new TransportOptions(this.clusterName, this.bindHost, this.bindPort, this.maxFrameSize,
				this.connectTimeout, low, high, this.pingInterval, this.allowedPackages, this.sslContext);
	}

	/**
	 * @param interval how often to measure round trips, zero for on demand only
	 * @return these options, with that interval
	 */
	public TransportOptions withPingInterval(Duration interval) {
		return new TransportOptions(this.clusterName, this.bindHost, this.bindPort, this.maxFrameSize,
				this.connectTimeout, this.writeBufferLowWaterMark, this.writeBufferHighWaterMark, interval,
				this.allowedPackages, this.sslContext);
	}

	/**
	 * @param packages the application's packages whose classes signals may carry
	 * @return these options, with that allow-list
	 */
	public TransportOptions withAllowedPackages(List<String> packages) {
		return new TransportOptions(this.clusterName, this.bindHost, this.bindPort, this.maxFrameSize,
				this.connectTimeout, this.writeBufferLowWaterMark, this.writeBufferHighWaterMark, this.pingInterval,
				packages, this.sslContext);
	}

	/**
	 * @param context this node's key and certificate and the trust for its peers, or null for
	 * plaintext
	 * @return these options, with TLS and mutual authentication
	 */
	public TransportOptions withSsl(@Nullable SSLContext context) {
		return new TransportOptions(this.clusterName, this.bindHost, this.bindPort, this.maxFrameSize,
				this.connectTimeout, this.writeBufferLowWaterMark, this.writeBufferHighWaterMark, this.pingInterval,
				this.allowedPackages, context);
	}

	@Override
	public String toString() {
		return "TransportOptions[clusterName=" + this.clusterName + ", bind=" + this.bindHost + ":" + this.bindPort
				+ ", maxFrameSize=" + this.maxFrameSize + ", connectTimeout=" + this.connectTimeout
				+ ", waterMarks=" + this.writeBufferLowWaterMark + "/" + this.writeBufferHighWaterMark
				+ ", pingInterval=" + this.pingInterval + ", allowedPackages=" + this.allowedPackages + ", tls="
				+ (this.sslContext != null) + "]";
	}

}
