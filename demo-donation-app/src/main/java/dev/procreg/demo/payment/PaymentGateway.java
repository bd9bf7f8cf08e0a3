package dev.procreg.demo.payment;

import dev.procreg.demo.donation.Donation;

/**
 * Takes the money for a donation.
 */
public interface PaymentGateway {

	/**
	 * Charges a donation. Must be idempotent per donation id: a retry after a crash must not take
	 * the money twice.
	 * @param donation the donation
	 * @return the payment's reference
	 */
	String charge(Donation donation);

}
