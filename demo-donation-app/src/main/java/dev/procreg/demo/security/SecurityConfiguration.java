package dev.procreg.demo.security;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may see what. Without logging in: the donor page and its assets, the donor API and
 * {@code /actuator/health}. Every other actuator endpoint and the process admin page
 * ({@code /process-admin/**}) need the admin user ({@code spring.security.user.*}, role
 * {@code ADMIN}), who logs in with the form at {@code /login}. The donor API takes no cookies
 * and is exempt from CSRF protection; the login form is not.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class SecurityConfiguration {

	/** The role of the admin user. */
	public static final String ADMIN_ROLE = "ADMIN";

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests
			.requestMatchers("/actuator/health", "/actuator/health/**")
			.permitAll()
			.requestMatchers("/actuator", "/actuator/**", "/process-admin", "/process-admin/**")
			.hasRole(ADMIN_ROLE)
			.requestMatchers("/", "/index.html", "/css/**", "/js/**", "/favicon.ico", "/api/**", "/error")
			.permitAll()
			.anyRequest()
			.authenticated())
			.formLogin(Customizer.withDefaults())
			.logout(Customizer.withDefaults())
			.csrf((csrf) -> csrf.ignoringRequestMatchers("/api/**"));
		return http.build();
	}

}
