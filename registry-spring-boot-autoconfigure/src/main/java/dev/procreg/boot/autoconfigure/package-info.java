/**
 * Auto-configuration for the process registry: one class per concern (processes and
 * registries, supervision, workers, the actuator endpoint, metrics and health).
 */
@NullMarked
package dev.procreg.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
