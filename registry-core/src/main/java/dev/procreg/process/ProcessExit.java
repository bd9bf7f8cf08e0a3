package dev.procreg.process;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One process's exit as an {@link ExitObserver} hears it.
 *
 * @param pid the process
 * @param reason why it exited
 * @param parent the process that started it linked (its supervisor), or {@code null}
 * @param registeredNames the runtime name and registry keys it held when it died
 */
public record ProcessExit(Pid pid, ExitReason reason, @Nullable Pid parent, List<String> registeredNames) {
}
