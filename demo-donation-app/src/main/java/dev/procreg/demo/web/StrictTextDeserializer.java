package dev.procreg.demo.web;

import dev.procreg.demo.donation.InvalidInputException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;

/**
 * A text field as a JSON string only: {@code "idempotencyKey": 123} or {@code true} is an error
 * naming the field, not the text "123".
 */
class StrictTextDeserializer extends ValueDeserializer<String> {

	@Override
	public String deserialize(JsonParser parser, DeserializationContext context) {
		if (parser.currentToken() == JsonToken.VALUE_STRING) {
			return parser.getString();
		}
		String field = Problems.echo(parser.currentName());
		throw new InvalidInputException(field, field + " must be a JSON string, not " + describe(parser.currentToken()));
	}

	static String describe(JsonToken token) {
		return switch (token) {
			case VALUE_STRING -> "a string";
			case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
			case VALUE_TRUE, VALUE_FALSE -> "a boolean";
			case START_OBJECT -> "an object";
			case START_ARRAY -> "an array";
			default -> String.valueOf(token);
		};
	}

}
