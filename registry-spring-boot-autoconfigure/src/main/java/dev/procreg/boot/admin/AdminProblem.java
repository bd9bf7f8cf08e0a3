package dev.procreg.boot.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A failure of the admin API, answered as an RFC 9457 problem detail with its status, a detail
 * that names the mistake, and properties a page can act on (such as the {@code expected} text of
 * a confirmation).
 */
final class AdminProblem extends ErrorResponseException {

	private AdminProblem(HttpStatus status, String detail, Map<String, @Nullable Object> properties) {
		super(status, problem(status, detail, properties), null);
	}

	private static ProblemDetail problem(HttpStatus status, String detail, Map<String, @Nullable Object> properties) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		// the page before the console read "error"; kept until no page reads it
		problem.setProperty("error", detail);
		properties.forEach(problem::setProperty);
		return problem;
	}

	static AdminProblem of(HttpStatus status, String detail) {
		return new AdminProblem(status, detail, Map.of());
	}

	static AdminProblem of(HttpStatus status, String detail, String property, @Nullable Object value) {
		Map<String, @Nullable Object> properties = new LinkedHashMap<>();
		properties.put(property, value);
		return new AdminProblem(status, detail, properties);
	}

	static AdminProblem of(HttpStatus status, String detail, Map<String, @Nullable Object> properties) {
		return new AdminProblem(status, detail, properties);
	}

}
