package dev.procreg.demo.flow;

import java.math.BigDecimal;

/**
 * The message broadcast to every flow of a donor when one of the donor's donations is confirmed.
 *
 * @param donationId the donation
 * @param amount its amount
 * @param currency its currency
 * @param status its status
 */
public record DonationUpdate(String donationId, BigDecimal amount, String currency, String status) {
}
