/**
 * Who is in the cluster, in procreg's own terms: members are {@link dev.procreg.process.NodeId
 * node ids} with the address of their transport, and a {@link MembershipListener} hears them come
 * and go. No membership engine's type appears here, so the transport and the runtime depend on
 * these types only.
 */
@NullMarked
package dev.procreg.cluster.membership;

import org.jspecify.annotations.NullMarked;
