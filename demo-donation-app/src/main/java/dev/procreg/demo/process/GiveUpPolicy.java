package dev.procreg.demo.process;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.boot.supervision.ProcessSupervisors;
import dev.procreg.supervisor.TopLevelSupervisors;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Carries out {@code demo.supervision.on-give-up} when a top-level supervisor gives up. The
 * starter logs the give-up itself (once, with the supervisor's name and exit reason) and turns the
 * {@code processRegistry} health contributor DOWN naming it; this says once what happens next and
 * does it. By default the application exits with status 1, as OTP stops an application whose top
 * supervisor exits: a tree that cannot keep its children alive is not healed by staying up, a
 * fresh start (by the orchestrator) is the restart one level up.
 */
@Component
class GiveUpPolicy {

	private static final Logger logger = LoggerFactory.getLogger(GiveUpPolicy.class);

	private final ProcessSupervisors supervisors;

	private final SupervisionProperties properties;

	private final ConfigurableApplicationContext context;

	private final AtomicBoolean acted = new AtomicBoolean();

	GiveUpPolicy(ProcessSupervisors supervisors, SupervisionProperties properties,
			ConfigurableApplicationContext context) {
		this.supervisors = supervisors;
		this.properties = properties;
		this.context = context;
	}

	private void exit() {
		try {
			SpringApplication.exit(this.context, () -> 1);
		}
		finally {
			System.exit(1);
		}
	}

	@Scheduled(fixedDelay = 250)
	void check() {
		if (this.acted.get() || !this.context.isActive()) {
			return;
		}
		List<TopLevelSupervisors.Status> gaveUp = this.supervisors.topLevel().statuses().stream()
			.filter(TopLevelSupervisors.Status::gaveUp)
			.toList();
		if (gaveUp.isEmpty() || !this.acted.compareAndSet(false, true)) {
			return;
		}
		String which = gaveUp.stream().map((status) -> "'" + status.name() + "' (" + status.exitReason() + ")")
			.reduce((a, b) -> a + ", " + b)
			.orElseThrow();
		if (this.properties.onGiveUp() == SupervisionProperties.OnGiveUp.EXIT) {
			logger.error("Top-level supervisor {} gave up: stopping the application with exit status 1 "
					+ "(demo.supervision.on-give-up=exit); whatever runs it should start it again", which);
			Thread.ofPlatform().name("give-up-exit").daemon(false).start(this::exit);
		}
		else {
			logger.error("Top-level supervisor {} gave up: the application stays up with health DOWN and answers "
					+ "503 where it needs the supervisor's processes (demo.supervision.on-give-up=stay-down); "
					+ "restart it to recover", which);
		}
	}

}
