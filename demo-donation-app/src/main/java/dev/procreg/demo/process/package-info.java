/**
 * The root of the demo's supervision tree, what happens when a top-level supervisor gives up,
 * and the answer a request gets when a process it needs is not there.
 */
@NullMarked
package dev.procreg.demo.process;

import org.jspecify.annotations.NullMarked;
