package dev.procreg.demo.web;

import java.io.IOException;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Tomcat's error report as a problem detail: it answers what Tomcat rejects on its own (a URL
 * with {@code %2F} or {@code %00}, a request line or header above the limit) and whatever error
 * nothing else wrote a body for. Never the server's version, never a stack trace.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		HttpStatus known = HttpStatus.resolve(status);
		String title = (known != null) ? known.getReasonPhrase() : "Error";
		ProblemDetail problem = Problems.of((known != null) ? known : HttpStatus.BAD_REQUEST, title,
				(status == 400) ? "the request was rejected by the server: its URL or headers are malformed or too large"
						: "the request failed with status " + status);
		problem.setStatus(status);
		try {
			response.setContentType("application/problem+json");
			response.setCharacterEncoding("UTF-8");
			response.getReporter().write(Problems.toJson(problem));
			response.finishResponse();
		}
		catch (IOException | IllegalStateException ex) {
			// the client is gone, or the response is committed: nothing more to say
		}
	}

}
