package dev.procreg.cluster.hazelcast;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.procreg.cluster.membership.ClusterMember;
import dev.procreg.cluster.membership.MembershipListener;
import dev.procreg.process.NodeId;

/**
 * Records what a membership reports, with when it arrived, and runs the glue a test gives it (a
 * purge on member down, a re-assertion on merge) as the runtime will.
 */
final class RecordingListener implements MembershipListener {

	enum Kind {

		UP, DOWN, MERGED

	}

	record Event(Kind kind, ClusterMember member, long nanos) {
	}

	private final List<Event> events = new CopyOnWriteArrayList<>();

	private volatile Consumer<Event> glue = (event) -> {
	};

	void glue(Consumer<Event> glue) {
		this.glue = glue;
	}

	@Override
	public void memberUp(ClusterMember member) {
		record(new Event(Kind.UP, member, System.nanoTime()));
	}

	@Override
	public void memberDown(ClusterMember member) {
		record(new Event(Kind.DOWN, member, System.nanoTime()));
	}

	@Override
	public void merged() {
		record(new Event(Kind.MERGED, null, System.nanoTime()));
	}

	private void record(Event event) {
		this.events.add(event);
		this.glue.accept(event);
	}

	List<Event> events() {
		return List.copyOf(this.events);
	}

	List<ClusterMember> ups() {
		return this.events.stream().filter((event) -> event.kind() == Kind.UP).map(Event::member).toList();
	}

	List<ClusterMember> downs() {
		return this.events.stream().filter((event) -> event.kind() == Kind.DOWN).map(Event::member).toList();
	}

	long merges() {
		return this.events.stream().filter((event) -> event.kind() == Kind.MERGED).count();
	}

	/** When the last down of that node arrived, or -1. */
	long downNanos(NodeId node) {
		return this.events.stream()
			.filter((event) -> event.kind() == Kind.DOWN && event.member().node().equals(node))
			.mapToLong(Event::nanos)
			.max()
			.orElse(-1);
	}

}
