package dev.procreg.demo.donation;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A donation as stored. Serializable: it travels between nodes in session replies and payment
 * requests.
 *
 * @param id the donation's id, a UUID
 * @param donorId the donor who gave it
 * @param amount the amount, positive
 * @param currency the ISO 4217 currency code
 * @param idempotencyKey the key the donor submitted it with, unique per donor
 * @param status where it is in its life
 * @param paymentReference the payment's reference once confirmed
 * @param createdAt when it was recorded
 * @param confirmedAt when its payment was taken
 */
public record Donation(String id, String donorId, BigDecimal amount, String currency, String idempotencyKey,
		DonationStatus status, @Nullable String paymentReference, Instant createdAt, @Nullable Instant confirmedAt)
		implements Serializable {

	/**
	 * @param submission another submission
	 * @return whether the submission asks for the same donation as this one (amount and currency)
	 */
	public boolean sameAs(DonationSubmission submission) {
		return this.amount.compareTo(submission.amount()) == 0 && this.currency.equals(submission.currency());
	}

}
