package dev.procreg.demo.web;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/donors/{donorId}/donations}.
 *
 * @param amount the amount, positive
 * @param currency the currency, the configured default when absent
 * @param idempotencyKey a key unique to this donation attempt; resubmitting with it is safe
 */
public record DonationRequest(@Nullable BigDecimal amount, @Nullable String currency,
		@Nullable String idempotencyKey) {
}
