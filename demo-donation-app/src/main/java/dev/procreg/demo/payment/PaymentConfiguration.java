package dev.procreg.demo.payment;

import java.util.ArrayList;
import java.util.List;

import dev.procreg.group.ProcessGroups;
import dev.procreg.process.Name;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.Strategy;
import dev.procreg.supervisor.Supervisor;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * The payment workers' supervisor ({@code payment-workers}, one for one, permanent workers) under
 * the application's supervisor, and the payment gateway.
 */
@Configuration(proxyBeanMethods = false)
class PaymentConfiguration {

	@Bean
	PaymentGateway paymentGateway() {
		return new SimulatedPaymentGateway();
	}

	@Bean
	@Order(2)
	ChildSpec paymentWorkersSupervisor(PaymentProperties properties, ProcessGroups groups, PaymentGateway gateway) {
		List<ChildSpec> workers = new ArrayList<>();
		for (int i = 1; i <= properties.workers(); i++) {
			workers.add(ChildSpec.worker("payment-worker-" + i,
					() -> new PaymentWorker(groups, gateway), null));
		}
		return Supervisor.childSpec("payment-workers", Strategy.ONE_FOR_ONE, workers, Supervisor.Options.defaults()
			.withMaxRestarts(20)
			.withMaxSeconds(10)
			.withName(Name.of("payment-workers")));
	}

}
