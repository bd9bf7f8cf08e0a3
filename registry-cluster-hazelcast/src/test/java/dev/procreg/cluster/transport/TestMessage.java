package dev.procreg.cluster.transport;

import java.io.Serializable;

/** A message of the application's own, outside the protocol's packages. */
record TestMessage(String text) implements Serializable {
}
