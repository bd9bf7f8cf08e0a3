package dev.procreg.demo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.procreg.demo.donation.Donation;
import dev.procreg.demo.payment.PaymentGateway;
import dev.procreg.demo.payment.SimulatedPaymentGateway;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;

/**
 * A payment gateway that crashes the payment worker on the first charge of every donation of a
 * donor whose id starts with {@code crash-}, and counts charges.
 */
class CrashingPaymentGateway implements PaymentGateway {

	private final SimulatedPaymentGateway delegate = new SimulatedPaymentGateway();

	private final ProcessRuntime runtime;

	private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> charges = new ConcurrentHashMap<>();

	private final List<Pid> crashedWorkers = new CopyOnWriteArrayList<>();

	CrashingPaymentGateway(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	public String charge(Donation donation) {
		int attempt = this.attempts.computeIfAbsent(donation.id(), (id) -> new AtomicInteger()).incrementAndGet();
		if (donation.donorId().startsWith("crash-") && attempt == 1) {
			this.crashedWorkers.add(this.runtime.self().orElseThrow());
			throw new IllegalStateException("simulated crash of the payment worker on donation " + donation.id());
		}
		this.charges.computeIfAbsent(donation.id(), (id) -> new AtomicInteger()).incrementAndGet();
		return this.delegate.charge(donation);
	}

	int attempts(String donationId) {
		AtomicInteger count = this.attempts.get(donationId);
		return (count != null) ? count.get() : 0;
	}

	int charges(String donationId) {
		AtomicInteger count = this.charges.get(donationId);
		return (count != null) ? count.get() : 0;
	}

	List<Pid> crashedWorkers() {
		return List.copyOf(this.crashedWorkers);
	}

}
