package dev.procreg.demo.web;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.procreg.demo.donation.Donation;
import dev.procreg.demo.donor.DonorService;
import dev.procreg.demo.donor.DonorView;
import dev.procreg.demo.donor.SubmitResult;
import dev.procreg.demo.flow.FlowInfo;
import dev.procreg.demo.session.DonorSessions;
import dev.procreg.demo.session.SessionInfo;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The donor API: sessions, flows, donations and the donor's state.
 */
@RestController
@RequestMapping(path = "/api/donors/{donorId}", produces = MediaType.APPLICATION_JSON_VALUE)
public class DonorController {

	private final DonorService donors;

	public DonorController(DonorService donors) {
		this.donors = donors;
	}

	/**
	 * Starts the donor's session, or finds it running. Like every POST of the API it takes
	 * {@code Content-Type: application/json} only (a body is optional here): a web page of another
	 * site cannot send that without the browser asking this server first (CORS preflight, which
	 * it refuses), so it cannot start processes here.
	 * @param donorId the donor
	 * @return 201 with the pid when started, 200 when it was running
	 */
	@PostMapping(path = "/session", consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<SessionResponse> startSession(@PathVariable String donorId) {
		DonorSessions.SessionStart start = this.donors.startSession(donorId);
		return ResponseEntity.status(start.started() ? HttpStatus.CREATED : HttpStatus.OK)
			.body(new SessionResponse(donorId, start.pid().toString(), start.started()));
	}

	/**
	 * The donor's session, wherever it runs (in a cluster, on any node): its pid, node, start and
	 * last activity.
	 * @param donorId the donor
	 * @return 200 with the session, or 404 with a problem detail when none runs
	 */
	@GetMapping("/session")
	public ResponseEntity<?> session(@PathVariable String donorId) {
		Optional<SessionInfo> session = this.donors.session(donorId);
		if (session.isPresent()) {
			return ResponseEntity.ok(session.get());
		}
		return noSession(donorId);
	}

	private static ResponseEntity<ProblemDetail> noSession(String donorId) {
		return ResponseEntity.status(HttpStatus.NOT_FOUND)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(Problems.of(HttpStatus.NOT_FOUND, "No session", "donor " + Problems.echo(donorId)
					+ " has no running session"));
	}

	/**
	 * Ends the donor's session and flows.
	 * @param donorId the donor
	 * @return 204, or 404 with a problem detail when no session ran
	 */
	@DeleteMapping("/session")
	public ResponseEntity<?> endSession(@PathVariable String donorId) {
		if (this.donors.endSession(donorId)) {
			return ResponseEntity.noContent().build();
		}
		return noSession(donorId);
	}

	/**
	 * Starts a donation flow.
	 * @param donorId the donor
	 * @param request the campaign, a JSON object ({@code {}} for the default)
	 * @return 201 with the flow
	 */
	@PostMapping(path = "/flows", consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<FlowInfo> startFlow(@PathVariable String donorId, @RequestBody FlowRequest request) {
		FlowInfo flow = this.donors.startFlow(donorId, request.campaign());
		return ResponseEntity.status(HttpStatus.CREATED).body(flow);
	}

	/**
	 * Submits a donation.
	 * @param donorId the donor
	 * @param request amount, currency and idempotency key
	 * @param idempotencyKeyHeader the idempotency key as an {@code Idempotency-Key} header, used
	 * when the body has none
	 * @return 201 when recorded, 200 when the key was submitted before
	 */
	@PostMapping(path = "/donations", consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<Donation> donate(@PathVariable String donorId, @RequestBody DonationRequest request,
			@RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKeyHeader) {
		String key = (request.idempotencyKey() != null) ? request.idempotencyKey() : idempotencyKeyHeader;
		SubmitResult result = this.donors.submit(donorId, request.amount(), request.currency(), key);
		return ResponseEntity.status(result.replayed() ? HttpStatus.OK : HttpStatus.CREATED).body(result.donation());
	}

	/**
	 * @param donorId the donor
	 * @return the session, flows and totals; starts nothing
	 */
	@GetMapping
	public DonorView donor(@PathVariable String donorId) {
		return this.donors.describe(donorId);
	}

}
