/**
 * Lightweight processes on virtual threads: {@link dev.procreg.process.ProcessRuntime},
 * {@link dev.procreg.process.Pid}, links, monitors, named processes and
 * {@link dev.procreg.process.GenServer}. A spawned body gets a
 * {@link dev.procreg.process.ReceivingContext}; a server's own context is a
 * {@link dev.procreg.process.ProcessContext}, without {@code receive}. The process object itself
 * is package-private; the core's other packages reach what they need of it through
 * {@code dev.procreg.process.internal}, which is not API.
 */
@NullMarked
package dev.procreg.process;

import org.jspecify.annotations.NullMarked;
