/**
 * Lightweight processes on virtual threads: {@link dev.procreg.process.ProcessRuntime},
 * {@link dev.procreg.process.Pid}, links, monitors, named processes and
 * {@link dev.procreg.process.GenServer}.
 */
@NullMarked
package dev.procreg.process;

import org.jspecify.annotations.NullMarked;
