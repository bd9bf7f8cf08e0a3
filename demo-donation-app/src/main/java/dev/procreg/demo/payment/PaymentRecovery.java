package dev.procreg.demo.payment;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.demo.donation.Donation;
import dev.procreg.demo.donation.DonationRepository;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Takes up donations that are recorded but not paid: all of them when the application starts
 * (their request ended with the previous run), and from then on those older than
 * {@code demo.payments.recovery-age}. A donation is recorded before it is paid, so none is lost
 * when a worker, a session or the whole application dies in between.
 */
@Component
public class PaymentRecovery {

	private static final Logger logger = LoggerFactory.getLogger(PaymentRecovery.class);

	private static final int BATCH = 100;

	private final DonationRepository donations;

	private final PaymentWorkers payments;

	private final PaymentProperties properties;

	private final Clock clock;

	public PaymentRecovery(DonationRepository donations, PaymentWorkers payments, PaymentProperties properties,
			Clock clock) {
		this.donations = donations;
		this.payments = payments;
		this.properties = properties;
		this.clock = clock;
	}

	@EventListener(ApplicationReadyEvent.class)
	public void recoverAtStartup() {
		recover(this.clock.instant());
	}

	@Scheduled(initialDelayString = "${demo.payments.recovery-age:1m}", fixedDelayString = "${demo.payments.recovery-age:1m}")
	public void recoverStale() {
		recover(this.clock.instant().minus(this.properties.recoveryAge()));
	}

	private void recover(Instant before) {
		List<Donation> pending = this.donations.findPending(before, BATCH);
		if (!pending.isEmpty()) {
			logger.info("Taking up {} pending donation(s)", pending.size());
			pending.forEach(this.payments::pay);
		}
	}

}
