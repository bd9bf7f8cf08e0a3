/**
 * {@link dev.procreg.group.ProcessGroups}: Erlang's {@code :pg}, process groups with scopes,
 * multiple joins, monitors with leave-by-death events, and no stale reads.
 */
@NullMarked
package dev.procreg.group;

import org.jspecify.annotations.NullMarked;
