package dev.procreg.demo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.procreg.process.ProcessRuntime;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole application on a random port with its H2 file in a temporary directory, a rate limit
 * of 3 per minute and a payment gateway that crashes on demand. Test classes with this annotation
 * share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "demo.rate-limit.per-minute=3", "demo.payments.workers=2", "logging.level.dev.procreg=WARN" })
@ContextConfiguration(initializers = TempDatabase.class)
@Import(DemoAppTest.Gateway.class)
@interface DemoAppTest {

	@TestConfiguration(proxyBeanMethods = false)
	class Gateway {

		@Bean
		@Primary
		CrashingPaymentGateway crashingPaymentGateway(ProcessRuntime runtime) {
			return new CrashingPaymentGateway(runtime);
		}

	}

}
