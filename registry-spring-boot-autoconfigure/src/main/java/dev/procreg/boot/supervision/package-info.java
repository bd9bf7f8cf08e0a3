/**
 * Top-level supervisors as part of the application context: started when the context starts,
 * stopped in reverse order when it stops.
 */
@NullMarked
package dev.procreg.boot.supervision;

import org.jspecify.annotations.NullMarked;
