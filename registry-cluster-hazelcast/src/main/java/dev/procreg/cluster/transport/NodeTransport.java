package dev.procreg.cluster.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import javax.net.ssl.SSLContext;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.cluster.codec.JdkSerializationCodec;
import dev.procreg.cluster.codec.SignalCodec;
import dev.procreg.process.Distribution;
import dev.procreg.process.NodeId;
import dev.procreg.process.NodeLink;
import dev.procreg.process.Signal;

/**
 * A node's connections to the other nodes of its cluster, on Netty: the {@link Distribution} a
 * runtime sends through, and the thread that hands what arrives to the runtime's
 * {@link NodeLink}.
 *
 * <p>The membership (who is in the cluster, at which address) decides whom to
 * {@link #connect connect} to and when a peer has left ({@link #disconnect}); the transport keeps
 * one connection per pair of nodes. Both nodes may dial each other at once: the connection dialed
 * by the smaller {@link NodeId} is kept, the other closed before it carries anything. A handshake
 * checks cluster name, protocol version and node names both ways, and refuses with a log line
 * naming what differs. {@link NodeLink#nodeUp} comes after the handshake; when a connection dies,
 * sends to its node are refused first, then {@link NodeLink#nodeDown} is called once, on the
 * connection's thread after the last signal it delivered. A new incarnation of a node replaces the
 * old one's connection (nodeDown of the old incarnation first). The membership has the last word
 * on incarnations: once it connected to one incarnation of a node, or dropped one, a dial from
 * another (or the dropped) incarnation is refused until the membership connects to it.
 *
 * <p>Frames are length-prefixed and limited ({@link TransportOptions#maxFrameSize()}): a signal
 * that encodes larger is refused to its sender with {@link FrameTooLargeException}, a larger frame
 * received closes the connection; before the handshake names the peer, any frame over 4 KiB does.
 * Signals are encoded on the sending thread. On a plaintext connection with nothing waiting to be
 * written, the sender writes its frame to the socket itself; otherwise the frame is queued and
 * the connection's event loop writes it, flushing once per turn. A sender to a congested node
 * (more than the high water mark queued) blocks until it drains below the low water mark, or
 * returns {@code false} when the connection closes; on an event-loop thread it never blocks. With
 * an {@link SSLContext} in the options, connections use TLS and both ends authenticate.
 *
 * <pre>{@code
 * NodeTransport transport = NodeTransport.start(TransportOptions.defaults("donations"), runtime::distribute);
 * int port = transport.boundAddress().getPort();       // publish it to the membership
 * transport.connect(peer, new InetSocketAddress("10.0.0.6", peerPort));
 * transport.connections();                              // state, counters and round trip per peer
 * transport.close();
 * }</pre>
 */
