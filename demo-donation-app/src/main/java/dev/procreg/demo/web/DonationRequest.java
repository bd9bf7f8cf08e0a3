package dev.procreg.demo.web;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * The body of {@code POST /api/donors/{donorId}/donations}, read strictly: a number for the amount,
 * strings for the rest, each field at most once.
 *
 * @param amount the amount, positive, a JSON number without exponent
 * @param currency the currency, the configured default when absent
 * @param idempotencyKey a key unique to this donation attempt; resubmitting with it is safe
 */
public record DonationRequest(@JsonDeserialize(using = StrictAmountDeserializer.class) @Nullable BigDecimal amount,
		@JsonDeserialize(using = StrictTextDeserializer.class) @Nullable String currency,
		@JsonDeserialize(using = StrictTextDeserializer.class) @Nullable String idempotencyKey) {
}
