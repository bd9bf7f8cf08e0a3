package dev.procreg.process;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;

/**
 * The runtime's registered names, Erlang's {@code register/2}: a name maps to at most one live
 * process, and a process holds at most one name. An entry whose process is dead counts as absent
 * at once; its exit hook removes it afterwards, and a register that finds a dead owner replaces it.
 *
 * <p>A register first claims the process's one name slot ({@code byProcess}), then the name; when
 * the name is taken it gives the slot back. So two names registered at once for one process
 * never both succeed.
 */
final class NameTable {

	private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<LocalProcess, Entry> byProcess = new ConcurrentHashMap<>();

	/**
	 * @return null when registered, or the pid of the live process that holds the name
	 * @throws IllegalStateException when the process already holds another name
	 */
	@Nullable Pid register(String name, LocalProcess process) {
		Entry entry = new Entry(name, process);
		Entry held = this.byProcess.putIfAbsent(process, entry);
		if (held != null) {
			if (held.name.equals(name) && this.entries.get(name) == held) {
				return process.pid; // registered under this very name already
			}
			throw new IllegalStateException("cannot register '" + name + "': " + process.pid
					+ " is already registered as '" + held.name + "'; a process holds one registered name,"
					+ " as in Erlang (use a registry for more names per process)");
		}
		Entry current = this.entries.compute(name,
				(key, existing) -> (existing != null && existing.process.isAlive()) ? existing : entry);
		if (current != entry) {
			this.byProcess.remove(process, entry);
			return current.process.pid;
		}
		// the process may have died since the write: the entry then comes out again
		process.attachOrRun(entry);
		return null;
	}

	@Nullable Pid whereis(String name) {
		Entry entry = this.entries.get(name);
		return (entry != null && entry.process.isAlive()) ? entry.process.pid : null;
	}

	boolean unregister(String name) {
		Entry entry = this.entries.get(name);
		if (entry == null) {
			return false;
		}
		entry.process.detach(entry);
		this.byProcess.remove(entry.process, entry);
		return this.entries.remove(name, entry) && entry.process.isAlive();
	}

	List<String> names() {
		List<String> names = new ArrayList<>();
		this.entries.forEach((name, entry) -> {
			if (entry.process.isAlive()) {
				names.add(name);
			}
		});
		names.sort(null);
		return names;
	}

	private final class Entry extends ExitHook {

		private final String name;

		private final LocalProcess process;

		Entry(String name, LocalProcess process) {
			this.name = name;
			this.process = process;
		}

		@Override
		protected void processExited(Owner exited, ExitReason reason) {
			NameTable.this.entries.remove(this.name, this);
			NameTable.this.byProcess.remove(this.process, this);
		}

		@Override
		public String registeredName() {
			return this.name;
		}

	}

}
