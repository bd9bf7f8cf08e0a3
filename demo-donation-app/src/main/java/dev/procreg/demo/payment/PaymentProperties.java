package dev.procreg.demo.payment;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Payment workers.
 *
 * @param workers How many payment workers run in the payment-workers group
 * @param attempts How many times a donation is handed to a worker before it is left pending
 * for the recovery job
 * @param callTimeout How long one attempt may take
 * @param recoveryAge How old a pending donation must be before the recovery takes it up (those
 * younger are still in the hands of their request); at startup every pending donation is taken up
 */
@ConfigurationProperties("demo.payments")
public record PaymentProperties(@DefaultValue("2") int workers, @DefaultValue("5") int attempts,
		@DefaultValue("10s") Duration callTimeout, @DefaultValue("1m") Duration recoveryAge) {

	public PaymentProperties {
		if (workers < 1) {
			throw new IllegalArgumentException("demo.payments.workers must be at least 1, not " + workers);
		}
		if (attempts < 1) {
			throw new IllegalArgumentException("demo.payments.attempts must be at least 1, not " + attempts);
		}
	}

}
