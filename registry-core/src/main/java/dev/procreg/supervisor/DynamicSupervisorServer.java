package dev.procreg.supervisor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.StartResult;

/** The server behind a {@link DynamicSupervisor}: children by pid, one-for-one. */
final class DynamicSupervisorServer extends SupervisorServer {

	record TerminatePid(Pid pid) {
	}

	private final int maxChildren;

	private final List<Object> extraArguments;

	/** Running children in start order. */
	private final LinkedHashMap<Pid, Child> children = new LinkedHashMap<>();

	DynamicSupervisorServer(DynamicSupervisor.Options options, boolean topLevel) {
		super(options.maxRestarts(), options.maxSeconds(), topLevel);
		this.maxChildren = options.maxChildren();
		this.extraArguments = options.extraArguments();
	}

	@Override
	@Nullable ExitReason startChildren() {
		return null;
	}

	@Override
	Object handleRequest(Object request) {
		return switch (request) {
			case StartChild(ChildSpec spec) -> {
				if (this.children.size() >= this.maxChildren) {
					yield new StartResult.MaxChildren(this.maxChildren);
				}
				Child child = new Child(spec);
				StartResult result = startProcess(child, this.extraArguments);
				if (result instanceof StartResult.Started(Pid pid)) {
					this.children.put(pid, child);
				}
				yield result;
			}
			case TerminatePid(Pid pid) -> {
				Child child = this.children.remove(pid);
				if (child == null) {
					yield false;
				}
				shutdown(child);
				yield true;
			}
			default -> new Refused("dynamic supervisor " + self() + " does not understand " + request);
		};
	}

	@Override
	@Nullable Child childOf(Pid pid) {
		return this.children.get(pid);
	}

	@Override
	boolean childExited(Pid pid, Child child, ExitReason reason) {
		this.children.remove(pid);
		child.exited(reason);
		logExit(child, reason);
		if (!child.spec.restart().restartsAfter(reason) || exitIsFinal(child, reason)) {
			return true;
		}
		for (;;) {
			if (!addRestart(child)) {
				return false;
			}
			restarted(child);
			StartResult result = startProcess(child, this.extraArguments);
			if (result instanceof StartResult.Started(Pid restarted)) {
				this.children.put(restarted, child);
				return true;
			}
			ExitReason failure = failure(result);
			if (failure == null) {
				return true; // ignored: the child is gone
			}
			logStartFailure(child, failure);
			child.exited(failure);
		}
	}

	/** Sends every child its shutdown at once, then waits for each, newest first. */
	@Override
	void stopChildren() {
		List<Child> running = new ArrayList<>(this.children.values());
		this.children.clear();
		long since = System.nanoTime();
		for (int i = running.size() - 1; i >= 0; i--) {
			Child child = running.get(i);
			sendShutdown(child.pid, child.spec.shutdown());
		}
		for (int i = running.size() - 1; i >= 0; i--) {
			Child child = running.get(i);
			Pid pid = child.pid;
			child.exited(awaitShutdown(child, pid, since));
		}
	}

	@Override
	Collection<Child> children() {
		return this.children.values();
	}

	@Override
	SupervisorInfo.Kind kind() {
		return SupervisorInfo.Kind.DYNAMIC_SUPERVISOR;
	}

	@Override
	SupervisorInfo describe(int limit) {
		return new SupervisorInfo(self(), SupervisorInfo.Kind.DYNAMIC_SUPERVISOR, Strategy.ONE_FOR_ONE,
				this.maxRestarts, this.maxSeconds, restartsInWindow(),
				(this.maxChildren == Integer.MAX_VALUE) ? null : this.maxChildren,
				this.children.values().stream().limit(limit).map(Child::info).toList(), this.children.size());
	}

	@Override
	int runningChildren() {
		return this.children.size();
	}

}
