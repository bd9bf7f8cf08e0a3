/**
 * The demo as a cluster of nodes on one machine: the {@code cluster} profile's settings and the
 * launcher that starts three nodes with one command.
 */
@NullMarked
package dev.procreg.demo.cluster;

import org.jspecify.annotations.NullMarked;
