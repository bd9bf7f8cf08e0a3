package dev.procreg.demo.web;

import java.math.BigDecimal;

import dev.procreg.demo.donation.InvalidInputException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;

/**
 * Money as the JSON number the donor wrote, nothing looser: {@code 100000} or {@code 12.50}, never
 * a string ({@code "100"}, {@code " 5 "}), a boolean, or an exponent ({@code 1e2}).
 */
class StrictAmountDeserializer extends ValueDeserializer<BigDecimal> {

	@Override
	public BigDecimal deserialize(JsonParser parser, DeserializationContext context) {
		String field = Problems.echo(parser.currentName());
		JsonToken token = parser.currentToken();
		if (token == JsonToken.VALUE_NUMBER_INT) {
			return parser.getDecimalValue();
		}
		if (token == JsonToken.VALUE_NUMBER_FLOAT) {
			String text = parser.getString();
			if (text.indexOf('e') < 0 && text.indexOf('E') < 0) {
				return new BigDecimal(text);
			}
			throw new InvalidInputException(field,
					field + " must be written without an exponent, such as 100000 or 12.50, not " + Problems.echo(text));
		}
		throw new InvalidInputException(field, field + " must be a JSON number, such as 100000 or 12.50, not "
				+ StrictTextDeserializer.describe(token));
	}

}
