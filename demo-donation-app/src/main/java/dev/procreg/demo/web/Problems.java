package dev.procreg.demo.web;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * RFC 9457 problem details for the places that answer outside Spring MVC's message converters
 * (filters, the error page, Tomcat's own rejections), and the cap on what a problem echoes back.
 */
public final class Problems {

	/** The most characters of a client's value a problem echoes back. */
	public static final int ECHO_LIMIT = 64;

	private static final JsonMapper json = JsonMapper.builder().build();

	private Problems() {
	}

	/**
	 * @param value a value the client sent
	 * @return the value, cut to {@value #ECHO_LIMIT} characters (with how many were left out)
	 */
	public static String echo(@Nullable Object value) {
		String text = String.valueOf(value);
		if (text.length() <= ECHO_LIMIT) {
			return text;
		}
		return text.substring(0, ECHO_LIMIT) + "… (" + (text.length() - ECHO_LIMIT) + " more characters)";
	}

	/**
	 * @param status the status
	 * @param title a short summary
	 * @param detail what happened, for a person
	 * @return the problem
	 */
	public static ProblemDetail of(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		problem.setType(URI.create("about:blank"));
		return problem;
	}

	/**
	 * Writes a problem as {@code application/problem+json}, whatever the request accepts (RFC 9110
	 * allows an error in a type the client did not ask for).
	 * @param response the response, not committed
	 * @param problem the problem
	 * @throws IOException when writing fails
	 */
	public static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		if (problem.getProperties() != null && problem.getProperties().get("retryAfterSeconds") instanceof Number seconds) {
			response.setHeader(HttpHeaders.RETRY_AFTER, seconds.toString());
		}
		response.getWriter().write(toJson(problem));
		response.getWriter().flush();
	}

	/**
	 * @param problem a problem
	 * @return its JSON, the properties beside the standard members
	 */
	public static String toJson(ProblemDetail problem) {
		Map<String, Object> members = new LinkedHashMap<>();
		members.put("type", (problem.getType() != null) ? problem.getType().toString() : "about:blank");
		members.put("title", problem.getTitle());
		members.put("status", problem.getStatus());
		members.put("detail", problem.getDetail());
		if (problem.getInstance() != null) {
			members.put("instance", problem.getInstance().toString());
		}
		if (problem.getProperties() != null) {
			problem.getProperties().forEach(members::putIfAbsent);
		}
		return json.writeValueAsString(members);
	}

}
