package dev.procreg.demo.payment;

import java.io.Serializable;

import org.jspecify.annotations.Nullable;

import dev.procreg.demo.donation.Donation;
import dev.procreg.group.ProcessGroups;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;

/**
 * A payment worker: joins the {@code payment-workers} process group when it starts and charges
 * the donations handed to it through the payment gateway. It keeps nothing in memory and reads
 * no database: a {@link Pay} request carries the donation, and the node that stores the donation
 * confirms it with the reference the worker answers ({@link PaymentWorkers#pay}). So in a cluster
 * any node's worker can take any node's donation, whatever database each node has. When a worker
 * crashes its supervisor starts a new one, which joins the group in its place, and the donation
 * is handed out again; the gateway's charge is idempotent per donation, and confirming is
 * conditional on the donation being pending, so a retry never takes the money nor confirms twice.
 */
public class PaymentWorker extends GenServer<Integer> {

	/** The process group the workers join. */
	public static final String GROUP = "payment-workers";

	private final ProcessGroups groups;

	private final PaymentGateway gateway;

	public PaymentWorker(ProcessGroups groups, PaymentGateway gateway) {
		this.groups = groups;
		this.gateway = gateway;
	}

	@Override
	protected Init<Integer> init(@Nullable Object arg) {
		this.groups.join(GROUP, self());
		return ok(0);
	}

	@Override
	protected Result<Integer> handleCall(Object request, From from, Integer charged) {
		Pay pay = (Pay) request;
		String reference = this.gateway.charge(pay.donation());
		return reply(new Charged(pay.donation().id(), reference, self().node()), charged + 1);
	}

	/**
	 * Charge a donation; answers {@link Charged}.
	 *
	 * @param donation the donation, as its node stored it
	 */
	public record Pay(Donation donation) implements Serializable {
	}

	/**
	 * A donation charged.
	 *
	 * @param donationId the donation
	 * @param reference the payment's reference
	 * @param node the node of the worker that charged it
	 */
	public record Charged(String donationId, String reference, String node) implements Serializable {
	}

}
