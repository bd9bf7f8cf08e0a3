package dev.procreg.demo.payment;

import java.time.Clock;

import org.jspecify.annotations.Nullable;

import dev.procreg.demo.donation.Donation;
import dev.procreg.demo.donation.DonationRepository;
import dev.procreg.demo.donation.DonationStatus;
import dev.procreg.group.ProcessGroups;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;

/**
 * A payment worker: joins the {@code payment-workers} process group when it starts, takes the
 * payment of the donations handed to it and confirms them. It keeps nothing in memory: when it
 * crashes its supervisor starts a new one, which joins the group in its place, and the donation
 * is handed out again. Confirming is conditional on the donation being pending, so a retry never
 * confirms twice.
 */
public class PaymentWorker extends GenServer<Integer> {

	/** The process group the workers join. */
	public static final String GROUP = "payment-workers";

	private final ProcessGroups groups;

	private final PaymentGateway gateway;

	private final DonationRepository donations;

	private final Clock clock;

	public PaymentWorker(ProcessGroups groups, PaymentGateway gateway, DonationRepository donations, Clock clock) {
		this.groups = groups;
		this.gateway = gateway;
		this.donations = donations;
		this.clock = clock;
	}

	@Override
	protected Init<Integer> init(@Nullable Object arg) {
		this.groups.join(GROUP, self());
		return ok(0);
	}

	@Override
	protected Result<Integer> handleCall(Object request, From from, Integer paid) {
		Pay pay = (Pay) request;
		Donation stored = this.donations.findById(pay.donation().id())
			.orElseThrow(() -> new IllegalStateException("Donation " + pay.donation().id() + " is not stored"));
		if (stored.status() == DonationStatus.CONFIRMED) {
			return reply(stored, paid);
		}
		String reference = this.gateway.charge(stored);
		this.donations.confirm(stored.id(), reference, this.clock.instant());
		return reply(this.donations.findById(stored.id()).orElseThrow(), paid + 1);
	}

	/**
	 * Take the payment of a donation; answers the donation as stored afterwards.
	 *
	 * @param donation the donation
	 */
	public record Pay(Donation donation) {
	}

}
