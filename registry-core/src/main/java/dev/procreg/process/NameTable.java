package dev.procreg.process;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The runtime's registered names. An entry whose process is dead counts as absent at once; its
 * exit hook removes it afterwards, and a register that finds a dead owner replaces it.
 */
final class NameTable {

	private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

	@Nullable Pid register(String name, LocalProcess process) {
		Entry entry = new Entry(name, process);
		Entry current = this.entries.compute(name,
				(key, existing) -> (existing != null && existing.process.isAlive()) ? existing : entry);
		if (current != entry) {
			return current.process.pid;
		}
		if (!process.attach(entry)) {
			// the process died between the write and the attach: it was never visible as alive
			this.entries.remove(name, entry);
		}
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
		protected void processExited(LocalProcess exited, ExitReason reason) {
			NameTable.this.entries.remove(this.name, this);
		}

		@Override
		protected String registeredName() {
			return this.name;
		}

	}

}
