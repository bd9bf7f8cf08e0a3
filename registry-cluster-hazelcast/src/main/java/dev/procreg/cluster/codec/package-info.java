/**
 * How {@link dev.procreg.process.Signal}s become bytes between nodes: the {@link
 * dev.procreg.cluster.codec.SignalCodec} SPI and its default, JDK serialization behind a class
 * allow-list ({@link dev.procreg.cluster.codec.JdkSerializationCodec}).
 */
@NullMarked
package dev.procreg.cluster.codec;

import org.jspecify.annotations.NullMarked;
