package dev.procreg.cluster.transport;

import java.util.List;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * A plaintext NIO socket channel whose JDK socket a {@link Connection} may write a frame to from
 * the sending thread, when nothing else is queued for it, instead of handing the frame to the
 * event loop (which costs a wake-up of the loop per send). A non-blocking JDK socket channel's
 * write is never interruptible: a sender's interrupt cannot close it, and it is safe against a
 * concurrent close by the event loop.
 */
final class DirectSocketChannel extends NioSocketChannel {

	DirectSocketChannel() {
	}

	DirectSocketChannel(Channel parent, java.nio.channels.SocketChannel socket) {
		super(parent, socket);
	}

	/** @return the JDK socket, in non-blocking mode */
	java.nio.channels.SocketChannel socket() {
		return javaChannel();
	}

	/** The listening side: accepts into {@link DirectSocketChannel}s. */
	static final class Server extends NioServerSocketChannel {

		@Override
		protected int doReadMessages(List<Object> accepted) throws Exception {
			java.nio.channels.SocketChannel socket = javaChannel().accept();
			if (socket == null) {
				return 0;
			}
			try {
				accepted.add(new DirectSocketChannel(this, socket));
				return 1;
			}
			catch (RuntimeException ex) {
				socket.close();
				throw ex;
			}
		}

	}

}
