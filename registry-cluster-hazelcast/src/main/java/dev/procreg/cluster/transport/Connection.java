package dev.procreg.cluster.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.cluster.codec.RejectedClassException;
import dev.procreg.process.NodeId;
import dev.procreg.process.Signal;

/**
 * One connection to a peer node, and the last handler of its pipeline. Its inbound side runs on
 * the channel's event loop. Its outbound side: once the connection is up, on a plaintext
 * {@link DirectSocketChannel}, a sender writes its frame to the socket itself when nothing else
 * waits to be written (no hand-off to the event loop); otherwise the frame joins a queue many
 * sending threads fill and the event loop drains, writing all that is queued and flushing once
 * per turn. A direct write and the event loop's writes into Netty's outbound buffer happen under
 * one lock, and a direct write is made only when the queue and Netty's buffer are both empty, so
 * the frames of a connection reach the socket in the order they were sent, whole.
 */
final class Connection extends ChannelInboundHandlerAdapter {

	private static final Logger logger = LoggerFactory.getLogger(Connection.class);

	/** Flush within a turn once this much is written unflushed. */
	private static final int FLUSH_BYTES = 64 * 1024;

	/** Frames one drain writes before it lets the event loop serve other channels. */
	private static final int FRAMES_PER_TURN = 4096;

	private final NodeTransport transport;

	/** Whether this node dialed; the peer it expected then, and who waits for it. */
	final boolean dialed;

	final @Nullable NodeId expected;

	final @Nullable CompletableFuture<NodeId> dialFuture;

	private volatile @Nullable ChannelHandlerContext ctx;

	volatile ConnectionState state = ConnectionState.HANDSHAKING;

	volatile @Nullable NodeId peer;

	/** Set once UP; nodeDown is owed for it. Guarded by the transport's lock. */
	boolean wasUp;

	/** Closed by the transport itself in favour of another connection: no failure to report. */
	volatile boolean abandoned;

	/** Accepted by the handshake, waiting for the node's previous connection to be reported down. */
	private boolean held;

	private final List<ByteBuf> heldFrames = new ArrayList<>();

	private final AtomicBoolean downReported = new AtomicBoolean();

	/** Why the connection failed, when it did, for the dialer's exception. */
	volatile @Nullable String failure;

	/** Completes once the connection is closed and, if it was up, its nodeDown was called. */
	final CompletableFuture<Void> gone = new CompletableFuture<>();

	private final Queue<ByteBuf> outbound = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	/**
	 * Once direct writes are on: held by a sender for its direct write, and by the event loop while
	 * it adds to Netty's outbound buffer and flushes.
	 */
	private final ReentrantLock writeLock = new ReentrantLock();

	/** The socket a sender may write to itself: set once up (and welcomed), plaintext only. */
	private volatile java.nio.channels.@Nullable SocketChannel direct;

	/**
	 * The rest of a frame a direct write could not finish (the socket's buffer was full): the
	 * event loop writes it before anything else. Guarded by writeLock; counted in queuedBytes.
	 */
	private @Nullable ByteBuf head;

	private final ReentrantLock writableLock = new ReentrantLock();

	private final Condition writableAgain = this.writableLock.newCondition();

	private final AtomicInteger waitingSenders = new AtomicInteger();

	private final LongAdder signalsSent = new LongAdder();

	private final LongAdder bytesSent = new LongAdder();

	private final LongAdder signalsReceived = new LongAdder();

	private final LongAdder bytesReceived = new LongAdder();

	private final LongAdder signalsDropped = new LongAdder();

	private volatile long roundTripNanos = -1;

	/** On-demand pings by their stamp; event loop only. */
	private final Map<Long, CompletableFuture<Duration>> pings = new HashMap<>();

	private @Nullable ScheduledFuture<?> handshakeTimeout;

	private @Nullable ScheduledFuture<?> pinger;

	Connection(NodeTransport transport, @Nullable NodeId expected, @Nullable CompletableFuture<NodeId> dialFuture) {
		this.transport = transport;
		this.dialed = expected != null;
		this.expected = expected;
		this.dialFuture = dialFuture;
	}

