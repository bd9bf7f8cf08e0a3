/**
 * Cluster-unique names, in procreg's own terms: a {@link ClaimKey} (registry and key) is held by
 * at most one {@link Claim} (the owner's node, serial and claim time); after a split heals, the
 * owners re-assert their claims and a pure {@link ClaimResolver} decides each conflict the same
 * way on every node. No arbiter engine's type appears here.
 */
@NullMarked
package dev.procreg.cluster.names;

import org.jspecify.annotations.NullMarked;
