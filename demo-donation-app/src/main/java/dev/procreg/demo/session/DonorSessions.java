package dev.procreg.demo.session;

import java.util.Optional;

import dev.procreg.boot.worker.ProcessTemplate;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessExitException;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;

import org.springframework.stereotype.Service;

/**
 * Starts, finds, calls and stops donor sessions through the starter's {@link ProcessTemplate}:
 * one {@link DonorSession} per donor id, started on first use, race-free (concurrent first
 * requests start exactly one session and the loser never runs {@code init}).
 */
@Service
public class DonorSessions {

	private static final int ATTEMPTS = 2;

	private final ProcessTemplate template;

	private final ProcessRuntime runtime;

	public DonorSessions(ProcessTemplate template, ProcessRuntime runtime) {
		this.template = template;
		this.runtime = runtime;
	}

	/**
	 * Starts the donor's session unless it runs.
	 * @param donorId the donor
	 * @return the session's pid, and whether none ran when this was asked
	 */
	public SessionStart startOrFind(String donorId) {
		StartResult start = this.template.start(DonorSession.class, donorId);
		return new SessionStart(start.orThrow(), start instanceof StartResult.Started);
	}

	/**
	 * Calls the donor's session, starting it when it does not run. When the session crashes on
	 * the request, the request goes once more to the restarted session: requests must be safe to
	 * repeat (a submission is, by its idempotency key).
	 * @param <R> the reply type
	 * @param donorId the donor
	 * @param request the request
	 * @return the reply
	 */
	public <R> R call(String donorId, DonorSession.SessionRequest request) {
		for (int attempt = 1;; attempt++) {
			try {
				return this.template.call(DonorSession.class, donorId, request);
			}
			catch (ProcessExitException ex) {
				if (attempt >= ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	/**
	 * @param donorId the donor
	 * @return the session, when one runs
	 */
	public Optional<Pid> whereis(String donorId) {
		return this.template.whereis(DonorSession.class, donorId);
	}

	/**
	 * @param donorId the donor
	 * @return what the session tells about itself, when one runs; starts none
	 */
	public Optional<SessionInfo> describe(String donorId) {
		Optional<Pid> session = whereis(donorId);
		if (session.isEmpty()) {
			return Optional.empty();
		}
		try {
			return Optional.of(this.runtime.call(session.get(), new DonorSession.Describe()));
		}
		catch (NoProcessException | ProcessExitException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Stops the donor's session; it is not restarted.
	 * @param donorId the donor
	 * @return whether a session ran
	 */
	public boolean stop(String donorId) {
		return this.template.stop(DonorSession.class, donorId);
	}

	/**
	 * The outcome of {@link #startOrFind}.
	 *
	 * @param pid the session
	 * @param started whether no session ran when it was asked for
	 */
	public record SessionStart(Pid pid, boolean started) {
	}

}
