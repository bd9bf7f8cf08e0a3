/**
 * The one read model operators see: registries and their keys (paged before values are
 * projected), processes, the supervision tree, groups, worker types, health, and terminating a
 * process by one stated policy. Adapters (an actuator endpoint, an admin page, a health
 * contributor, metrics) render it; none describes the runtime itself.
 *
 * <p>For an operator console: {@link dev.procreg.introspect.ProcessTable} (every process, paged,
 * sorted and searched from one shared snapshot), {@link dev.procreg.introspect.History} (load
 * samples in a ring), {@link dev.procreg.introspect.EventJournal} (recent events and bounded live
 * subscriptions, fed by the runtime's, the supervisors' and the registries' observers) and
 * {@link dev.procreg.introspect.AuditLog} (operators' actions).
 */
@NullMarked
package dev.procreg.introspect;

import org.jspecify.annotations.NullMarked;
