/**
 * Donations: validation, idempotent submission and durable storage.
 */
@NullMarked
package dev.procreg.demo.donation;

import org.jspecify.annotations.NullMarked;
