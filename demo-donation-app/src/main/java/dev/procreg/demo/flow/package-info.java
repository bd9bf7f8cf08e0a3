/**
 * Donation flows: several processes per donor in a duplicate registry, reached together by a broadcast.
 */
@NullMarked
package dev.procreg.demo.flow;

import org.jspecify.annotations.NullMarked;
