/**
 * Production support: the {@code registries} actuator endpoint, Micrometer meters and the
 * {@code processRegistry} health contributor.
 */
@NullMarked
package dev.procreg.boot.actuate;

import org.jspecify.annotations.NullMarked;
