/**
 * The one read model operators see: registries and their keys (paged before values are
 * projected), processes, the supervision tree, groups, worker types, health, and terminating a
 * process by one stated policy. Adapters (an actuator endpoint, an admin page, a health
 * contributor, metrics) render it; none describes the runtime itself.
 */
@NullMarked
package dev.procreg.introspect;

import org.jspecify.annotations.NullMarked;
