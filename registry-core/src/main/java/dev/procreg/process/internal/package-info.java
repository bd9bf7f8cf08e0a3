/**
 * Internal: the part of a process the core's other packages need, and nothing a user or the
 * starter may name. {@link dev.procreg.process.internal.Owner} is a process as the owner token
 * that registries, groups, registry locks and supervisors hold (its liveness word, its exit
 * hooks, the calling process); {@link dev.procreg.process.internal.ExitHook} is what runs at its
 * death, attached with the one write-attach-undo idiom
 * ({@link dev.procreg.process.internal.Owner#attachOrRun}); and
 * {@link dev.procreg.process.internal.NameRegistrars} lets a registry's via names register a
 * starting server; {@link dev.procreg.process.internal.Runtimes} records the components built on
 * a runtime (registries, scopes, keyed workers) and the supervisors it stops first on close. The types are public only so that {@code dev.procreg.registry},
 * {@code dev.procreg.group} and {@code dev.procreg.supervisor} can reach them: no public
 * signature of an API package mentions them, which {@code ApiBoundaryTests} checks.
 */
@NullMarked
package dev.procreg.process.internal;

import org.jspecify.annotations.NullMarked;
