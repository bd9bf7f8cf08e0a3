package dev.procreg.demo.web;

import org.jspecify.annotations.Nullable;

import dev.procreg.demo.donation.Donation;
import dev.procreg.demo.donor.DonorService;
import dev.procreg.demo.donor.DonorView;
import dev.procreg.demo.donor.SubmitResult;
import dev.procreg.demo.flow.FlowInfo;
import dev.procreg.demo.session.DonorSessions;

import org.springframework.http.HttpStatus;
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
@RequestMapping("/api/donors/{donorId}")
public class DonorController {

	private final DonorService donors;

	public DonorController(DonorService donors) {
		this.donors = donors;
	}

	/**
	 * Starts the donor's session, or finds it running.
	 * @param donorId the donor
	 * @return 201 with the pid when started, 200 when it was running
	 */
	@PostMapping("/session")
	public ResponseEntity<SessionResponse> startSession(@PathVariable String donorId) {
		DonorSessions.SessionStart start = this.donors.startSession(donorId);
		return ResponseEntity.status(start.started() ? HttpStatus.CREATED : HttpStatus.OK)
			.body(new SessionResponse(donorId, start.pid().toString(), start.started()));
	}

	/**
	 * Ends the donor's session and flows.
	 * @param donorId the donor
	 * @return 204, or 404 when no session ran
	 */
	@DeleteMapping("/session")
	public ResponseEntity<Void> endSession(@PathVariable String donorId) {
		return this.donors.endSession(donorId) ? ResponseEntity.noContent().build()
				: ResponseEntity.notFound().build();
	}

	/**
	 * Starts a donation flow.
	 * @param donorId the donor
	 * @param request the campaign, optional
	 * @return 201 with the flow
	 */
	@PostMapping("/flows")
	public ResponseEntity<FlowInfo> startFlow(@PathVariable String donorId,
			@RequestBody(required = false) @Nullable FlowRequest request) {
		FlowInfo flow = this.donors.startFlow(donorId, (request != null) ? request.campaign() : null);
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
	@PostMapping("/donations")
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
