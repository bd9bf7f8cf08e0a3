package dev.procreg.demo.payment;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.demo.donation.Donation;
import dev.procreg.demo.donation.DonationRepository;
import dev.procreg.group.ProcessGroups;
import dev.procreg.process.CallTimeoutException;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessExitException;
import dev.procreg.process.ProcessRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Service;

/**
 * Hands donations to the members of the {@code payment-workers} process group, round robin. When
 * a worker dies during the hand-off (or does not answer in time), the donation goes to the next
 * member, or to the worker's replacement once its supervisor restarted it; after the configured
 * attempts the donation stays pending, stored, for {@link PaymentRecovery}.
 */
@Service
public class PaymentWorkers {

	private static final Logger logger = LoggerFactory.getLogger(PaymentWorkers.class);

	private final ProcessRuntime runtime;

	private final ProcessGroups groups;

	private final DonationRepository donations;

	private final PaymentProperties properties;

	private final AtomicInteger next = new AtomicInteger();

	private final Counter retries;

	public PaymentWorkers(ProcessRuntime runtime, ProcessGroups groups, DonationRepository donations,
			PaymentProperties properties, MeterRegistry meters) {
		this.runtime = runtime;
		this.groups = groups;
		this.donations = donations;
		this.properties = properties;
		this.retries = Counter.builder("donation.payment.retries")
			.description("Donations handed to another payment worker after one died or timed out")
			.register(meters);
	}

	/**
	 * Takes the payment of a donation.
	 * @param donation a stored donation
	 * @return the donation as stored afterwards: confirmed, or still pending when no worker could
	 * take it within the attempts
	 */
	public Donation pay(Donation donation) {
		for (int attempt = 1; attempt <= this.properties.attempts(); attempt++) {
			List<Pid> members = this.groups.members(PaymentWorker.GROUP);
			if (members.isEmpty()) {
				// every worker is being restarted: give the supervisor a moment
				LockSupport.parkNanos(Duration.ofMillis(20L * attempt).toNanos());
				continue;
			}
			Pid worker = members.get(Math.floorMod(this.next.getAndIncrement(), members.size()));
			try {
				return this.runtime.call(worker, new PaymentWorker.Pay(donation), this.properties.callTimeout());
			}
			catch (ProcessExitException | NoProcessException | CallTimeoutException ex) {
				this.retries.increment();
				logger.warn("Payment worker {} failed on donation {} (attempt {} of {}): {}", worker, donation.id(),
						attempt, this.properties.attempts(), ex.getMessage());
			}
		}
		logger.warn("Donation {} stays pending: no payment worker took it in {} attempts", donation.id(),
				this.properties.attempts());
		return this.donations.findById(donation.id()).orElse(donation);
	}

	/**
	 * Waits a moment for a payment worker (one being restarted by its supervisor is back within
	 * milliseconds).
	 * @param patience how long to wait at most
	 * @return whether a worker is a member of the group
	 */
	public boolean awaitWorker(Duration patience) {
		long deadline = System.nanoTime() + patience.toNanos();
		while (this.groups.members(PaymentWorker.GROUP).isEmpty()) {
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
		}
		return true;
	}

	/** @return the members of the payment workers' group */
	public List<Pid> members() {
		return this.groups.members(PaymentWorker.GROUP);
	}

}
