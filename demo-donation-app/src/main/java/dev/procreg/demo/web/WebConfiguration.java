package dev.procreg.demo.web;

import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;
import tools.jackson.core.StreamReadFeature;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The HTTP hardening that is not a controller's: the body limit (before anything else reads a
 * body), strict JSON (a duplicate property is an error, not "last one wins"), and problem details
 * for what Tomcat rejects before the application sees it (an encoded slash, a NUL, a header or URL
 * above the limit).
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

	@Bean
	FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(WebProperties properties) {
		FilterRegistrationBean<BodyLimitFilter> registration = new FilterRegistrationBean<>(
				new BodyLimitFilter(properties.maxBodySize()));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

	@Bean
	JsonMapperBuilderCustomizer strictJson() {
		return (builder) -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
	}

	@Bean
	TomcatServletWebServerFactory tomcatServletWebServerFactory() {
		return new TomcatServletWebServerFactory() {

			@Override
			protected TomcatWebServer getTomcatWebServer(Tomcat tomcat) {
				// Tomcat's own error page (HTML, with the server's version) for what it rejects
				// before a servlet runs: a problem detail instead (the host adds it when it starts)
				((StandardHost) tomcat.getHost()).setErrorReportValveClass(ProblemErrorReportValve.class.getName());
				return super.getTomcatWebServer(tomcat);
			}

		};
	}

}
