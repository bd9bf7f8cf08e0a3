package dev.procreg.demo.web;

import java.net.URI;
import java.util.stream.Collectors;

import dev.procreg.demo.donation.InvalidInputException;
import dev.procreg.demo.donor.IdempotencyKeyReusedException;
import dev.procreg.demo.donor.RateLimitedException;
import dev.procreg.demo.flow.TooManyFlowsException;
import tools.jackson.core.JacksonException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns the API's errors into RFC 9457 problem details; a 400 names the offending field in
 * {@code field} and in its message.
 */
@RestControllerAdvice(assignableTypes = { DonorController.class, DonationController.class })
class ApiExceptionHandler {

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidInput(InvalidInputException ex) {
		return ResponseEntity.badRequest().body(invalid(ex.field(), ex.getMessage()));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException ex) {
		if (ex.getCause() instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
			String field = jackson.getPath()
				.stream()
				.map((reference) -> (reference.getPropertyName() != null) ? reference.getPropertyName()
						: "[" + reference.getIndex() + "]")
				.collect(Collectors.joining("."));
			return ResponseEntity.badRequest().body(invalid(field, field + " has a value of the wrong type"));
		}
		return ResponseEntity.badRequest().body(invalid("body", "body must be a JSON object"));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> rateLimited(RateLimitedException ex) {
		long seconds = Math.max(1, ex.retryAfter().toSeconds() + ((ex.retryAfter().toNanosPart() > 0) ? 1 : 0));
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, ex.getMessage());
		problem.setTitle("Too many donations");
		problem.setProperty("retryAfterSeconds", seconds);
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
			.body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> keyReused(IdempotencyKeyReusedException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
		problem.setTitle("Idempotency key reused");
		problem.setProperty("field", "idempotencyKey");
		return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> tooManyFlows(TooManyFlowsException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
		problem.setTitle("Too many flows");
		return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
	}

	private static ProblemDetail invalid(String field, String message) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, message);
		problem.setTitle("Invalid " + field);
		problem.setType(URI.create("about:blank"));
		problem.setProperty("field", field);
		return problem;
	}

}
