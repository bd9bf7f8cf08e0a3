/**
 * How keys are spread over partitions, one function for registries, supervisors and workers.
 */
@NullMarked
package dev.procreg.partition;

import org.jspecify.annotations.NullMarked;
