package dev.procreg.process;

import org.jspecify.annotations.Nullable;

/**
 * A {@link Name} under which a process can be started: a registered name or a registry's via
 * name. Starting a server under it registers the new process before its {@code init} runs.
 */
public interface RegistrableName extends Name {

	/**
	 * Registers a process under this name, unless a live process holds it already. Called by the
	 * runtime with a process that has not run any code yet.
	 * @param process the process to register
	 * @return {@code null} when registered, or the pid of the live process that holds the name
	 */
	@Nullable Pid register(LocalProcess process);

}
