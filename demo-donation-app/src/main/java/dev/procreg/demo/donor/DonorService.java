package dev.procreg.demo.donor;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.procreg.demo.donation.Donation;
import dev.procreg.demo.donation.DonationLedger;
import dev.procreg.demo.donation.DonationLedgers;
import dev.procreg.demo.donation.DonationProperties;
import dev.procreg.demo.donation.DonationRepository;
import dev.procreg.demo.donation.DonationStatus;
import dev.procreg.demo.donation.DonationSubmission;
import dev.procreg.demo.donation.DonationValidator;
import dev.procreg.demo.donation.InvalidInputException;
import dev.procreg.demo.flow.DonationFlows;
import dev.procreg.demo.flow.DonationUpdate;
import dev.procreg.demo.flow.FlowInfo;
import dev.procreg.demo.payment.PaymentWorker;
import dev.procreg.demo.payment.PaymentWorkers;
import dev.procreg.demo.process.UnavailableException;
import dev.procreg.demo.ratelimit.RateLimitProperties;
import dev.procreg.demo.session.DonorSession;
import dev.procreg.demo.session.DonorSessions;
import dev.procreg.demo.session.SessionInfo;
import dev.procreg.demo.session.SubmitOutcome;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Service;

/**
 * The donor's side of the platform: a submission is checked, recorded by the donor's session
 * (idempotency key, rate limit), paid by a payment worker, and broadcast to the donor's flows.
 */
@Service
public class DonorService {

	private static final int LIST_LIMIT = 100;

	private static final Duration WORKER_PATIENCE = Duration.ofMillis(500);

	private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

	private final DonorSessions sessions;

	private final DonationFlows flows;

	private final PaymentWorkers payments;

	private final DonationRepository donations;

	private final DonationLedgers ledgers;

	private final DonationValidator validator;

	private final DonorView.Options options;

	private final MeterRegistry meters;

	public DonorService(DonorSessions sessions, DonationFlows flows, PaymentWorkers payments,
			DonationRepository donations, DonationLedgers ledgers, DonationValidator validator,
			DonationProperties donationProperties, RateLimitProperties rateLimitProperties, MeterRegistry meters) {
		this.sessions = sessions;
		this.flows = flows;
		this.payments = payments;
		this.donations = donations;
		this.ledgers = ledgers;
		this.validator = validator;
		this.options = new DonorView.Options(donationProperties.defaultCurrency(), donationProperties.currencies(),
				rateLimitProperties.perMinute());
		this.meters = meters;
	}

	/**
	 * Starts the donor's session unless it runs.
	 * @param donorId the donor
	 * @return the session
	 */
	public DonorSessions.SessionStart startSession(String donorId) {
		return this.sessions.startOrFind(DonationValidator.donorId(donorId));
	}

	/**
	 * @param donorId the donor
	 * @return the donor's session, on whichever node it runs; starts none
	 */
	public Optional<SessionInfo> session(String donorId) {
		return this.sessions.describe(DonationValidator.donorId(donorId));
	}

	/**
	 * Ends the donor's session and flows.
	 * @param donorId the donor
	 * @return whether a session ran
	 */
	public boolean endSession(String donorId) {
		DonationValidator.donorId(donorId);
		this.flows.stopAll(donorId);
		return this.sessions.stop(donorId);
	}

	/**
	 * Starts a donation flow of the donor.
	 * @param donorId the donor
	 * @param campaign what it is about, or null
	 * @return the flow
	 */
	public FlowInfo startFlow(String donorId, @Nullable String campaign) {
		DonationValidator.donorId(donorId);
		String name = (campaign == null || campaign.isBlank()) ? "general" : campaign.strip();
		if (name.length() > 64) {
			throw new InvalidInputException("campaign", "campaign must be at most 64 characters");
		}
		return this.flows.start(donorId, name);
	}

	/**
	 * Submits a donation.
	 * @param donorId the donor
	 * @param amount the amount
	 * @param currency the currency, or null for the default
	 * @param idempotencyKey the key
	 * @return the donation and whether the submission was a replay
	 * @throws InvalidInputException for invalid input
	 * @throws RateLimitedException when the donor submitted too many
	 * @throws IdempotencyKeyReusedException when the key was used for another donation
	 * @throws UnavailableException when a process it needs is not there (nothing is recorded then)
	 */
	public SubmitResult submit(String donorId, @Nullable BigDecimal amount, @Nullable String currency,
			@Nullable String idempotencyKey) {
		DonationSubmission submission = this.validator.validate(donorId, amount, currency, idempotencyKey);
		if (!this.payments.awaitWorker(WORKER_PATIENCE)) {
			throw new UnavailableException("payment-workers",
					"no payment worker is running, so no donation is taken now; nothing was recorded", RETRY_AFTER);
		}
		SubmitOutcome outcome = this.sessions.call(donorId, new DonorSession.Submit(submission));
		this.meters.counter("donation.submissions", "outcome", outcome.getClass().getSimpleName().toLowerCase(Locale.ROOT))
			.increment();
		return switch (outcome) {
			case SubmitOutcome.Recorded(Donation recorded) -> {
				Donation paid = pay(donorId, recorded);
				if (paid.status() == DonationStatus.CONFIRMED) {
					this.flows.broadcast(donorId, new DonationUpdate(paid.id(), paid.amount(), paid.currency(),
							paid.status().name()));
				}
				yield new SubmitResult(paid, false);
			}
			case SubmitOutcome.Replayed(Donation donation) ->
				new SubmitResult(this.donations.findById(donation.id()).orElse(donation), true);
			case SubmitOutcome.KeyReused(Donation donation) -> throw new IdempotencyKeyReusedException(donation);
			case SubmitOutcome.RateLimited(var retryAfter) -> throw new RateLimitedException(donorId, retryAfter);
			case SubmitOutcome.Unavailable(String dependency, String reason) ->
				throw new UnavailableException(dependency, reason + "; nothing was recorded", RETRY_AFTER);
		};
	}

	/**
	 * Has a recorded donation charged by a payment worker of any node, then confirmed by the
	 * donor's session, which runs where the donation is stored (on another node, in a cluster).
	 * @return the donation as stored afterwards; pending when no worker took it, or when the
	 * session that recorded it is gone (the recovery of its node pays it later)
	 */
	private Donation pay(String donorId, Donation recorded) {
		Optional<PaymentWorker.Charged> charged = this.payments.charge(recorded);
		if (charged.isEmpty()) {
			return recorded;
		}
		try {
			DonorSession.Confirmation confirmation = this.sessions.call(donorId,
					new DonorSession.Confirm(recorded.id(), charged.get().reference()));
			return (confirmation.donation() != null) ? confirmation.donation() : recorded;
		}
		catch (UnavailableException ex) {
			// recorded and charged: the 201 stands; the donation stays pending for the recovery
			return recorded;
		}
	}

	/**
	 * @param donorId the donor
	 * @return everything about the donor; does not start a session
	 */
	public DonorView describe(String donorId) {
		DonationValidator.donorId(donorId);
		DonationLedger.Totals totals = this.ledgers.totals(donorId);
		return new DonorView(donorId, this.sessions.describe(donorId).orElse(null), this.flows.list(donorId),
				totals.totals(), totals.count(), this.options);
	}

	/**
	 * @param donorId the donor
	 * @return the donor's latest donations, newest first
	 */
	public List<Donation> donations(String donorId) {
		return this.ledgers.latest(DonationValidator.donorId(donorId), LIST_LIMIT);
	}

}
