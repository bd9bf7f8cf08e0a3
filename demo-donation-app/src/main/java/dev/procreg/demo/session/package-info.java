/**
 * Donor sessions: one process per donor id in a unique registry, passivated when idle.
 */
@NullMarked
package dev.procreg.demo.session;

import org.jspecify.annotations.NullMarked;
