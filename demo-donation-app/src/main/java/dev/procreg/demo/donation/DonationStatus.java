package dev.procreg.demo.donation;

/**
 * Where a donation is in its life.
 */
public enum DonationStatus {

	/** Recorded, waiting for a payment worker to take the payment. */
	PENDING,

	/** Paid: a payment worker took the payment and recorded its reference. */
	CONFIRMED

}
