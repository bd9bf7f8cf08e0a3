package dev.procreg.cluster.transport;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import dev.procreg.process.NodeId;

/**
 * The wire format. Every frame is a 4-byte length, then that many bytes: a type byte and its
 * payload. The dialer opens with {@link #HELLO}; the acceptor answers {@link #WELCOME} or
 * {@link #REFUSE} and closes; only then do {@link #SIGNAL} frames flow, both ways.
 */
final class Frames {

	/** "PREG": what a procreg transport says first, so a stranger on the port is told apart. */
	static final int MAGIC = 0x50524547;

	/** The version of this format; peers speaking another are refused. */
	static final int PROTOCOL_VERSION = 2;

	static final byte HELLO = 1;

	static final byte WELCOME = 2;

	static final byte REFUSE = 3;

	static final byte SIGNAL = 16;

	static final byte PING = 32;

	static final byte PONG = 33;

	/** A refusal the dialer should report: the two nodes do not belong together. */
	static final byte REFUSED_MISMATCH = 0;

	/** A refusal that is no failure: the two nodes keep another connection. */
	static final byte REFUSED_DUPLICATE = 1;

	/** Length and type. */
	static final int HEADER = 5;

	/**
	 * The largest frame taken before the peer is known (a handshake, a refusal: at most about
	 * 2 KiB), whatever the configured frame limit.
	 */
	static final int HANDSHAKE_FRAME_LIMIT = 4096;

	private static final int MAX_TEXT = 1024;

	private Frames() {
	}

	/**
	 * The handshake as read: what a node says about itself.
	 * @param magic must be {@link #MAGIC}
	 * @param version the protocol version
	 * @param clusterName the cluster's name
	 * @param node the node
	 */
	record Hello(int magic, int version, String clusterName, NodeId node) {

		ByteBuf frame(byte type) {
			ByteBuf buf = Unpooled.buffer(64);
			buf.writeInt(0).writeByte(type).writeInt(this.magic).writeInt(this.version);
			writeText(buf, this.clusterName);
			writeText(buf, this.node.name());
			buf.writeLong(this.node.incarnation());
			return sealed(buf);
		}

		/**
		 * @param expectedCluster this node's cluster name
		 * @param self this node
		 * @return what differs, or null when the peer fits
		 */
		@Nullable String mismatch(String expectedCluster, NodeId self) {
			if (this.magic != MAGIC) {
				return "not a procreg transport (no handshake)";
			}
			if (this.version != PROTOCOL_VERSION) {
				return "protocol version " + this.version + " differs from this node's " + PROTOCOL_VERSION;
			}
			if (!this.clusterName.equals(expectedCluster)) {
				return "cluster name '" + this.clusterName + "' differs from this node's '" + expectedCluster + "'";
			}
			if (this.node.name().equals(self.name())) {
				return "node name '" + this.node.name() + "' is this node's own: node names must be unique";
			}
			return null;
		}

		static Hello read(ByteBuf payload) {
			int magic = payload.readInt();
			if (magic != MAGIC) {
				return new Hello(magic, 0, "?", new NodeId("?", 0));
			}
			int version = payload.readInt();
			if (version != PROTOCOL_VERSION) {
				return new Hello(magic, version, "?", new NodeId("?", 0));
			}
			String cluster = readText(payload);
			String name = readText(payload);
			long incarnation = payload.readLong();
			return new Hello(magic, version, cluster, new NodeId(name, incarnation));
		}

	}

	static ByteBuf refuse(byte code, String reason) {
		ByteBuf buf = Unpooled.buffer(16 + reason.length());
		buf.writeInt(0).writeByte(REFUSE).writeByte(code);
		writeText(buf, reason);
		return sealed(buf);
	}

	static ByteBuf ping(byte type, long stamp) {
		return Unpooled.buffer(HEADER + 8).writeInt(1 + 8).writeByte(type).writeLong(stamp);
	}

	/** Sets the length of a frame written from index 0, its length field first. */
	static ByteBuf sealed(ByteBuf frame) {
		return frame.setInt(0, frame.readableBytes() - 4);
	}

	static void writeText(ByteBuf buf, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		if (bytes.length > MAX_TEXT) {
			throw new IllegalArgumentException("text of the handshake over " + MAX_TEXT + " bytes");
		}
		buf.writeShort(bytes.length).writeBytes(bytes);
	}

	static String readText(ByteBuf buf) {
		int length = buf.readUnsignedShort();
		if (length > MAX_TEXT) {
			throw new IllegalArgumentException("text of the handshake over " + MAX_TEXT + " bytes");
		}
		return buf.readCharSequence(length, StandardCharsets.UTF_8).toString();
	}

}
