package dev.procreg.demo.donor;

import dev.procreg.demo.donation.Donation;

/**
 * A submission that went through.
 *
 * @param donation the donation, as stored now
 * @param replayed whether it had been recorded by an earlier submission with the same key
 */
public record SubmitResult(Donation donation, boolean replayed) {
}
