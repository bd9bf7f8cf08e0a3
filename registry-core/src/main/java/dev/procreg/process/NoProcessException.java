package dev.procreg.process;

/**
 * Thrown at once when a name resolves to no live process: Erlang's {@code noproc}.
 */
public class NoProcessException extends ProcessException {

	private final transient Name name;

	public NoProcessException(Name name, String message) {
		super(message);
		this.name = name;
	}

	/** @return the name that resolved to nothing */
	public Name name() {
		return this.name;
	}

}