public final class NodeTransport implements Distribution, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NodeTransport.class);

	private static final int MAX_DEPARTED = 1024;

	private final TransportOptions options;

	private final SignalCodec codec;

	private final EventLoopGroup group;

	private final @Nullable SslContext serverSsl;

	private final @Nullable SslContext clientSsl;

	/** The connection carrying signals, per node name: the send path reads only this. */
	private final Map<String, Connection> up = new ConcurrentHashMap<>();

	/** Every open connection, for statistics and close. */
	private final Set<Connection> open = ConcurrentHashMap.newKeySet();

	private final Object lock = new Object();

	/** Per node name: a dial or an accepted handshake not up yet. Guarded by lock. */
	private final Map<String, Connection> pending = new HashMap<>();

	/** Per node name: a connection that was up and whose nodeDown is not done yet. Guarded by lock. */
	private final Map<String, Connection> goingDown = new HashMap<>();

	/** Per node name: dials that lost the tie-break, completed when the kept connection is up. Guarded by lock. */
	private final Map<String, List<CompletableFuture<NodeId>>> awaiting = new HashMap<>();

	/** Per node name: the incarnation the membership last connected to. Guarded by lock. */
	private final Map<String, NodeId> members = new HashMap<>();

	/** Incarnations the membership dropped or replaced: their dials are refused. Guarded by lock. */
	private final Set<NodeId> departed = Collections.newSetFromMap(new LinkedHashMap<>() {
		@Override
		protected boolean removeEldestEntry(Map.Entry<NodeId, Boolean> eldest) {
			return size() > MAX_DEPARTED;
		}
	});

	private volatile @Nullable NodeLink link;

	private volatile @Nullable NodeId self;

	private volatile Frames.@Nullable Hello hello;

	private volatile @Nullable Channel server;

	private volatile boolean closed;

	private NodeTransport(TransportOptions options, SignalCodec codec) {
		this.options = options;
		this.codec = codec;
		SSLContext ssl = options.sslContext();
		this.serverSsl = (ssl != null) ? new JdkSslContext(ssl, false, ClientAuth.REQUIRE) : null;
		this.clientSsl = (ssl != null) ? new JdkSslContext(ssl, true, ClientAuth.NONE) : null;
		int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
		this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("procreg-transport", true),
				NioIoHandler.newFactory());
	}

	/**
	 * Starts a transport with the default codec ({@link JdkSerializationCodec} with the options'
	 * allowed packages): attaches it to a runtime, then listens.
	 * @param options how to listen, frame, pace and secure
	 * @param attach connects the transport to its runtime and returns the runtime's end, usually
	 * {@code runtime::distribute}
	 * @return the transport, listening on {@link #boundAddress()}
	 * @throws IllegalStateException when it cannot listen
	 */
	public static NodeTransport start(TransportOptions options, Function<? super Distribution, ? extends NodeLink> attach) {
		return start(options, new JdkSerializationCodec(options.allowedPackages()), attach);
	}

	/**
	 * Starts a transport with a codec of one's own.
	 * @param options how to listen, frame, pace and secure
	 * @param codec how signals become bytes
	 * @param attach connects the transport to its runtime and returns the runtime's end
	 * @return the transport, listening on {@link #boundAddress()}
	 * @throws IllegalStateException when it cannot listen
	 */
	public static NodeTransport start(TransportOptions options, SignalCodec codec,
			Function<? super Distribution, ? extends NodeLink> attach) {
		if (options == null || codec == null || attach == null) {
			throw new IllegalArgumentException("options, codec and attach must not be null");
		}
		NodeTransport transport = new NodeTransport(options, codec);
		try {
			NodeLink link = attach.apply(transport);
			if (link == null) {
				throw new IllegalArgumentException("attach returned no NodeLink");
			}
			transport.link = link;
			transport.self = link.node();
			transport.hello = new Frames.Hello(Frames.MAGIC, Frames.PROTOCOL_VERSION, options.clusterName(),
					link.node());
			transport.bind();
			return transport;
		}
		catch (RuntimeException ex) {
			transport.group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
			throw ex;
		}
	}

	private void bind() {
		ServerBootstrap bootstrap = new ServerBootstrap().group(this.group)
			.channelFactory((ChannelFactory<DirectSocketChannel.Server>) DirectSocketChannel.Server::new)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
			.childHandler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel channel) {
					pipeline(channel, null, new Connection(NodeTransport.this, null, null));
				}
			});
		ChannelFuture bound = bootstrap.bind(this.options.bindHost(), this.options.bindPort()).awaitUninterruptibly();
		if (!bound.isSuccess()) {
			throw new IllegalStateException("cannot listen on " + this.options.bindHost() + ":"
					+ this.options.bindPort() + ": " + bound.cause().getMessage(), bound.cause());
		}
		this.server = bound.channel();
	}

	private WriteBufferWaterMark waterMark() {
		return new WriteBufferWaterMark(this.options.writeBufferLowWaterMark(), this.options.writeBufferHighWaterMark());
	}

	private void pipeline(SocketChannel channel, @Nullable InetSocketAddress dialed, Connection connection) {
		ChannelPipeline pipeline = channel.pipeline();
		if (dialed != null && this.clientSsl != null) {
			pipeline.addLast("tls", this.clientSsl.newHandler(channel.alloc(), dialed.getHostString(), dialed.getPort()));
		}
		else if (dialed == null && this.serverSsl != null) {
			pipeline.addLast("tls", this.serverSsl.newHandler(channel.alloc()));
		}
		pipeline.addLast("frames", new FrameDecoder(this.options.maxFrameSize(), connection));
		pipeline.addLast("connection", connection);
	}

	/** @return the address the transport listens on, with the port it got */
	public InetSocketAddress boundAddress() {
		Channel channel = this.server;
		if (channel == null) {
			throw new IllegalStateException("transport not listening");
		}
		return (InetSocketAddress) channel.localAddress();
	}

	/** @return whether the transport listens and connects (false once closed) */
	public boolean running() {
		return !this.closed;
	}

	/** @return this node */
	public NodeId node() {
		return requireSelf();
	}

	/** @return the options it runs with */
	public TransportOptions options() {
		return this.options;
	}

	/**
	 * Connects to a peer, unless already connected or connecting to it. Completes when the node
	 * is connected, whichever of the two nodes' dials carries it; completes exceptionally when the
	 * peer cannot be reached or refuses (another cluster, another protocol version, a failed TLS
	 * handshake), after at most about twice the connect timeout. A connection to an older
	 * incarnation of the node is replaced.
	 * @param peer the node, with its incarnation if known (0 accepts any)
	 * @param address where it listens
	 * @return the connected node
	 */
	public CompletableFuture<NodeId> connect(NodeId peer, InetSocketAddress address) {
		if (peer == null || address == null) {
			throw new IllegalArgumentException("peer and address must not be null");
		}
		if (peer.name().equals(requireSelf().name())) {
			throw new IllegalArgumentException("cannot connect to node " + peer + ": it has this node's own name");
		}
		Connection dial;
		synchronized (this.lock) {
			if (this.closed) {
				return CompletableFuture.failedFuture(new IllegalStateException("transport closed"));
			}
			if (peer.incarnation() != 0) {
				NodeId before = this.members.put(peer.name(), peer);
				if (before != null && !before.equals(peer)) {
					this.departed.add(before);
				}
				this.departed.remove(peer);
			}
			Connection current = this.up.get(peer.name());
			if (current != null && current.peer != null && current.peer.sameNodeAs(peer)) {
				return CompletableFuture.completedFuture(current.peer);
			}
			if (current != null) {
				retire(current);
			}
			Connection waiting = this.pending.get(peer.name());
			if (waiting != null && (waiting.dialed ? waiting.expected.sameNodeAs(peer) : waiting.peer.sameNodeAs(peer))) {
				return (waiting.dialFuture != null) ? waiting.dialFuture : await(peer.name());
			}
			if (waiting != null) {
				waiting.abandoned = true;
				this.pending.remove(peer.name());
				if (waiting.dialFuture != null) {
					waiting.dialFuture.completeExceptionally(
							new ConnectException("node " + peer.name() + " has a new incarnation: " + peer));
				}
				waiting.close();
			}
			CompletableFuture<NodeId> future = new CompletableFuture<>();
			dial = new Connection(this, peer, future);
			this.pending.put(peer.name(), dial);
		}
		Bootstrap bootstrap = new Bootstrap().group(this.group)
			.channelFactory((ChannelFactory<DirectSocketChannel>) DirectSocketChannel::new)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, this.options.connectTimeout().toMillis()))
			.handler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel channel) {
					pipeline(channel, address, dial);
				}
			});
		bootstrap.connect(address).addListener((ChannelFuture connected) -> {
			if (!connected.isSuccess()) {
				dialFailed(dial, address, connected.cause());
			}
		});
		CompletableFuture<NodeId> result = dial.dialFuture;
		return result.orTimeout(2 * this.options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	private CompletableFuture<NodeId> await(String name) {
		CompletableFuture<NodeId> future = new CompletableFuture<>();
		this.awaiting.computeIfAbsent(name, (key) -> new ArrayList<>()).add(future);
		return future;
	}

	private void dialFailed(Connection dial, InetSocketAddress address, Throwable cause) {
		synchronized (this.lock) {
			this.pending.remove(dial.expected.name(), dial);
		}
		if (!dial.abandoned) {
			ConnectException failure = new ConnectException(
					"cannot connect to node " + dial.expected + " at " + address + ": " + cause.getMessage());
			failure.initCause(cause);
			dial.dialFuture.completeExceptionally(failure);
		}
	}

	/**
	 * The membership says a node has left: refuses sends to it at once, closes its connection and
	 * then reports it down. Does nothing when it is not connected.
	 * @param node the node, with its incarnation (0 for whichever is connected)
	 */
	public void disconnect(NodeId node) {
		synchronized (this.lock) {
			NodeId member = this.members.get(node.name());
			if (member != null && member.sameNodeAs(node)) {
				this.members.remove(node.name());
				this.departed.add(member);
			}
			else if (node.incarnation() != 0) {
				this.departed.add(node);
			}
			Connection current = this.up.get(node.name());
			if (current != null && current.peer != null && current.peer.sameNodeAs(node)) {
				this.departed.add(current.peer);
				retire(current);
			}
			Connection waiting = this.pending.get(node.name());
			if (waiting != null) {
				NodeId who = waiting.dialed ? waiting.expected : waiting.peer;
				if (who != null && who.sameNodeAs(node)) {
					this.pending.remove(node.name());
					waiting.close();
				}
			}
		}
	}

	/** Takes an up connection out of service: sends refused now, nodeDown when it is closed. */
	private void retire(Connection connection) {
		connection.state = ConnectionState.CLOSED;
		this.up.remove(connection.peer.name(), connection);
		this.goingDown.put(connection.peer.name(), connection);
		connection.wakeSenders();
		connection.close();
	}

	@Override
	public boolean send(NodeId node, Signal signal) {
		Connection connection = this.up.get(node.name());
		if (connection == null || connection.state != ConnectionState.UP || !connection.peer.sameNodeAs(node)) {
			return false;
		}
		return connection.enqueue(encode(signal));
	}

	private ByteBuf encode(Signal signal) {
		int limit = this.options.maxFrameSize();
		ByteBuf frame = Unpooled.buffer(512);
		frame.writeInt(0).writeByte(Frames.SIGNAL);
		try {
			this.codec.encode(signal, new LimitedOutput(frame, limit + 4));
		}
		catch (IOException | RuntimeException ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof FrameLimitReached) {
					throw new FrameTooLargeException(signal.getClass(), limit);
				}
			}
			throw new SignalEncodingException("cannot encode a " + signal.getClass().getSimpleName() + " signal: "
					+ ex.getMessage(), signal.getClass(), ex);
		}
		return Frames.sealed(frame);
	}

	/**
	 * @return every open connection (handshaking or up), for operators
	 */
	public List<ConnectionStatistics> connections() {
		return this.open.stream().map(Connection::statistics).toList();
	}

	/**
	 * Measures the round trip to a node now, with a ping frame behind what is queued to it.
	 * @param node the node
	 * @return the round trip; completes exceptionally when the node is not connected
	 */
	public CompletableFuture<Duration> measureRoundTrip(NodeId node) {
		Connection connection = this.up.get(node.name());
		if (connection == null || !connection.peer.sameNodeAs(node)) {
			return CompletableFuture.failedFuture(new IOException("node " + node + " is not connected"));
		}
		return connection.measureRoundTrip();
	}

	/** The connection carrying signals to a node, for tests that reach into its channel. */
	@Nullable Connection connectionTo(String nodeName) {
		return this.up.get(nodeName);
	}

	/** @return the codec, whose {@link SignalCodec#rejections()} operators read */
	public SignalCodec codec() {
		return this.codec;
	}

	/**
	 * Closes every connection (each connected node reported down) and stops listening; waits for
	 * both, up to the connect timeout, unless called on a transport thread.
	 */
	@Override
	public void close() {
		List<Connection> connections;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			for (Connection connection : List.copyOf(this.up.values())) {
				retire(connection);
			}
			connections = new ArrayList<>(this.open);
			this.pending.values().forEach(Connection::close);
		}
		Channel channel = this.server;
		if (channel != null) {
			channel.close().awaitUninterruptibly();
		}
		connections.forEach(Connection::close);
		if (onEventLoop()) {
			// a transport thread cannot wait for its own loop: the connections close after it returns
			this.group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
			return;
		}
		CompletableFuture<?>[] gone = connections.stream()
			.map((connection) -> connection.gone)
			.toArray(CompletableFuture[]::new);
		try {
			CompletableFuture.allOf(gone).get(this.options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("Connections still closing after {}", this.options.connectTimeout());
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
		}
		this.group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
	}

	// called by connections, on their event loop

	NodeLink link() {
		NodeLink current = this.link;
		if (current == null) {
			throw new IllegalStateException("transport not attached to a runtime");
		}
		return current;
	}

	Frames.Hello hello() {
		Frames.Hello current = this.hello;
		if (current == null) {
			throw new IllegalStateException("transport not attached to a runtime");
		}
		return current;
	}

	private NodeId requireSelf() {
		NodeId current = this.self;
		if (current == null) {
			throw new IllegalStateException("transport not attached to a runtime");
		}
		return current;
	}

	/**
	 * Whether the calling thread must not block: one of this transport's event loops, or any
	 * other Netty event loop of the JVM (a reactive web server's, another transport's).
	 */
	boolean onEventLoop() {
		if (Thread.currentThread() instanceof FastThreadLocalThread) {
			return true;
		}
		for (EventExecutor executor : this.group) {
			if (executor.inEventLoop()) {
				return true;
			}
		}
		return false;
	}

	void opened(Connection connection) {
		this.open.add(connection);
		if (this.closed || connection.abandoned) {
			connection.close();
		}
	}

	/** The acceptor's side of the handshake. */
	void hello(Connection connection, Frames.Hello peer) {
		String mismatch = peer.mismatch(this.options.clusterName(), requireSelf());
		if (mismatch != null) {
			logger.warn("Refused the connection from {}: {}", connection.describe(), mismatch);
			connection.refuse(Frames.REFUSED_MISMATCH, mismatch);
			return;
		}
		String name = peer.node().name();
		Connection previous = null;
		synchronized (this.lock) {
			if (this.closed) {
				connection.refuse(Frames.REFUSED_MISMATCH, "node " + requireSelf() + " is shutting down");
				return;
			}
			NodeId member = this.members.get(name);
			String stale = this.departed.contains(peer.node())
					? "node " + peer.node() + " has left the cluster (this node's membership dropped it)"
					: (member != null && !member.equals(peer.node()))
							? "node " + peer.node() + " is not the incarnation this node's membership knows, " + member
							: null;
			if (stale != null) {
				logger.info("Refused the connection from {}: {}", connection.describe(), stale);
				connection.refuse(Frames.REFUSED_MISMATCH, stale);
				return;
			}
			Connection current = this.up.get(name);
			if (current != null && peer.node().equals(current.peer)) {
				connection.refuse(Frames.REFUSED_DUPLICATE, "already connected");
				return;
			}
			Connection waiting = this.pending.get(name);
			if (waiting != null && !waiting.dialed) {
				connection.refuse(Frames.REFUSED_DUPLICATE, "already accepting a connection from this node");
				return;
			}
			if (waiting != null && waiting.expected.sameNodeAs(peer.node())
					&& compare(requireSelf(), peer.node()) < 0) {
				// both dialed: the smaller node's dial is kept, and that is this node's
				connection.refuse(Frames.REFUSED_DUPLICATE, "both nodes dialed; the dial of " + requireSelf() + " is kept");
				return;
			}
			if (waiting != null) {
				// the peer's dial is kept (or it is a newer incarnation than the one dialed)
				this.pending.remove(name);
				waiting.abandoned = true;
				if (waiting.expected.sameNodeAs(peer.node())) {
					this.awaiting.computeIfAbsent(name, (key) -> new ArrayList<>()).add(waiting.dialFuture);
				}
				else {
					waiting.dialFuture.completeExceptionally(
							new ConnectException("node " + name + " came back as " + peer.node()));
				}
				waiting.close();
			}
			if (current != null) {
				retire(current);
			}
			connection.peer = peer.node();
			this.pending.put(name, connection);
			previous = this.goingDown.get(name);
			if (previous != null) {
				connection.hold();
			}
		}
		activateAfter(previous, connection, true);
	}

	/** The dialer's side: the peer accepted. */
	void welcome(Connection connection, Frames.Hello peer) {
		String mismatch = peer.mismatch(this.options.clusterName(), requireSelf());
		NodeId expected = connection.expected;
		if (mismatch == null && !(peer.node().name().equals(expected.name())
				&& (expected.incarnation() == 0 || expected.incarnation() == peer.node().incarnation()))) {
			mismatch = "it is node " + peer.node() + ", not " + expected;
		}
		if (mismatch != null) {
			logger.warn("Closing the connection to {}: {}", connection.describe(), mismatch);
			connection.dialFuture.completeExceptionally(new ConnectException(
					"node at " + connection.describe() + " does not fit: " + mismatch));
			connection.abandoned = true;
			connection.refuse(Frames.REFUSED_MISMATCH, mismatch);
			return;
		}
		Connection previous;
		synchronized (this.lock) {
			if (connection.abandoned || this.closed || this.pending.get(expected.name()) != connection) {
				connection.abandoned = true;
				connection.close();
				return;
			}
			connection.peer = peer.node();
			previous = this.goingDown.get(expected.name());
			if (previous != null) {
				connection.hold();
			}
		}
		activateAfter(previous, connection, false);
	}

	private void activateAfter(@Nullable Connection previous, Connection connection, boolean sendWelcome) {
		if (previous == null) {
			activate(connection, sendWelcome);
		}
		else {
			previous.gone.whenComplete((done, failure) -> connection.channel()
				.eventLoop()
				.execute(() -> activate(connection, sendWelcome)));
		}
	}

	private void activate(Connection connection, boolean sendWelcome) {
		NodeId peer = connection.peer;
		List<CompletableFuture<NodeId>> waiters;
		synchronized (this.lock) {
			if (this.closed || connection.state != ConnectionState.HANDSHAKING || !connection.channel().isActive()
					|| this.pending.get(peer.name()) != connection) {
				connection.close();
				return;
			}
			this.pending.remove(peer.name());
			connection.state = ConnectionState.UP;
			connection.wasUp = true;
			this.up.put(peer.name(), connection);
			waiters = this.awaiting.remove(peer.name());
		}
		try {
			link().nodeUp(peer);
		}
		catch (RuntimeException ex) {
			logger.error("The runtime failed to take node {} up", peer, ex);
		}
		connection.activated(sendWelcome);
		if (connection.dialFuture != null) {
			connection.dialFuture.complete(peer);
		}
		if (waiters != null) {
			waiters.forEach((waiter) -> waiter.complete(peer));
		}
	}

	/** The peer refused a dial. */
	void refused(Connection connection, boolean duplicate, String reason) {
		synchronized (this.lock) {
			if (connection.dialed && this.pending.get(connection.expected.name()) == connection) {
				this.pending.remove(connection.expected.name());
			}
			connection.abandoned = true;
			if (duplicate && connection.dialFuture != null) {
				Connection current = this.up.get(connection.expected.name());
				if (current != null) {
					connection.dialFuture.complete(current.peer);
				}
				else {
					this.awaiting.computeIfAbsent(connection.expected.name(), (key) -> new ArrayList<>())
						.add(connection.dialFuture);
				}
				return;
			}
		}
		logger.warn("Node {} refused the connection: {}", connection.describe(), reason);
		if (connection.dialFuture != null) {
			connection.dialFuture
				.completeExceptionally(new ConnectException("node " + connection.describe() + " refused: " + reason));
		}
	}

	/** A connection's channel closed. */
	void closed(Connection connection) {
		NodeId peer = connection.peer;
		boolean owesDown;
		synchronized (this.lock) {
			this.open.remove(connection);
			String name = (peer != null) ? peer.name() : (connection.expected != null) ? connection.expected.name() : null;
			if (name != null) {
				this.pending.remove(name, connection);
				if (this.up.remove(name, connection)) {
					this.goingDown.put(name, connection);
				}
			}
			owesDown = connection.wasUp;
		}
		if (owesDown) {
			connection.reportDown();
			synchronized (this.lock) {
				this.goingDown.remove(peer.name(), connection);
			}
		}
		else if (connection.dialFuture != null && !connection.abandoned && !connection.dialFuture.isDone()) {
			connection.dialFuture.completeExceptionally(
					new ConnectException("connection to " + connection.describe() + " closed during the handshake"
							+ ((connection.failure != null) ? ": " + connection.failure : "")));
		}
	}

	private static int compare(NodeId a, NodeId b) {
		int byName = a.name().compareTo(b.name());
		return (byName != 0) ? byName : Long.compare(a.incarnation(), b.incarnation());
	}

	/** Writes into a frame, failing once it would pass the limit. */
	private static final class LimitedOutput extends OutputStream {

		private final ByteBuf frame;

		private final int limit;

		LimitedOutput(ByteBuf frame, int limit) {
			this.frame = frame;
			this.limit = limit;
		}

		@Override
		public void write(int b) throws IOException {
			room(1);
			this.frame.writeByte(b);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			room(length);
			this.frame.writeBytes(bytes, offset, length);
		}

		private void room(int more) throws FrameLimitReached {
			if (this.frame.writerIndex() + more > this.limit) {
				throw new FrameLimitReached();
			}
		}

	}

	private static final class FrameLimitReached extends IOException {

		FrameLimitReached() {
			super("frame limit reached");
		}

		@Override
		public synchronized Throwable fillInStackTrace() {
			return this;
		}

	}

}
