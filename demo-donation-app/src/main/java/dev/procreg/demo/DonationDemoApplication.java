package dev.procreg.demo;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The source document's donation platform on localhost: a donor session per donor id in a unique
 * registry, several donation flows per donor in a duplicate registry, a rate limiter as a named
 * singleton, payment workers in a process group under a supervisor, and donations stored durably
 * with idempotency keys.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class DonationDemoApplication {

	public static void main(String[] args) {
		SpringApplication.run(DonationDemoApplication.class, args);
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
