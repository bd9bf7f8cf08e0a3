/**
 * Connections between nodes on Netty: one per pair of members, ordered, framed, optionally TLS,
 * carrying the runtime's {@link dev.procreg.process.Signal}s through a pluggable codec.
 */
@NullMarked
package dev.procreg.cluster.transport;

import org.jspecify.annotations.NullMarked;