	Channel channel() {
		ChannelHandlerContext context = this.ctx;
		if (context == null) {
			throw new IllegalStateException("connection not registered yet");
		}
		return context.channel();
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.ctx = ctx;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		this.transport.opened(this);
		long timeout = this.transport.options().connectTimeout().toNanos();
		this.handshakeTimeout = ctx.executor().schedule(() -> {
			if (this.state == ConnectionState.HANDSHAKING && !this.held) {
				logger.warn("Closing the connection with {}: no handshake within {}", describe(),
						this.transport.options().connectTimeout());
				ctx.close();
			}
		}, timeout, TimeUnit.NANOSECONDS);
		if (this.dialed) {
			ctx.writeAndFlush(this.transport.hello().frame(Frames.HELLO), ctx.voidPromise());
		}
		ctx.fireChannelActive();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf frame = (ByteBuf) msg;
		boolean release = true;
		try {
			if (!frame.isReadable()) {
				protocolError(ctx, "an empty frame");
				return;
			}
			int size = frame.readableBytes();
			byte type = frame.readByte();
			switch (type) {
				case Frames.SIGNAL -> {
					if (this.held) {
						this.heldFrames.add(frame);
						release = false;
					}
					else if (this.state == ConnectionState.UP) {
						deliver(frame, size);
					}
					else if (this.state == ConnectionState.HANDSHAKING) {
						protocolError(ctx, "a signal before the handshake");
					}
				}
				case Frames.HELLO -> {
					if (this.dialed || this.state != ConnectionState.HANDSHAKING || this.peer != null) {
						protocolError(ctx, "an unexpected handshake");
						return;
					}
					this.transport.hello(this, Frames.Hello.read(frame));
				}
				case Frames.WELCOME -> {
					if (!this.dialed || this.state != ConnectionState.HANDSHAKING || this.peer != null) {
						protocolError(ctx, "an unexpected welcome");
						return;
					}
					this.transport.welcome(this, Frames.Hello.read(frame));
				}
				case Frames.REFUSE -> {
					byte code = frame.readByte();
					String reason = Frames.readText(frame);
					this.transport.refused(this, code == Frames.REFUSED_DUPLICATE, reason);
					ctx.close();
				}
				case Frames.PING -> writeControl(ctx, Frames.ping(Frames.PONG, frame.readLong()));
				case Frames.PONG -> pong(frame.readLong());
				default -> protocolError(ctx, "a frame of unknown type " + type);
			}
		}
		catch (IndexOutOfBoundsException | IllegalArgumentException ex) {
			protocolError(ctx, "a malformed frame (" + ex.getMessage() + ")");
		}
		finally {
			if (release) {
				frame.release();
			}
		}
	}

	private void deliver(ByteBuf frame, int size) {
		NodeId from = this.peer;
		Signal signal;
		try (ByteBufInputStream in = new ByteBufInputStream(frame)) {
			signal = this.transport.codec().decode(in);
		}
		catch (RejectedClassException ex) {
			this.signalsDropped.increment();
			return;
		}
		catch (IOException | RuntimeException ex) {
			this.signalsDropped.increment();
			logger.warn("Dropped an undecodable signal from {}: {}", describe(), ex.toString());
			return;
		}
		this.signalsReceived.increment();
		this.bytesReceived.add(size + 4L);
		try {
			this.transport.link().receive(from, signal);
		}
		catch (RuntimeException ex) {
			logger.error("The runtime failed to take a {} from {}", signal.getClass().getSimpleName(), from, ex);
		}
	}

	/** The handshake accepted the peer but its node's previous connection is still going down. */
	void hold() {
		this.held = true;
		channel().config().setAutoRead(false);
	}

