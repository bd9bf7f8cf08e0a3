/**
 * Session-scoped workers: {@link dev.procreg.boot.worker.RegisteredProcess @RegisteredProcess}
 * GenServer beans, one process per key, started on first use through
 * {@link dev.procreg.boot.worker.ProcessTemplate}.
 */
@NullMarked
package dev.procreg.boot.worker;

import org.jspecify.annotations.NullMarked;
