package dev.procreg.demo.donation;

/**
 * Input that is not acceptable; the message names the field.
 */
public class InvalidInputException extends RuntimeException {

	private final String field;

	/**
	 * @param field the name of the offending field, as the client sent it
	 * @param message what is wrong, naming the field
	 */
	public InvalidInputException(String field, String message) {
		super(message);
		this.field = field;
	}

	/** @return the name of the offending field */
	public String field() {
		return this.field;
	}

}
