package dev.procreg.demo.payment;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

	/**
	 * Hands every donation pending since before {@code before} to the payment workers, a page of
	 * {@value #BATCH} at a time (the limit is in the query), each page paid concurrently: the workers
	 * are the bottleneck, not this loop. A donation that stays pending (no worker took it) is left
	 * for the next run; paging by (created_at, id) never reads it twice in one run.
	 * @param before only donations recorded before this
	 * @return how many donations were handed out
	 */
	int recover(Instant before) {
		int total = 0;
		Donation last = null;
		try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			for (;;) {
				List<Donation> page = this.donations.findPending(before, last, BATCH);
				if (page.isEmpty()) {
					break;
				}
				if (total == 0) {
					logger.info("Taking up pending donations recorded before {}", before);
				}
				List<Future<Donation>> paid = new ArrayList<>(page.size());
				for (Donation donation : page) {
					paid.add(executor.submit(() -> this.payments.pay(donation)));
				}
				for (Future<Donation> result : paid) {
					result.get();
				}
				total += page.size();
				last = page.get(page.size() - 1);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			logger.warn("Recovery of pending donations stopped: {}", ex.getCause().toString());
		}
		if (total > 0) {
			logger.info("Took up {} pending donation(s)", total);
		}
		return total;
	}

}
