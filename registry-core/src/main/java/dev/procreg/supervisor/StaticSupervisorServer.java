package dev.procreg.supervisor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.StartResult;

/** The server behind a {@link Supervisor}: children in start order, one of three strategies. */
final class StaticSupervisorServer extends SupervisorServer {

	record TerminateChild(Object id) {
	}

	record RestartChild(Object id) {
	}

	record DeleteChild(Object id) {
	}

	private final Strategy strategy;

	private final List<ChildSpec> initial;

	private final List<Child> children = new ArrayList<>();

	StaticSupervisorServer(Strategy strategy, List<ChildSpec> initial, Supervisor.Options options, boolean topLevel) {
		super(options.maxRestarts(), options.maxSeconds(), topLevel);
		this.strategy = strategy;
		this.initial = initial;
	}

	@Override
	@Nullable ExitReason startChildren() {
		for (ChildSpec spec : this.initial) {
			Child child = new Child(spec);
			ExitReason failure = failure(startProcess(child, List.of()));
			if (failure != null) {
				logStartFailure(child, failure);
				stopChildren();
				return ExitReason.of(new ChildStartFailure(spec.id(), failure));
			}
			this.children.add(child);
		}
		return null;
	}

	@Override
	Object handleRequest(Object request) {
		return switch (request) {
			case StartChild(ChildSpec spec) -> startChild(spec);
			case TerminateChild(Object id) -> {
				Child child = find(id);
				if (child == null) {
					yield false;
				}
				shutdown(child);
				if (child.spec.restart() == Restart.TEMPORARY) {
					this.children.remove(child);
				}
				yield true;
			}
			case RestartChild(Object id) -> {
				Child child = find(id);
				if (child == null) {
					yield new StartResult.Failed(ExitReason.of("not_found"));
				}
				if (child.pid != null) {
					yield new StartResult.Failed(ExitReason.of("running"));
				}
				restarted(child);
				yield startProcess(child, List.of());
			}
			case DeleteChild(Object id) -> {
				Child child = find(id);
				if (child == null) {
					yield false;
				}
				if (child.pid != null) {
					yield new Refused("cannot delete child '" + id + "' of supervisor " + self()
							+ ": it is running; terminate it first");
				}
				this.children.remove(child);
				yield true;
			}
			default -> new Refused("supervisor " + self() + " does not understand " + request);
		};
	}

	private StartResult startChild(ChildSpec spec) {
		Child existing = find(spec.id());
		if (existing != null) {
			Pid pid = existing.pid;
			return (pid != null) ? new StartResult.AlreadyStarted(pid)
					: new StartResult.Failed(ExitReason.of("already_present"));
		}
		Child child = new Child(spec);
		StartResult result = startProcess(child, List.of());
		if (result instanceof StartResult.Started || result instanceof StartResult.Ignored) {
			this.children.add(child);
		}
		return result;
	}

	private @Nullable Child find(Object id) {
		for (Child child : this.children) {
			if (child.spec.id().equals(id)) {
				return child;
			}
		}
		return null;
	}

	@Override
	@Nullable Child childOf(Pid pid) {
		for (Child child : this.children) {
			if (pid.equals(child.pid)) {
				return child;
			}
		}
		return null;
	}

	@Override
	boolean childExited(Pid pid, Child child, ExitReason reason) {
		child.exited(reason);
		logExit(child, reason);
		if (!child.spec.restart().restartsAfter(reason) || exitIsFinal(child, reason)) {
			if (child.spec.restart() == Restart.TEMPORARY) {
				this.children.remove(child);
			}
			return true;
		}
		Child pending = child;
		while (pending != null) {
			if (!addRestart(pending)) {
				return false;
			}
			int at = this.children.indexOf(pending);
			List<Child> group = switch (this.strategy) {
				case ONE_FOR_ONE -> List.of(pending);
				case ONE_FOR_ALL -> List.copyOf(this.children);
				case REST_FOR_ONE -> List.copyOf(this.children.subList(at, this.children.size()));
			};
			pending = restart(group);
		}
		return true;
	}

	/** Stops the group's running children in reverse order, then starts the group in order. */
	private @Nullable Child restart(List<Child> group) {
		for (int i = group.size() - 1; i >= 0; i--) {
			Child child = group.get(i);
			if (child.pid != null) {
				shutdown(child);
			}
		}
		for (Child child : group) {
			if (child.spec.restart() == Restart.TEMPORARY) {
				this.children.remove(child);
				continue;
			}
			restarted(child);
			StartResult result = startProcess(child, List.of());
			ExitReason failure = failure(result);
			if (failure != null) {
				logStartFailure(child, failure);
				child.exited(failure);
				return child;
			}
		}
		return null;
	}

	@Override
	void stopChildren() {
		for (int i = this.children.size() - 1; i >= 0; i--) {
			shutdown(this.children.get(i));
		}
	}

	@Override
	Collection<Child> children() {
		return this.children;
	}

	@Override
	SupervisorInfo.Kind kind() {
		return SupervisorInfo.Kind.SUPERVISOR;
	}

	@Override
	SupervisorInfo describe(int limit) {
		return new SupervisorInfo(self(), SupervisorInfo.Kind.SUPERVISOR, this.strategy, this.maxRestarts,
				this.maxSeconds, restartsInWindow(), null,
				this.children.stream().limit(limit).map(Child::info).toList(), this.children.size());
	}

	@Override
	int runningChildren() {
		int running = 0;
		for (Child child : this.children) {
			if (child.pid != null) {
				running++;
			}
		}
		return running;
	}

	static void checkIds(List<ChildSpec> specs) {
		List<Object> seen = new ArrayList<>();
		for (int i = 0; i < specs.size(); i++) {
			ChildSpec spec = specs.get(i);
			if (spec == null) {
				throw new IllegalArgumentException("child spec at index " + i + " is null");
			}
			for (Object id : seen) {
				if (Objects.equals(id, spec.id())) {
					throw new IllegalArgumentException(
							"duplicate child id '" + spec.id() + "': ids must be unique within a supervisor");
				}
			}
			seen.add(spec.id());
		}
	}

}
