package dev.procreg.boot.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.procreg.cluster.ClusterEvent;
import dev.procreg.cluster.ProcessCluster;
import dev.procreg.cluster.membership.ClusterMember;
import dev.procreg.cluster.transport.ConnectionState;
import dev.procreg.cluster.transport.ConnectionStatistics;

/**
 * {@link MeterBinder} for the runtime's membership in its cluster. Tags name nodes and event
 * kinds only, so the number of series follows the number of members:
 * <ul>
 * <li>{@code procreg.cluster.members}: members as this node sees them, itself included</li>
 * <li>{@code procreg.cluster.connected.nodes}: nodes connected and past the handshake</li>
 * <li>{@code procreg.cluster.events} (tag {@code kind}: {@code node_up}, {@code node_down},
 * {@code merged}, {@code conflict}): events since this node joined</li>
 * <li>{@code procreg.cluster.codec.rejections}: signals dropped because they carried a class
 * outside the codec's allow-list</li>
 * <li>per other member (tag {@code node}, its name): {@code procreg.cluster.connection.round.trip},
 * {@code procreg.cluster.connection.signals.sent}, {@code .signals.received},
 * {@code .bytes.sent}, {@code .bytes.received}, {@code .bytes.queued}; a connection's counters
 * start at zero when it is made again</li>
 * </ul>
 * A member's meters are added when it joins and removed when it leaves.
 */
public class ProcessClusterMetrics implements MeterBinder, AutoCloseable {

	private final ProcessCluster cluster;

	private final List<MeterRegistry> bound = new CopyOnWriteArrayList<>();

	/** Per meter registry, per node name: the meters of that node's connection. */
	private final Map<MeterRegistry, Map<String, List<Meter>>> perNode = new ConcurrentHashMap<>();

	private final Consumer<ClusterEvent> events = this::onEvent;

	/**
	 * @param cluster the cluster membership measured
	 */
	public ProcessClusterMetrics(ProcessCluster cluster) {
		this.cluster = cluster;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		Gauge.builder("procreg.cluster.members", this.cluster, (c) -> c.members().size())
			.description("Members of the cluster as this node sees them, itself included")
			.strongReference(true)
			.register(meters);
		Gauge.builder("procreg.cluster.connected.nodes", this.cluster, (c) -> c.runtime().connectedNodes().size())
			.description("Other nodes connected and past the handshake")
			.register(meters);
		for (ClusterEvent.Kind kind : ClusterEvent.Kind.values()) {
			FunctionCounter.builder("procreg.cluster.events", this.cluster, (c) -> c.eventCount(kind))
				.description("Node-ups, node-downs, merges and name conflicts since this node joined")
				.tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
				.register(meters);
		}
		FunctionCounter
			.builder("procreg.cluster.codec.rejections", this.cluster,
					(c) -> c.transport().codec().rejections().count())
			.description("Signals from other nodes dropped because they carried a class outside the allow-list")
			.register(meters);
		this.perNode.put(meters, new ConcurrentHashMap<>());
		this.bound.add(meters);
		if (this.bound.size() == 1) {
			this.cluster.addEventListener(this.events);
		}
		for (ClusterMember member : this.cluster.members()) {
			if (!member.node().equals(this.cluster.node())) {
				bindNode(meters, member.node().name());
			}
		}
	}

	/** Stops following members as they come and go. */
	@Override
	public void close() {
		this.cluster.removeEventListener(this.events);
	}

	private void onEvent(ClusterEvent event) {
		String node = event.node().name();
		if (node.equals(this.cluster.node().name())) {
			return;
		}
		for (MeterRegistry meters : this.bound) {
			if (event.kind() == ClusterEvent.Kind.NODE_UP) {
				bindNode(meters, node);
			}
			else if (event.kind() == ClusterEvent.Kind.NODE_DOWN) {
				unbindNode(meters, node);
			}
		}
	}

	private void bindNode(MeterRegistry meters, String node) {
		this.perNode.get(meters).computeIfAbsent(node, (name) -> {
			Tags tags = Tags.of("node", name);
			List<Meter> registered = new ArrayList<>();
			registered.add(TimeGauge
				.builder("procreg.cluster.connection.round.trip", this.cluster, TimeUnit.NANOSECONDS,
						(c) -> roundTripNanos(c, name))
				.description("Latest measured round trip of the connection to the node")
				.tags(tags)
				.register(meters));
			registered.add(counter(meters, "procreg.cluster.connection.signals.sent", "Signals sent to the node",
					null, tags, name, ConnectionStatistics::signalsSent));
			registered.add(counter(meters, "procreg.cluster.connection.signals.received",
					"Signals received from the node", null, tags, name, ConnectionStatistics::signalsReceived));
			registered.add(counter(meters, "procreg.cluster.connection.bytes.sent", "Bytes sent to the node",
					BaseUnits.BYTES, tags, name, ConnectionStatistics::bytesSent));
			registered.add(counter(meters, "procreg.cluster.connection.bytes.received", "Bytes received from the node",
					BaseUnits.BYTES, tags, name, ConnectionStatistics::bytesReceived));
			registered.add(Gauge
				.builder("procreg.cluster.connection.bytes.queued", this.cluster,
						(c) -> read(c, name, ConnectionStatistics::bytesQueued))
				.description("Bytes waiting to go out to the node")
				.baseUnit(BaseUnits.BYTES)
				.tags(tags)
				.register(meters));
			return registered;
		});
	}

	private void unbindNode(MeterRegistry meters, String node) {
		List<Meter> registered = this.perNode.get(meters).remove(node);
		if (registered != null) {
			registered.forEach(meters::remove);
		}
	}

	private FunctionCounter counter(MeterRegistry meters, String name, String description, @Nullable String unit,
			Tags tags, String node, ToDoubleFunction<ConnectionStatistics> value) {
		return FunctionCounter.builder(name, this.cluster, (c) -> read(c, node, value))
			.description(description)
			.baseUnit(unit)
			.tags(tags)
			.register(meters);
	}

	private static double read(ProcessCluster cluster, String node, ToDoubleFunction<ConnectionStatistics> value) {
		ConnectionStatistics connection = connection(cluster, node);
		return (connection != null) ? value.applyAsDouble(connection) : 0;
	}

	private static double roundTripNanos(ProcessCluster cluster, String node) {
		ConnectionStatistics connection = connection(cluster, node);
		return (connection != null && connection.roundTrip() != null) ? connection.roundTrip().toNanos() : Double.NaN;
	}

	private static @Nullable ConnectionStatistics connection(ProcessCluster cluster, String node) {
		ConnectionStatistics found = null;
		for (ConnectionStatistics connection : cluster.connections()) {
			if (connection.peer() != null && connection.peer().name().equals(node)
					&& (found == null || connection.state() == ConnectionState.UP)) {
				found = connection;
			}
		}
		return found;
	}

}
