package dev.procreg.boot.admin;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;

/**
 * What the admin page asks Spring Security, touched only when Spring Security is on the
 * classpath (the controller checks first): who the current user is, whether they have a role,
 * and the CSRF token the page must send with an action.
 */
final class AdminSecurity {

	private AdminSecurity() {
	}

	/** @return the authenticated user's name, or {@code null} for none or an anonymous one */
	static @Nullable String user() {
		Authentication authentication = authentication();
		return (authentication != null) ? authentication.getName() : null;
	}

	/**
	 * @param role a role, with or without the {@code ROLE_} prefix
	 * @return whether the authenticated user has it
	 */
	static boolean hasRole(String role) {
		Authentication authentication = authentication();
		if (authentication == null) {
			return false;
		}
		String prefixed = role.startsWith("ROLE_") ? role : "ROLE_" + role;
		for (GrantedAuthority authority : authentication.getAuthorities()) {
			String granted = authority.getAuthority();
			if (prefixed.equals(granted) || role.equals(granted)) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Authentication authentication() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return null;
		}
		return authentication;
	}

	/**
	 * @param request the request
	 * @return the CSRF header and token the page sends with an action, or {@code null} when the
	 * request has none (CSRF protection is off); call only with spring-security-web present
	 */
	static ProcessAdminController.@Nullable CsrfDescriptor csrf(HttpServletRequest request) {
		if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
			return new ProcessAdminController.CsrfDescriptor(token.getHeaderName(), token.getToken());
		}
		return null;
	}

}
