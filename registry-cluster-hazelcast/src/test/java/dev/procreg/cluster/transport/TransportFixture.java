package dev.procreg.cluster.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;
import dev.procreg.process.Signal;

/** Starts transports on loopback for a test and closes them after it. */
final class TransportFixture implements AutoCloseable {

	static final Duration PATIENCE = Duration.ofSeconds(30);

	private final List<NodeTransport> started = new ArrayList<>();

	static TransportOptions options() {
		return TransportOptions.defaults("test");
	}

	NodeTransport start(RecordingLink link) {
		return start(link, options());
	}

	NodeTransport start(RecordingLink link, TransportOptions options) {
		NodeTransport transport = NodeTransport.start(options, (distribution) -> link);
		this.started.add(transport);
		return transport;
	}

	static NodeId connect(NodeTransport from, NodeTransport to) {
		try {
			return from.connect(to.node(), to.boundAddress()).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("could not connect " + from.node() + " to " + to.node(), ex);
		}
	}

	static Signal.Send send(NodeTransport to, Object message) {
		return new Signal.Send(Pid.of(to.node(), 1), message);
	}

	@Override
	public void close() {
		this.started.forEach(NodeTransport::close);
	}

}
