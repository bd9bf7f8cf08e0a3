package dev.procreg.demo.flow;

import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.DynamicSupervisor;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Puts the flows' dynamic supervisor, {@code donation-flows}, under the application's supervisor.
 */
@Configuration(proxyBeanMethods = false)
class FlowConfiguration {

	@Bean
	@Order(3)
	ChildSpec donationFlowsSupervisor(FlowProperties properties) {
		return DynamicSupervisor.childSpec("donation-flows", DynamicSupervisor.Options.defaults()
			.withMaxRestarts(100)
			.withMaxSeconds(10)
			.withMaxChildren(properties.max())
			.withName(DonationFlows.SUPERVISOR));
	}

}