	/** Up: called on the event loop, once the transport has made this the node's connection. */
	void activated(boolean sendWelcome) {
		ChannelHandlerContext context = this.ctx;
		if (context == null) {
			return;
		}
		if (this.handshakeTimeout != null) {
			this.handshakeTimeout.cancel(false);
		}
		if (sendWelcome) {
			context.writeAndFlush(this.transport.hello().frame(Frames.WELCOME), context.voidPromise());
		}
		Duration interval = this.transport.options().pingInterval();
		if (!interval.isZero()) {
			long nanos = interval.toNanos();
			this.pinger = context.executor().scheduleAtFixedRate(this::ping, nanos, nanos, TimeUnit.NANOSECONDS);
		}
		if (this.held) {
			this.held = false;
			for (ByteBuf frame : this.heldFrames) {
				try {
					deliver(frame, frame.readableBytes() + 1);
				}
				finally {
					frame.release();
				}
			}
			this.heldFrames.clear();
			context.channel().config().setAutoRead(true);
		}
		if (context.channel() instanceof DirectSocketChannel channel && context.pipeline().get(SslHandler.class) == null) {
			// after the welcome: a peer must not read a signal before it
			this.direct = channel.socket();
		}
	}

	/**
	 * Refuses the peer: tells it why and closes.
	 * @param code {@link Frames#REFUSED_MISMATCH} or {@link Frames#REFUSED_DUPLICATE}
	 * @param reason why
	 */
	void refuse(byte code, String reason) {
		ChannelHandlerContext context = this.ctx;
		if (context != null) {
			context.writeAndFlush(Frames.refuse(code, reason)).addListener(ChannelFutureListener.CLOSE);
		}
	}

	void close() {
		ChannelHandlerContext context = this.ctx;
		if (context != null) {
			context.channel().close();
		}
	}

	private void protocolError(ChannelHandlerContext ctx, String what) {
		this.failure = "protocol error, " + what;
		logger.warn("Closing the connection with {}: protocol error, {}", describe(), what);
		ctx.close();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		Throwable root = (cause instanceof DecoderException && cause.getCause() != null) ? cause.getCause() : cause;
		if (this.failure == null) {
			this.failure = root.toString();
		}
		if (root instanceof TooLongFrameException && this.peer == null) {
			logger.warn("Closing the connection with {}: protocol error, {}", describe(), root.getMessage());
		}
		else if (root instanceof TooLongFrameException) {
			logger.warn("Closing the connection with {}: protocol error, a frame over the limit of {} bytes ({})",
					describe(), this.transport.options().maxFrameSize(), root.getMessage());
		}
		else if (root instanceof SSLException) {
			logger.debug("TLS failure on the connection with {}", describe(), root);
		}
		else if (root instanceof IOException) {
			logger.debug("Connection with {} failed: {}", describe(), root.toString());
		}
		else {
			logger.warn("Closing the connection with {} after an error", describe(), root);
		}
		ctx.close();
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
			this.failure = "TLS handshake failed: " + completion.cause().getMessage();
			logger.warn("Refused the connection with {}: the TLS handshake failed ({})", describe(),
					completion.cause().getMessage());
		}
		ctx.fireUserEventTriggered(event);
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (ctx.channel().isWritable()) {
			wakeSenders();
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.state = ConnectionState.CLOSED;
		this.direct = null;
		wakeSenders();
		if (this.handshakeTimeout != null) {
			this.handshakeTimeout.cancel(false);
		}
		if (this.pinger != null) {
			this.pinger.cancel(false);
		}
		IOException closed = new IOException("connection with " + describe() + " closed");
		this.pings.values().forEach((pending) -> pending.completeExceptionally(closed));
		this.pings.clear();
		this.heldFrames.forEach(ByteBuf::release);
		this.heldFrames.clear();
		discardOutbound();
		this.transport.closed(this);
		this.gone.complete(null);
		ctx.fireChannelInactive();
	}

	/**
	 * Reports the node down, once, if this connection was its connection; on the event loop,
	 * after the last signal it delivered.
	 */
	void reportDown() {
		NodeId node = this.peer;
		if (node != null && this.downReported.compareAndSet(false, true)) {
			try {
				this.transport.link().nodeDown(node);
			}
			catch (RuntimeException ex) {
				logger.error("The runtime failed to take node {} down", node, ex);
			}
		}
	}

	// sending side

	/**
	 * Queues a frame once the connection takes more, blocking a sending thread (never an event
	 * loop) while it is congested.
	 * @return false when the connection closed first
	 */
	boolean enqueue(ByteBuf frame) {
		if (!awaitWritable()) {
			return false;
		}
		int size = frame.readableBytes();
		this.signalsSent.increment();
		this.bytesSent.add(size);
		if (!writeDirect(frame)) {
			this.queuedBytes.addAndGet(size);
			this.outbound.offer(frame);
			scheduleDrain();
		}
		return true;
	}

