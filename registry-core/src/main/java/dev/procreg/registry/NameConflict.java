package dev.procreg.registry;

import java.io.Serial;
import java.io.Serializable;

import dev.procreg.process.Pid;

/**
 * The exit reason of a process that lost its key of a cluster-scoped registry to an older
 * claim, after a network split healed (each side had let a process claim it): the process is
 * sent this exit signal, as syn and Horde do, and a supervisor does not restart it.
 *
 * <pre>{@code
 * case Down(var ref, var pid, ExitReason.Custom(NameConflict conflict)) ->
 *     log.info("{} lost {} to {}", pid, conflict.key(), conflict.winner());
 * }</pre>
 *
 * @param registry the registry
 * @param key the key
 * @param winner the process that keeps it
 */
public record NameConflict(String registry, Object key, Pid winner) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

}
