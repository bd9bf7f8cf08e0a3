package dev.procreg.demo.donor;

import dev.procreg.demo.donation.Donation;

/**
 * The donor sent an idempotency key again with another amount or currency.
 */
public class IdempotencyKeyReusedException extends RuntimeException {

	public IdempotencyKeyReusedException(Donation donation) {
		super("idempotencyKey '" + donation.idempotencyKey() + "' was already used for donation " + donation.id()
				+ " of " + donation.amount().toPlainString() + " " + donation.currency());
	}

}
