package dev.procreg.process;

/**
 * The result of {@link ProcessRuntime#spawnMonitor(ProcessBody)}.
 *
 * @param pid the new process
 * @param ref the monitor the calling process holds on it
 */
public record SpawnedMonitor(Pid pid, MonitorRef ref) {
}
