/**
 * {@link dev.procreg.registry.ProcessRegistry}: Elixir's {@code Registry}, with unique and
 * duplicate keys, partitions, via names, listeners and metadata, and no stale reads.
 */
@NullMarked
package dev.procreg.registry;

import org.jspecify.annotations.NullMarked;
