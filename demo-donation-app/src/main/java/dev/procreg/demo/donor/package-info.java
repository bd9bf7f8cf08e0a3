/**
 * What the API does for a donor: sessions, flows and submissions put together.
 */
@NullMarked
package dev.procreg.demo.donor;

import org.jspecify.annotations.NullMarked;
