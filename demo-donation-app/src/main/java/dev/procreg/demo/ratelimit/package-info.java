/**
 * The rate limiter, a named singleton process: the document's named-process pattern.
 */
@NullMarked
package dev.procreg.demo.ratelimit;

import org.jspecify.annotations.NullMarked;
