package dev.procreg.demo.session;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.procreg.demo.donation.Donation;
import dev.procreg.demo.donation.DonationRepository;
import dev.procreg.demo.donation.DonationStatus;
import dev.procreg.demo.donation.DonationSubmission;
import dev.procreg.demo.ratelimit.RateLimiter;
import dev.procreg.boot.worker.RegisteredProcess;
import dev.procreg.process.CallTimeoutException;
import dev.procreg.process.ExitReason;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.ProcessExitException;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;

/**
 * One donor's session: a process per donor id, registered under it in the unique
 * {@code sessions} registry. All submissions of a donor go through it one at a time, which makes
 * the idempotency check and the rate limit exact for that donor; the database's unique key is the
 * last guard. The session keeps no money in memory: what it records is stored before it answers,
 * so a crash of the session loses nothing.
 *
 * <p>A {@link RegisteredProcess} worker: the starter starts it on first use of a donor id, under
 * a supervisor of its own (transient: restarted after a crash only), registers it in the unique
 * {@code sessions} registry and passivates it after {@code demo.sessions.idle-timeout} without a
 * request. Each start takes a new instance of this prototype bean.
 */
@RegisteredProcess(registry = "sessions", idleTimeout = "${demo.sessions.idle-timeout:30m}",
		metadata = "kind=donor-session")
public class DonorSession extends GenServer<DonorSession.State> {

	private final DonationRepository donations;

	private final Duration idleTimeout;

	private final Clock clock;

	public DonorSession(DonationRepository donations, SessionProperties properties, Clock clock) {
		this.donations = donations;
		this.idleTimeout = properties.idleTimeout();
		this.clock = clock;
	}

	@Override
	protected Init<State> init(@Nullable Object donorId) {
		Instant now = this.clock.instant();
		return ok(new State((String) donorId, now, now, 0));
	}

	@Override
	protected Result<State> handleCall(Object request, From from, State state) {
		Instant now = this.clock.instant();
		return switch ((SessionRequest) request) {
			case Submit(DonationSubmission submission) -> {
				SubmitOutcome outcome = submit(state.donorId(), submission, now);
				int submissions = state.submissions() + ((outcome instanceof SubmitOutcome.Recorded) ? 1 : 0);
				yield reply(outcome, new State(state.donorId(), state.startedAt(), now, submissions));
			}
			case Describe() -> reply(new SessionInfo(state.donorId(), self().toString(), self().node(),
					state.startedAt(), state.lastActivityAt(), state.submissions(), this.idleTimeout), state);
			case Confirm(String donationId, String reference) ->
				reply(new Confirmation(confirm(state.donorId(), donationId, reference, now)),
						new State(state.donorId(), state.startedAt(), now, state.submissions()));
			case End() -> stop(ExitReason.NORMAL, Boolean.TRUE, state);
		};
	}

	/**
	 * Stores a charged donation's payment, in the database of this session's node, where
	 * {@link #submit} recorded it (unless the session that recorded it ran on another node).
	 */
	private @Nullable Donation confirm(String donorId, String donationId, String reference, Instant now) {
		try {
			Optional<Donation> stored = this.donations.findById(donationId)
				.filter((donation) -> donation.donorId().equals(donorId));
			if (stored.isEmpty()) {
				return null;
			}
			this.donations.confirm(donationId, reference, now);
			return this.donations.findById(donationId).orElse(null);
		}
		catch (DataAccessException ex) {
			// left pending: the recovery of this node confirms it later
			return null;
		}
	}

	/**
	 * Records a submission. Another process being gone (the rate limiter restarting, or its
	 * supervisor having given up) or the storage failing is an answer, not a crash of this
	 * session: the donor gets a 503 and the session keeps serving the donor's other requests.
	 */
	private SubmitOutcome submit(String donorId, DonationSubmission submission, Instant now) {
		try {
			return record(donorId, submission, now);
		}
		catch (NoProcessException | ProcessExitException | CallTimeoutException ex) {
			return new SubmitOutcome.Unavailable("rate-limiter", "the rate limiter did not answer: " + ex.getMessage());
		}
		catch (DataAccessException ex) {
			return new SubmitOutcome.Unavailable("storage", "the donation could not be stored: "
					+ ex.getMostSpecificCause().getClass().getSimpleName());
		}
	}

	private SubmitOutcome record(String donorId, DonationSubmission submission, Instant now) {
		Optional<Donation> existing = this.donations.findByIdempotencyKey(donorId, submission.idempotencyKey());
		if (existing.isPresent()) {
			return replay(existing.get(), submission);
		}
		RateLimiter.Decision decision = RateLimiter.acquire(runtime(), donorId);
		if (!decision.allowed()) {
			return new SubmitOutcome.RateLimited(decision.retryAfter());
		}
		Donation donation = new Donation(UUID.randomUUID().toString(), donorId, submission.amount(),
				submission.currency(), submission.idempotencyKey(), DonationStatus.PENDING, null,
				now.truncatedTo(ChronoUnit.MICROS), null);
		try {
			this.donations.insert(donation);
			return new SubmitOutcome.Recorded(donation);
		}
		catch (DuplicateKeyException ex) {
			// recorded by someone other than this session (another node, or a session that was
			// replaced while a submission was in flight): the stored one wins
			return replay(this.donations.findByIdempotencyKey(donorId, submission.idempotencyKey()).orElseThrow(),
					submission);
		}
	}

	private static SubmitOutcome replay(Donation donation, DonationSubmission submission) {
		return donation.sameAs(submission) ? new SubmitOutcome.Replayed(donation)
				: new SubmitOutcome.KeyReused(donation);
	}

	/**
	 * A session's state.
	 *
	 * @param donorId the donor
	 * @param startedAt when this session process started
	 * @param lastActivityAt when it last handled a request
	 * @param submissions how many donations it recorded
	 */
	public record State(String donorId, Instant startedAt, Instant lastActivityAt, int submissions) {
	}

	/** What a session is asked; serializable, since the session may run on another node. */
	public sealed interface SessionRequest extends Serializable permits Submit, Describe, Confirm, End {
	}

	/**
	 * Submit a donation; answers a {@link SubmitOutcome}.
	 *
	 * @param submission the validated submission
	 */
	public record Submit(DonationSubmission submission) implements SessionRequest {
	}

	/** Describe the session; answers a {@link SessionInfo}. */
	public record Describe() implements SessionRequest {
	}

	/**
	 * Store the payment of a donation this session recorded; answers a {@link Confirmation}.
	 * The request may come from another node, whose payment worker charged it: the donation is
	 * stored where the session runs, so the session confirms it.
	 *
	 * @param donationId the donation
	 * @param reference the payment's reference
	 */
	public record Confirm(String donationId, String reference) implements SessionRequest {
	}

	/**
	 * What {@link Confirm} answers.
	 *
	 * @param donation the donation as stored now, or null when this node does not store it (the
	 * session that recorded it ran on another node, which confirms it in its recovery) or the
	 * storage failed
	 */
	public record Confirmation(@Nullable Donation donation) implements Serializable {
	}

	/**
	 * End the session normally (it is not restarted); answers {@code true}. How a node ends a
	 * session that runs on another node: a supervisor stops only its own node's children.
	 */
	public record End() implements SessionRequest {
	}

}
