package dev.procreg.process.internal;

import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Pid;
import dev.procreg.process.RegistrableName;

/**
 * How a server starting under a {@link RegistrableName} of another package (a registry's via
 * name) gets registered before its {@code init} runs: the name's class installs a
 * {@link Registrar} when it is loaded, so the name's public API says nothing of the process
 * object it registers.
 */
public final class NameRegistrars {

	private static final ConcurrentHashMap<Class<?>, Registrar> BY_KIND = new ConcurrentHashMap<>();

	private NameRegistrars() {
	}

	/**
	 * Installs how names of one class register a process; once per class.
	 * @param kind the name's class
	 * @param registrar how it registers
	 */
	public static void install(Class<? extends RegistrableName> kind, Registrar registrar) {
		if (BY_KIND.putIfAbsent(kind, registrar) != null) {
			throw new IllegalStateException("a registrar for " + kind.getName() + " is installed already");
		}
	}

	/**
	 * Registers a process that has not run any code yet under a name, unless a live process holds
	 * it already.
	 * @param name the name
	 * @param process the process
	 * @return {@code null} when registered, or the pid of the live process that holds the name
	 * @throws IllegalArgumentException when no registrar knows names of that class
	 */
	public static @Nullable Pid register(RegistrableName name, Owner process) {
		Registrar registrar = BY_KIND.get(name.getClass());
		if (registrar == null) {
			throw new IllegalArgumentException(name + " (" + name.getClass().getName()
					+ ") is not a name a process can be started under: use a registered name or a registry's via name");
		}
		return registrar.register(name, process);
	}

	/** How names of one class register a process. */
	@FunctionalInterface
	public interface Registrar {

		/**
		 * @param name the name, of the class the registrar was installed for
		 * @param process the process to register
		 * @return {@code null} when registered, or the pid of the live process that holds the name
		 */
		@Nullable Pid register(RegistrableName name, Owner process);

	}

}
