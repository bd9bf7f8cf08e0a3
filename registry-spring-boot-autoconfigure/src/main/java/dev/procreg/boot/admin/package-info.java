/**
 * The web admin page at {@code /process-admin}: registries, keys, processes, the supervision
 * tree and process groups, live, with a small JSON API under {@code /process-admin/api}, and
 * terminating a process for users allowed to.
 */
@NullMarked
package dev.procreg.boot.admin;

import org.jspecify.annotations.NullMarked;
