package dev.procreg.demo.web;

import java.io.IOException;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The error page ({@code /error}) as a problem detail, in place of Boot's whitelabel page and its
 * JSON: it answers the errors that reach the servlet container (from a filter, from Spring
 * Security, a {@code sendError}) with their status, and a request for {@code /error} itself with
 * 404, not with 500 and status 999. Whatever the request accepts: an error never turns into a 406.
 */
@Controller
class ProblemErrorController implements ErrorController {

	@RequestMapping("${server.error.path:${error.path:/error}}")
	void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		response.resetBuffer();
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = (code instanceof Integer value) ? HttpStatus.resolve(value) : null;
		ProblemDetail problem;
		if (status == null || code == null) {
			problem = Problems.of(HttpStatus.NOT_FOUND, "Not Found", "there is no page here");
		}
		else {
			problem = Problems.of(status, status.getReasonPhrase(), switch (status) {
				case UNAUTHORIZED -> "log in first";
				case FORBIDDEN -> "not allowed, or the CSRF token is missing";
				case NOT_FOUND -> "there is nothing at this address";
				case INTERNAL_SERVER_ERROR -> "the request failed unexpectedly; it is logged on the server";
				default -> "the request failed: " + status.getReasonPhrase();
			});
		}
		Problems.write(response, problem);
	}

}
