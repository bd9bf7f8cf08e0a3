/**
 * The operator console at {@code /process-admin}: its page and the JSON API under
 * {@code /process-admin/api} that renders core's read model (overview, load history, the process
 * table and drawer, supervision, registries, groups, events and their live feed, metrics, health,
 * audit), and terminating a process, deliberately, for users allowed to.
 */
@NullMarked
package dev.procreg.boot.admin;

import org.jspecify.annotations.NullMarked;
