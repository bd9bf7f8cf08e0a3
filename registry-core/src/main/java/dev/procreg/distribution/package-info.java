/**
 * Runtimes as nodes of a cluster: {@link dev.procreg.distribution.InMemoryNetwork} connects
 * runtimes of one JVM through the {@link dev.procreg.process.Distribution} SPI, for tests and
 * simulations; a real transport lives in {@code registry-cluster-hazelcast}.
 */
@NullMarked
package dev.procreg.distribution;

import org.jspecify.annotations.NullMarked;