	/**
	 * Writes a frame to the socket from the sending thread, when direct writes are on and nothing
	 * else waits to be written: not in the queue, not in Netty's outbound buffer, and no other
	 * direct write under way. What the socket does not take at once is left to the event loop,
	 * ahead of anything else.
	 * @return whether the frame is taken care of; false when it must be queued (nothing of it written)
	 */
	private boolean writeDirect(ByteBuf frame) {
		java.nio.channels.SocketChannel socket = this.direct;
		if (socket == null || this.queuedBytes.get() != 0 || !this.writeLock.tryLock()) {
			return false;
		}
		try {
			if (this.queuedBytes.get() != 0 || this.state != ConnectionState.UP || !nettyIdle()) {
				return false;
			}
			int size = frame.readableBytes();
			int written;
			try {
				written = socket.write(frame.nioBuffer());
			}
			catch (IOException ex) {
				// nothing of it was written: the queue's path meets the failure and closes the connection
				return false;
			}
			if (written < size) {
				frame.skipBytes(written);
				this.head = frame;
				this.queuedBytes.addAndGet(size - written);
				scheduleDrain();
			}
			else {
				frame.release();
			}
			return true;
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/** @return whether Netty holds nothing to write for this channel (callers hold writeLock) */
	private boolean nettyIdle() {
		ChannelOutboundBuffer buffer = channel().unsafe().outboundBuffer();
		return buffer != null && buffer.totalPendingWriteBytes() == 0;
	}

	/** Writes the rest of an unfinished direct write into Netty's buffer; the event loop holds writeLock. */
	private long writeHead(ChannelHandlerContext context, boolean active) {
		ByteBuf rest = this.head;
		if (rest == null) {
			return 0;
		}
		this.head = null;
		int size = rest.readableBytes();
		this.queuedBytes.addAndGet(-size);
		if (!active) {
			rest.release();
			return 0;
		}
		context.write(rest, context.voidPromise());
		return size;
	}

	/** A frame of the transport's own (ping, pong), written now by the event loop. */
	private void writeControl(ChannelHandlerContext context, ByteBuf frame) {
		if (this.direct == null) {
			context.writeAndFlush(frame, context.voidPromise());
			return;
		}
		this.writeLock.lock();
		try {
			writeHead(context, true);
			context.writeAndFlush(frame, context.voidPromise());
		}
		finally {
			this.writeLock.unlock();
		}
	}

	private boolean writable() {
		ChannelHandlerContext context = this.ctx;
		return context != null && context.channel().isWritable()
				&& this.queuedBytes.get() < this.transport.options().writeBufferHighWaterMark();
	}

	private boolean awaitWritable() {
		if (writable() || this.state != ConnectionState.UP || this.transport.onEventLoop()) {
			return this.state == ConnectionState.UP;
		}
		this.writableLock.lock();
		try {
			this.waitingSenders.incrementAndGet();
			try {
				while (this.state == ConnectionState.UP && !writable()) {
					this.writableAgain.await();
				}
			}
			catch (InterruptedException ex) {
				// the signal still goes, past the water mark: dropping it would break the order
				Thread.currentThread().interrupt();
			}
			finally {
				this.waitingSenders.decrementAndGet();
			}
		}
		finally {
			this.writableLock.unlock();
		}
		return this.state == ConnectionState.UP;
	}

	void wakeSenders() {
		if (this.waitingSenders.get() > 0) {
			this.writableLock.lock();
			try {
				this.writableAgain.signalAll();
			}
			finally {
				this.writableLock.unlock();
			}
		}
	}

	private void scheduleDrain() {
		if (this.drainScheduled.compareAndSet(false, true)) {
			try {
				channel().eventLoop().execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				this.drainScheduled.set(false);
				discardOutbound();
			}
		}
	}

	private void drain() {
		ChannelHandlerContext context = this.ctx;
		if (context == null) {
			return;
		}
		if (this.direct == null) {
			drainLocked(context);
			return;
		}
		this.writeLock.lock();
		try {
			drainLocked(context);
		}
		finally {
			this.writeLock.unlock();
		}
	}

	private void drainLocked(ChannelHandlerContext context) {
		boolean active = context.channel().isActive();
		int frames = 0;
		long unflushed = writeHead(context, active);
		while (true) {
			ByteBuf frame = this.outbound.poll();
			if (frame == null) {
				this.drainScheduled.set(false);
				if (this.outbound.isEmpty() || !this.drainScheduled.compareAndSet(false, true)) {
					break;
				}
				continue;
			}
			int size = frame.readableBytes();
			this.queuedBytes.addAndGet(-size);
			if (!active) {
				frame.release();
				continue;
			}
			context.write(frame, context.voidPromise());
			unflushed += size;
			if (unflushed >= FLUSH_BYTES) {
				context.flush();
				unflushed = 0;
			}
			if (++frames == FRAMES_PER_TURN) {
				context.flush();
				context.executor().execute(this::drain);
				return;
			}
		}
		if (unflushed > 0) {
			context.flush();
		}
		wakeSenders();
	}

	private void discardOutbound() {
		this.writeLock.lock();
		try {
			ByteBuf rest = this.head;
			if (rest != null) {
				this.head = null;
				this.queuedBytes.addAndGet(-rest.readableBytes());
				rest.release();
			}
		}
		finally {
			this.writeLock.unlock();
		}
		ByteBuf frame;
		while ((frame = this.outbound.poll()) != null) {
			this.queuedBytes.addAndGet(-frame.readableBytes());
			frame.release();
		}
	}

	// round trips

	private void ping() {
		ChannelHandlerContext context = this.ctx;
		if (context != null && this.state == ConnectionState.UP) {
			writeControl(context, Frames.ping(Frames.PING, System.nanoTime()));
		}
	}

	CompletableFuture<Duration> measureRoundTrip() {
		CompletableFuture<Duration> result = new CompletableFuture<>();
		ChannelHandlerContext context = this.ctx;
		if (context == null || this.state != ConnectionState.UP) {
			result.completeExceptionally(new IOException("connection with " + describe() + " is not up"));
			return result;
		}
		context.executor().execute(() -> {
			if (this.state != ConnectionState.UP) {
				result.completeExceptionally(new IOException("connection with " + describe() + " is not up"));
				return;
			}
			long stamp = System.nanoTime();
			while (this.pings.putIfAbsent(stamp, result) != null) {
				stamp++;
			}
			writeControl(context, Frames.ping(Frames.PING, stamp));
		});
		return result;
	}

	private void pong(long stamp) {
		long nanos = System.nanoTime() - stamp;
		this.roundTripNanos = nanos;
		CompletableFuture<Duration> pending = this.pings.remove(stamp);
		if (pending != null) {
			pending.complete(Duration.ofNanos(nanos));
		}
	}

	ConnectionStatistics statistics() {
		ChannelHandlerContext context = this.ctx;
		SocketAddress remote = null;
		long socketQueued = 0;
		boolean tls = false;
		if (context != null) {
			Channel channel = context.channel();
			remote = channel.remoteAddress();
			ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
			socketQueued = (buffer != null) ? buffer.totalPendingWriteBytes() : 0;
			tls = channel.pipeline().get(SslHandler.class) != null;
		}
		long rtt = this.roundTripNanos;
		return new ConnectionStatistics(this.peer, remote, this.state, this.dialed, tls, this.signalsSent.sum(),
				this.bytesSent.sum(), this.signalsReceived.sum(), this.bytesReceived.sum(), this.signalsDropped.sum(),
				this.queuedBytes.get() + socketQueued, (rtt < 0) ? null : Duration.ofNanos(rtt));
	}

	String describe() {
		NodeId node = (this.peer != null) ? this.peer : this.expected;
		ChannelHandlerContext context = this.ctx;
		SocketAddress remote = (context != null) ? context.channel().remoteAddress() : null;
		return ((node != null) ? "node " + node + " " : "") + "at " + remote;
	}

	@Override
	public String toString() {
		return "Connection[" + describe() + ", " + this.state + (this.dialed ? ", dialed" : ", accepted") + "]";
	}

}
