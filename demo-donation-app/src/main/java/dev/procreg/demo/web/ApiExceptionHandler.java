package dev.procreg.demo.web;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.worker.WorkerStartException;
import dev.procreg.demo.donation.InvalidInputException;
import dev.procreg.demo.donor.IdempotencyKeyReusedException;
import dev.procreg.demo.donor.RateLimitedException;
import dev.procreg.demo.flow.TooManyFlowsException;
import dev.procreg.demo.process.UnavailableException;
import dev.procreg.process.CallTimeoutException;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.ProcessExitException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error of the application's handlers into an RFC 9457 problem detail: Spring MVC's
 * own (405, 406, 415, 404...) through {@link ResponseEntityExceptionHandler}, the API's (a 400
 * names the offending field in {@code field} and in its message), a missing process (503 with
 * {@code Retry-After}), and anything unexpected (500, logged once, no stack trace to the client).
 * What a client sent is echoed at most {@value Problems#ECHO_LIMIT} characters long.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ApiExceptionHandler.class);

	private static final int DETAIL_LIMIT = 300;

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidInput(InvalidInputException ex) {
		return ResponseEntity.badRequest().body(invalid(ex.field(), ex.getMessage()));
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		if (cause(ex, BodyLimitFilter.BodyTooLargeException.class) instanceof BodyLimitFilter.BodyTooLargeException tooLarge) {
			return problem(BodyLimitFilter.tooLarge(tooLarge.limit()));
		}
		if (cause(ex, InvalidInputException.class) instanceof InvalidInputException invalid) {
			return problem(invalid(invalid.field(), invalid.getMessage()));
		}
		if (cause(ex, StreamConstraintsException.class) instanceof StreamConstraintsException constraints) {
			return problem(invalid("body", "body exceeds a limit of the JSON parser: "
					+ Problems.echo(constraints.getOriginalMessage())));
		}
		JacksonException jackson = (JacksonException) cause(ex, JacksonException.class);
		if (jackson instanceof StreamReadException read && read.getOriginalMessage().startsWith("Duplicate Object property")) {
			String field = fieldOf(read);
			return problem(invalid(field, field + " appears more than once in the body; send it once"));
		}
		if (jackson instanceof DatabindException && !jackson.getPath().isEmpty()) {
			String field = path(jackson);
			return problem(invalid(field, field + " has a value of the wrong type"));
		}
		if (jackson instanceof StreamReadException read) {
			return problem(invalid("body", "body is not valid JSON: " + Problems.echo(read.getOriginalMessage())
					+ ((read.getLocation() != null) ? " (line " + read.getLocation().getLineNr() + ", column "
							+ read.getLocation().getColumnNr() + ")" : "")));
		}
		return problem(invalid("body", "body must be a JSON object"));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> rateLimited(RateLimitedException ex) {
		ProblemDetail problem = Problems.of(HttpStatus.TOO_MANY_REQUESTS, "Too many donations", ex.getMessage());
		return withRetryAfter(problem, ex.retryAfter());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> keyReused(IdempotencyKeyReusedException ex) {
		ProblemDetail problem = Problems.of(HttpStatus.CONFLICT, "Idempotency key reused", ex.getMessage());
		problem.setProperty("field", "idempotencyKey");
		return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> tooManyFlows(TooManyFlowsException ex) {
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.body(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "Too many flows", ex.getMessage()));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unavailable(UnavailableException ex) {
		ProblemDetail problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Temporarily unavailable", ex.getMessage());
		problem.setProperty("dependency", ex.dependency());
		return withRetryAfter(problem, ex.retryAfter());
	}

	/** A process the handler called is gone, restarting or too busy: the caller may retry. */
	@ExceptionHandler({ NoProcessException.class, ProcessExitException.class, CallTimeoutException.class,
			WorkerStartException.class })
	ResponseEntity<ProblemDetail> processUnavailable(RuntimeException ex) {
		ProblemDetail problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Temporarily unavailable",
				"a process this request needs did not answer: " + Problems.echo(ex.getMessage()));
		return withRetryAfter(problem, Duration.ofSeconds(5));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unexpected(Exception ex) {
		logger.error("Unexpected failure of a request", ex);
		return ResponseEntity.internalServerError()
			.body(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
					"the request failed unexpectedly; it is logged on the server"));
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		if (body instanceof ProblemDetail problem && problem.getDetail() != null
				&& problem.getDetail().length() > DETAIL_LIMIT) {
			problem.setDetail(problem.getDetail().substring(0, DETAIL_LIMIT) + "…");
		}
		return super.handleExceptionInternal(ex, body, headers, statusCode, request);
	}

	static ResponseEntity<ProblemDetail> withRetryAfter(ProblemDetail problem, Duration retryAfter) {
		long seconds = Math.max(1, retryAfter.toSeconds() + ((retryAfter.toNanosPart() > 0) ? 1 : 0));
		problem.setProperty("retryAfterSeconds", seconds);
		return ResponseEntity.status(problem.getStatus())
			.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
			.body(problem);
	}

	private static ResponseEntity<Object> problem(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

	static ProblemDetail invalid(String field, String message) {
		ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "Invalid " + Problems.echo(field), message);
		problem.setProperty("field", Problems.echo(field));
		return problem;
	}

	private static @Nullable Throwable cause(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return cause;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	private static String path(JacksonException jackson) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : jackson.getPath()) {
			if (!path.isEmpty()) {
				path.append('.');
			}
			path.append((reference.getPropertyName() != null) ? reference.getPropertyName()
					: "[" + reference.getIndex() + "]");
		}
		return Problems.echo(path);
	}

	private static String fieldOf(StreamReadException duplicate) {
		String message = duplicate.getOriginalMessage();
		int open = message.indexOf('"');
		int close = message.indexOf('"', open + 1);
		return (open >= 0 && close > open) ? Problems.echo(message.substring(open + 1, close)) : "body";
	}

}
