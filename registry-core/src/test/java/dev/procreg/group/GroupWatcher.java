package dev.procreg.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.testing.Await;

/**
 * A process that monitors a group (or a whole scope) and rebuilds the members from its snapshot
 * plus the events that follow, the way a user of {@code monitor} would: at a quiet moment the
 * rebuilt view must equal the scope's {@code members}. A {@code Left} of a pid the view does not
 * hold is recorded as a violation.
 */
final class GroupWatcher {

	private final ProcessRuntime runtime;

	private final Pid pid;

	private GroupWatcher(ProcessRuntime runtime, Pid pid) {
		this.runtime = runtime;
		this.pid = pid;
	}

	/**
	 * Starts a watcher and waits until its monitor is in place.
	 * @param scope the scope
	 * @param group the group, or null for a scope monitor
	 */
	static GroupWatcher start(ProcessGroups scope, @Nullable Object group) {
		CompletableFuture<Void> started = new CompletableFuture<>();
		Pid pid = scope.runtime().spawn((ctx) -> {
			State state = new State();
			if (group != null) {
				state.view.put(group, new ArrayList<>(scope.monitor(group).members()));
			}
			else {
				scope.monitorScope().groups().forEach((g, pids) -> state.view.put(g, new ArrayList<>(pids)));
			}
			started.complete(null);
			for (;;) {
				switch (ctx.receive()) {
					case GroupEvent.Joined joined -> {
						state.events.add(joined);
						state.view.computeIfAbsent(joined.group(), (g) -> new ArrayList<>()).addAll(joined.pids());
					}
					case GroupEvent.Left left -> {
						state.events.add(left);
						List<Pid> members = state.view.computeIfAbsent(left.group(), (g) -> new ArrayList<>());
						for (Pid gone : left.pids()) {
							if (!members.remove(gone)) {
								state.violations.add("Left of " + gone + " not in the view: " + left);
							}
						}
					}
					case Flush flush -> flush.answer.complete(state.copy());
					default -> {
					}
				}
			}
		});
		Await.result(started);
		return new GroupWatcher(scope.runtime(), pid);
	}

	/**
	 * The watcher's state after every event sent to it before this call: call it when the network
	 * is quiet and nothing else acts.
	 */
	State state() {
		CompletableFuture<State> answer = new CompletableFuture<>();
		this.runtime.send(this.pid, new Flush(answer));
		return Await.result(answer);
	}

	/** @return the view's members of a group, in no order */
	List<Pid> members(Object group) {
		return state().view.getOrDefault(group, List.of());
	}

	private record Flush(CompletableFuture<State> answer) {
	}

	/** What a watcher rebuilt: the members by group, the events, and Lefts it could not apply. */
	static final class State {

		final Map<Object, List<Pid>> view = new HashMap<>();

		final List<GroupEvent> events = new ArrayList<>();

		final List<String> violations = new ArrayList<>();

		State copy() {
			State copy = new State();
			this.view.forEach((group, pids) -> copy.view.put(group, List.copyOf(pids)));
			copy.events.addAll(this.events);
			copy.violations.addAll(this.violations);
			return copy;
		}

	}

}
