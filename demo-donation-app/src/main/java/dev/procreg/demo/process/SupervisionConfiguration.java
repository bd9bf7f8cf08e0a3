package dev.procreg.demo.process;

import dev.procreg.boot.supervision.SupervisorDefinition;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.Supervisor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The root of the demo's own supervision tree, as an OTP application has one: a one-for-one
 * supervisor registered as {@code donation-app} whose children are the application's
 * {@link ChildSpec} beans in their {@code @Order} (the rate limiter, the payment workers'
 * supervisor, the flows' dynamic supervisor). The starter starts it with the context and stops it
 * on shutdown; the donor sessions have supervisors of their own, made by the starter for the
 * {@code @RegisteredProcess} worker type.
 */
@Configuration(proxyBeanMethods = false)
public class SupervisionConfiguration {

	/** The name the root supervisor is registered under. */
	public static final String NAME = "donation-app";

	@Bean
	SupervisorDefinition donationAppSupervisor(ObjectProvider<ChildSpec> children) {
		return SupervisorDefinition.of(NAME, Strategy.ONE_FOR_ONE, children.orderedStream().toList(),
				Supervisor.Options.defaults().withMaxRestarts(10).withMaxSeconds(10));
	}

}
