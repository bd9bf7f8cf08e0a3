package dev.procreg.cluster.transport;

/** Where a connection between two nodes stands. */
public enum ConnectionState {

	/** Connected, exchanging names: no signal passes yet. */
	HANDSHAKING,

	/** Carrying signals. */
	UP,

	/** Closed or closing: sends to the node are refused. */
	CLOSED

}
