package dev.procreg.demo.donation;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Checks what a donor submits: every error names the field it is about.
 */
@Component
public class DonationValidator {

	/** The most decimal places an amount may have. */
	public static final int MAX_SCALE = 2;

	private static final Pattern DONOR_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,128}");

	private final DonationProperties properties;

	public DonationValidator(DonationProperties properties) {
		this.properties = properties;
	}

	private static String echo(String value) {
		return (value.length() <= 16) ? value : value.substring(0, 16) + "… (" + value.length() + " characters)";
	}

	/**
	 * @param donorId a donor id from a request
	 * @return the donor id
	 * @throws InvalidInputException when it is not 1 to 64 letters, digits, '.', '_' or '-'
	 */
	public static String donorId(@Nullable String donorId) {
		if (donorId == null || !DONOR_ID.matcher(donorId).matches()) {
			throw new InvalidInputException("donorId",
					"donorId must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
		}
		return donorId;
	}

	/**
	 * @param donorId the donor
	 * @param amount the amount
	 * @param currency the currency, or null for the default
	 * @param idempotencyKey the key
	 * @return the submission
	 * @throws InvalidInputException naming the first field that is wrong
	 */
	public DonationSubmission validate(String donorId, @Nullable BigDecimal amount, @Nullable String currency,
			@Nullable String idempotencyKey) {
		donorId(donorId);
		if (amount == null) {
			throw new InvalidInputException("amount", "amount is required");
		}
		if (amount.signum() <= 0) {
			throw new InvalidInputException("amount", "amount must be positive");
		}
		if (amount.stripTrailingZeros().scale() > MAX_SCALE) {
			throw new InvalidInputException("amount", "amount must have at most " + MAX_SCALE + " decimal places");
		}
		String code = (currency == null || currency.isBlank()) ? this.properties.defaultCurrency()
				: currency.trim().toUpperCase(Locale.ROOT);
		BigDecimal maximum = this.properties.currencies().get(code);
		if (maximum == null) {
			throw new InvalidInputException("currency",
					"currency must be one of " + this.properties.currencies().keySet() + ", not '" + echo(currency) + "'");
		}
		if (amount.compareTo(maximum) > 0) {
			throw new InvalidInputException("amount",
					"amount must be at most " + maximum.toPlainString() + " " + code);
		}
		if (idempotencyKey == null || idempotencyKey.isBlank()) {
			throw new InvalidInputException("idempotencyKey", "idempotencyKey is required");
		}
		if (!IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
			throw new InvalidInputException("idempotencyKey",
					"idempotencyKey must be 1 to 128 printable characters without spaces");
		}
		return new DonationSubmission(donorId, amount, code, idempotencyKey);
	}

}
