package dev.procreg.demo.security;

import java.time.Clock;

import dev.procreg.boot.admin.ProcessAdminPage;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * Who may see what. Without logging in: the donor page and its assets, the donor API and
 * {@code /actuator/health}. Every other actuator endpoint and the process admin page
 * ({@code /process-admin/**}) need the admin user ({@code spring.security.user.*}, role
 * {@code ADMIN}), who logs in with the console's own login page ({@value #LOGIN}, served by the
 * starter; its assets under {@code /process-admin/assets/} are open) or with HTTP Basic (for scripts).
 * The donor API takes no cookies and is exempt from CSRF protection (its POSTs take JSON only,
 * which another site's page cannot send without a preflight); the login form is not. Failed logins
 * are logged and throttled ({@link LoginThrottle}); every page gets a content security policy and
 * a referrer policy; the application refuses to start with the default password when it listens
 * beyond loopback ({@link DefaultPasswordGuard}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class SecurityConfiguration {

	/** The login page, which the form also posts to: the process admin console's own. */
	public static final String LOGIN = ProcessAdminPage.LOGIN;

	/** The role of the admin user. */
	public static final String ADMIN_ROLE = "ADMIN";

	/**
	 * Scripts and styles from this origin only, and no inline ones (the console's charts size
	 * themselves through the CSSOM, which a policy does not restrict), no framing, no plugins,
	 * forms posting here only.
	 */
	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
			+ "style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
			+ "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

	@Bean
	LoginThrottle loginThrottle(SecurityProperties properties, Clock clock, Environment environment) {
		DefaultPasswordGuard.check(environment);
		return new LoginThrottle(properties, clock, LOGIN);
	}

	@Bean
	FilterRegistrationBean<LoginThrottle> loginThrottleRegistration(LoginThrottle throttle) {
		// it runs inside the security filter chain, not as a servlet filter of its own
		FilterRegistrationBean<LoginThrottle> registration = new FilterRegistrationBean<>(throttle);
		registration.setEnabled(false);
		return registration;
	}

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http, LoginThrottle throttle) throws Exception {
		http.authorizeHttpRequests((requests) -> requests
			.requestMatchers("/actuator/health", "/actuator/health/**")
			.permitAll()
			.requestMatchers(LOGIN, "/process-admin/assets/**")
			.permitAll()
			.requestMatchers("/actuator", "/actuator/**", "/process-admin", "/process-admin/**")
			.hasRole(ADMIN_ROLE)
			.requestMatchers("/", "/index.html", "/css/**", "/js/**", "/favicon.ico", "/favicon.svg", "/api/**",
					"/error")
			.permitAll()
			.anyRequest()
			.authenticated())
			.formLogin((form) -> form.loginPage(LOGIN).defaultSuccessUrl("/process-admin/").permitAll())
			.httpBasic(Customizer.withDefaults())
			.logout(Customizer.withDefaults())
			.csrf((csrf) -> csrf.ignoringRequestMatchers("/api/**"))
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)))
			.addFilterBefore(throttle, CsrfFilter.class);
		return http.build();
	}

}
