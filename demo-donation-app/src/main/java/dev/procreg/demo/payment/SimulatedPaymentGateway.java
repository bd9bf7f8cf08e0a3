package dev.procreg.demo.payment;

import java.util.Locale;

import dev.procreg.demo.donation.Donation;

/**
 * The demo's stand-in for a payment provider: every charge succeeds, and the reference derives
 * from the donation id, so charging again is harmless.
 */
public class SimulatedPaymentGateway implements PaymentGateway {

	@Override
	public String charge(Donation donation) {
		return "PAY-" + donation.id().substring(0, 8).toUpperCase(Locale.ROOT);
	}

}
