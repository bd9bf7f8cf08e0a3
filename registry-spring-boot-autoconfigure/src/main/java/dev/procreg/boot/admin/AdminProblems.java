package dev.procreg.boot.admin;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every failure of the admin API into an RFC 9457 problem detail
 * ({@code application/problem+json}): Spring MVC's own (a parameter that is no number, a missing
 * body, a wrong method), bad input core refuses ({@link IllegalArgumentException}, whose message
 * names the mistake) as 400, and anything unexpected as a 500 that is logged, never a bare error
 * page.
 */
@RestControllerAdvice(assignableTypes = { ProcessAdminController.class, AdminEventsController.class,
		AdminClusterController.class })
public class AdminProblems extends ResponseEntityExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(AdminProblems.class);

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<Object> badInput(IllegalArgumentException ex) {
		return problem(HttpStatus.BAD_REQUEST, String.valueOf(ex.getMessage()));
	}

	@ExceptionHandler(RuntimeException.class)
	ResponseEntity<Object> unexpected(RuntimeException ex) {
		logger.error("Process admin: request failed", ex);
		return problem(HttpStatus.INTERNAL_SERVER_ERROR, "the request failed: " + ex.getClass().getSimpleName()
				+ ((ex.getMessage() != null) ? ": " + ex.getMessage() : ""));
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
		if (response == null) {
			return problem(statusCode, String.valueOf(ex.getMessage()));
		}
		HttpHeaders problemHeaders = new HttpHeaders();
		problemHeaders.putAll(response.getHeaders());
		problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return new ResponseEntity<>(response.getBody(), problemHeaders, response.getStatusCode());
	}

	private static ResponseEntity<Object> problem(HttpStatusCode status, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setProperty("error", detail);
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
