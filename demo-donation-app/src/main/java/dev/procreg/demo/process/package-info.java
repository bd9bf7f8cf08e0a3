/**
 * The root of the demo's supervision tree.
 */
@NullMarked
package dev.procreg.demo.process;

import org.jspecify.annotations.NullMarked;
