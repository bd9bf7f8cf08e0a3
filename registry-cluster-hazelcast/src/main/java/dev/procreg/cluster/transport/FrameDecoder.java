package dev.procreg.cluster.transport;

import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Cuts the byte stream into frames (a 4-byte length, then that many bytes, passed on without the
 * length), refusing a frame over the limit as soon as its length is read, before any of it is
 * kept: {@link TransportOptions#maxFrameSize()} once the peer is known, and the much smaller
 * {@link Frames#HANDSHAKE_FRAME_LIMIT} before, so that a stranger cannot make a node buffer
 * megabytes by sending a giant first frame.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {

	private final Connection connection;

	private final int handshakeLimit;

	FrameDecoder(int maxFrameSize, Connection connection) {
		super(maxFrameSize + 4, 0, 4, 0, 4, true);
		this.connection = connection;
		this.handshakeLimit = Math.min(maxFrameSize, Frames.HANDSHAKE_FRAME_LIMIT);
	}

	@Override
	protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
		long frame = super.getUnadjustedFrameLength(buf, offset, length, order);
		if (this.connection.peer == null && frame > this.handshakeLimit) {
			throw new TooLongFrameException("a frame of " + frame + " bytes before the handshake, over its limit of "
					+ this.handshakeLimit + " bytes");
		}
		return frame;
	}

}
