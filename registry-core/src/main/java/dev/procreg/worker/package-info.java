/**
 * Keyed workers: one supervised, registered process per key (a session, a donor, an order),
 * started on first use and stopped when idle, in plain Java.
 */
@NullMarked
package dev.procreg.worker;

import org.jspecify.annotations.NullMarked;
