package dev.procreg.process;

/**
 * An exit signal turned into a message, received by a process that traps exits
 * ({@link ProcessContext#trapExits(boolean)}); Erlang's {@code {'EXIT', From, Reason}}.
 *
 * @param from the process the signal came from (a linked process, or the sender of
 * {@link ProcessRuntime#exit(Name, ExitReason)}); {@code null} when sent from outside any process
 * @param reason the exit reason
 */
public record Exit(@org.jspecify.annotations.Nullable Pid from, ExitReason reason) {
}
