package dev.procreg.demo.payment;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.demo.donation.Donation;
import dev.procreg.demo.donation.DonationRepository;
import dev.procreg.demo.donation.DonationStatus;
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
 *
 * <p>In a cluster the group holds every node's workers, and a worker may run on a node whose
 * database does not have the donation: a worker only charges (the request carries the donation)
 * and the node that stores the donation confirms it ({@link #pay} here, or the donor's session
 * on its node after {@link #charge}).
 */
@Service
public class PaymentWorkers {

	private static final Logger logger = LoggerFactory.getLogger(PaymentWorkers.class);

	private final ProcessRuntime runtime;

	private final ProcessGroups groups;

	private final DonationRepository donations;

	private final PaymentProperties properties;

	private final AtomicInteger next = new AtomicInteger();

	private final Clock clock;

	private final Counter retries;

	private final Counter localCharges;

	private final Counter remoteCharges;

	public PaymentWorkers(ProcessRuntime runtime, ProcessGroups groups, DonationRepository donations,
			PaymentProperties properties, Clock clock, MeterRegistry meters) {
		this.runtime = runtime;
		this.groups = groups;
		this.donations = donations;
		this.properties = properties;
		this.clock = clock;
		this.localCharges = Counter.builder("donation.payment.charges")
			.description("Donations this node had charged, by where the payment worker ran")
			.tag("worker", "local")
			.register(meters);
		this.remoteCharges = Counter.builder("donation.payment.charges")
			.description("Donations this node had charged, by where the payment worker ran")
			.tag("worker", "remote")
			.register(meters);
		this.retries = Counter.builder("donation.payment.retries")
			.description("Donations handed to another payment worker after one died or timed out")
			.register(meters);
	}

	/**
	 * Takes the payment of a donation stored in this node's database and confirms it there.
	 * @param donation a donation stored in this node's database
	 * @return the donation as stored afterwards: confirmed, or still pending when no worker could
	 * take it within the attempts
	 */
	public Donation pay(Donation donation) {
		Optional<Donation> stored = this.donations.findById(donation.id());
		if (stored.isPresent() && stored.get().status() == DonationStatus.CONFIRMED) {
			return stored.get();
		}
		Optional<PaymentWorker.Charged> charged = charge(donation);
		if (charged.isPresent()) {
			this.donations.confirm(donation.id(), charged.get().reference(), this.clock.instant());
		}
		return this.donations.findById(donation.id()).orElse(donation);
	}

	/**
	 * Charges a donation through a payment worker of any node, and stores nothing: the caller
	 * confirms it where it is stored.
	 * @param donation the donation
	 * @return the charge, or empty when no worker took it within the attempts
	 */
	public Optional<PaymentWorker.Charged> charge(Donation donation) {
		for (int attempt = 1; attempt <= this.properties.attempts(); attempt++) {
			List<Pid> members = this.groups.members(PaymentWorker.GROUP);
			if (members.isEmpty()) {
				// every worker is being restarted: give the supervisor a moment
				LockSupport.parkNanos(Duration.ofMillis(20L * attempt).toNanos());
				continue;
			}
			Pid worker = members.get(Math.floorMod(this.next.getAndIncrement(), members.size()));
			try {
				PaymentWorker.Charged charged = this.runtime.call(worker, new PaymentWorker.Pay(donation),
						this.properties.callTimeout());
				(worker.node().equals(this.runtime.node()) ? this.localCharges : this.remoteCharges).increment();
				return Optional.of(charged);
			}
			catch (ProcessExitException | NoProcessException | CallTimeoutException ex) {
				this.retries.increment();
				logger.warn("Payment worker {} failed on donation {} (attempt {} of {}): {}", worker, donation.id(),
						attempt, this.properties.attempts(), ex.getMessage());
			}
		}
		logger.warn("Donation {} stays pending: no payment worker took it in {} attempts", donation.id(),
				this.properties.attempts());
		return Optional.empty();
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
