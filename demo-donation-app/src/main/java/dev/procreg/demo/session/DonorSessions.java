package dev.procreg.demo.session;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.procreg.boot.worker.ProcessTemplate;
import dev.procreg.worker.WorkerStartException;
import dev.procreg.demo.process.UnavailableException;
import dev.procreg.process.CallTimeoutException;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessExitException;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.registry.ProcessRegistry;

import org.springframework.beans.factory.annotation.Qualifier;

import org.springframework.stereotype.Service;

/**
 * Starts, finds, calls and stops donor sessions through the starter's {@link ProcessTemplate}:
 * one {@link DonorSession} per donor id, started on first use, race-free (concurrent first
 * requests start exactly one session and the loser never runs {@code init}).
 */
@Service
public class DonorSessions {

	private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

	private final ProcessTemplate template;

	private final ProcessRuntime runtime;

	private final ProcessRegistry<String, Map<String, String>> registry;

	private final int max;

	public DonorSessions(ProcessTemplate template, ProcessRuntime runtime,
			@Qualifier("sessions") ProcessRegistry<String, Map<String, String>> registry, SessionProperties properties) {
		this.template = template;
		this.runtime = runtime;
		this.registry = registry;
		this.max = properties.max();
	}

	/**
	 * Starts the donor's session unless it runs.
	 * @param donorId the donor
	 * @return the session's pid, and whether none ran when this was asked
	 * @throws UnavailableException when {@code demo.sessions.max} sessions run, or sessions
	 * cannot be started
	 */
	public SessionStart startOrFind(String donorId) {
		checkBound(donorId);
		StartResult start;
		try {
			start = this.template.start(DonorSession.class, donorId);
		}
		catch (WorkerStartException ex) {
			throw unavailable(ex);
		}
		if (start instanceof StartResult.Started(Pid pid)) {
			return new SessionStart(pid, true);
		}
		if (start instanceof StartResult.AlreadyStarted(Pid pid)) {
			return new SessionStart(pid, false);
		}
		throw new UnavailableException("sessions", "the session of donor " + donorId + " did not start: " + start,
				RETRY_AFTER);
	}

	private void checkBound(String donorId) {
		if (this.registry.count() >= this.max && whereis(donorId).isEmpty()) {
			throw new UnavailableException("sessions", this.max
					+ " donor sessions run, the most allowed (demo.sessions.max); try again when some have ended",
					RETRY_AFTER);
		}
	}

	private static UnavailableException unavailable(RuntimeException ex) {
		return new UnavailableException("sessions", "the donor session is not available: " + ex.getMessage(),
				RETRY_AFTER);
	}

	/**
	 * Calls the donor's session, starting it when it does not run. Retries are the keyed
	 * workers' business alone (a request that meets a session in the instant it stops goes to a
	 * new one); a request the session crashed on is not repeated here: the donor gets a 503 with
	 * {@code Retry-After} and repeats it with the same idempotency key.
	 * @param <R> the reply type
	 * @param donorId the donor
	 * @param request the request
	 * @return the reply
	 */
	public <R> R call(String donorId, DonorSession.SessionRequest request) {
		checkBound(donorId);
		try {
			return this.template.call(DonorSession.class, donorId, request);
		}
		catch (WorkerStartException | NoProcessException | ProcessExitException | CallTimeoutException ex) {
			throw unavailable(ex);
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
		catch (NoProcessException | ProcessExitException | CallTimeoutException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Stops the donor's session; it is not restarted. One on another node is asked to end
	 * (a supervisor stops only its own node's children).
	 * @param donorId the donor
	 * @return whether a session ran
	 */
	public boolean stop(String donorId) {
		Optional<Pid> session = whereis(donorId);
		if (session.isPresent() && !session.get().node().equals(this.runtime.node())) {
			try {
				return this.runtime.call(session.get(), new DonorSession.End());
			}
			catch (NoProcessException | ProcessExitException ex) {
				return false;
			}
			catch (CallTimeoutException ex) {
				throw unavailable(ex);
			}
		}
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
