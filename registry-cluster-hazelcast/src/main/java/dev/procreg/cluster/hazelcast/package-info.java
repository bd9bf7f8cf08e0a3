/**
 * Hazelcast as membership, failure detector and name arbiter: every Hazelcast import of the
 * module lives in this package, so that another membership engine could replace it.
 */
@NullMarked
package dev.procreg.cluster.hazelcast;

import org.jspecify.annotations.NullMarked;
