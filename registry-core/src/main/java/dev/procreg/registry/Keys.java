package dev.procreg.registry;

/** Whether a key of a registry names one process or many. */
public enum Keys {

	/** One live process per key: sessions by donor id, via names. */
	UNIQUE,

	/** Any number of processes per key, each with its own value: subscriptions, flows per donor. */
	DUPLICATE

}
