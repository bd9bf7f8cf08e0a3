package dev.procreg.demo.process;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The supervision tree.
 *
 * @param onGiveUp What the application does when a top-level supervisor gives up (its children
 * crashed more often than its restart intensity allows): {@code exit}, as OTP stops an application
 * whose top supervisor exits, so that whatever runs the application (systemd, Kubernetes, a shell
 * loop) starts a fresh one; or {@code stay-down}, to keep answering with 503 and a DOWN health
 * until someone restarts it
 */
@ConfigurationProperties("demo.supervision")
public record SupervisionProperties(@DefaultValue("exit") OnGiveUp onGiveUp) {

	/** What the application does when a top-level supervisor gives up. */
	public enum OnGiveUp {

		/** Log it once, stop the context and exit the JVM with status 1. */
		EXIT,

		/** Log it once and keep running: health is DOWN, requests needing the tree get 503. */
		STAY_DOWN

	}

}
