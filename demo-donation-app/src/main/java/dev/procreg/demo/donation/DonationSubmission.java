package dev.procreg.demo.donation;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * A validated request to donate.
 *
 * @param donorId the donor
 * @param amount the amount, positive and at most the currency's maximum
 * @param currency a configured currency
 * @param idempotencyKey the key that makes resubmitting safe
 */
public record DonationSubmission(String donorId, BigDecimal amount, String currency, String idempotencyKey)
		implements Serializable {

}
