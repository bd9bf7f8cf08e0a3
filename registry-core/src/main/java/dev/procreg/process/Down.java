package dev.procreg.process;

/**
 * The message a monitoring process receives, exactly once, when the process it monitors exits;
 * Erlang's {@code {'DOWN', Ref, process, Pid, Reason}}.
 *
 * @param ref the reference returned by {@code monitor}
 * @param pid the process that exited
 * @param reason why; {@link ExitReason#NOPROC} when it was not alive when monitored
 */
public record Down(MonitorRef ref, Pid pid, ExitReason reason) {
}
