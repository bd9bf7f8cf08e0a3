package dev.procreg.cluster.codec;

import java.io.Serializable;

/** A message of the application's own, outside the protocol's packages. */
record CodecMessage(String text) implements Serializable {
}
