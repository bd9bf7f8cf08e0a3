package dev.procreg.demo.session;

import java.io.Serializable;
import java.time.Duration;

import dev.procreg.demo.donation.Donation;

/**
 * What a donor session answers to a submission; serializable, since the session may run on
 * another node than the request.
 */
public sealed interface SubmitOutcome extends Serializable {

	/**
	 * The submission was new and is recorded, pending payment.
	 *
	 * @param donation the donation
	 */
	record Recorded(Donation donation) implements SubmitOutcome {
	}

	/**
	 * The donor already submitted this idempotency key for the same donation.
	 *
	 * @param donation the donation recorded then
	 */
	record Replayed(Donation donation) implements SubmitOutcome {
	}

	/**
	 * The donor already used this idempotency key for a different donation; nothing was recorded.
	 *
	 * @param donation the donation recorded under the key
	 */
	record KeyReused(Donation donation) implements SubmitOutcome {
	}

	/**
	 * The donor submitted too many donations within the last minute; nothing was recorded.
	 *
	 * @param retryAfter how long until the donor may submit again
	 */
	record RateLimited(Duration retryAfter) implements SubmitOutcome {
	}

	/**
	 * A process or the storage the submission needs did not answer; nothing was recorded, and the
	 * session carries on.
	 *
	 * @param dependency what did not answer, such as {@code rate-limiter} or {@code storage}
	 * @param reason why, for the log and the donor
	 */
	record Unavailable(String dependency, String reason) implements SubmitOutcome {
	}

}
