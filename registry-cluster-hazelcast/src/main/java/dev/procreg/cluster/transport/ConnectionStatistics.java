package dev.procreg.cluster.transport;

import java.net.SocketAddress;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.NodeId;

/**
 * One connection as operators see it, at the moment {@link NodeTransport#connections()} was
 * read: counters are exact per counter, not a consistent cut across them.
 *
 * @param peer the node at the other end, null while the handshake has not named it
 * @param remoteAddress the other end's address
 * @param state where the connection stands
 * @param dialed whether this node dialed it (else the peer did)
 * @param tls whether it is encrypted and both ends authenticated
 * @param signalsSent signals handed to this connection by senders
 * @param bytesSent their bytes, with framing
 * @param signalsReceived signals read and handed to the runtime
 * @param bytesReceived bytes of signal frames read, with framing
 * @param signalsDropped signal frames read but not decodable (refused classes among them)
 * @param bytesQueued bytes waiting to go out, in the transport's queue and the socket's buffer
 * @param roundTrip the latest round trip of a ping, null before the first pong
 */
public record ConnectionStatistics(@Nullable NodeId peer, @Nullable SocketAddress remoteAddress, ConnectionState state,
		boolean dialed, boolean tls, long signalsSent, long bytesSent, long signalsReceived, long bytesReceived,
		long signalsDropped, long bytesQueued, @Nullable Duration roundTrip) {
}
