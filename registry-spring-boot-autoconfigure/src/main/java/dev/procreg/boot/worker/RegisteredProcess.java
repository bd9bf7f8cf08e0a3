package dev.procreg.boot.worker;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.procreg.supervisor.Restart;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.annotation.Scope;
import org.springframework.stereotype.Component;

/**
 * Makes a {@link dev.procreg.process.GenServer GenServer} class a supervised, registered worker
 * type: one process per key (a session, a donor, an order), started on first use through
 * {@link ProcessTemplate} under a partitioned supervisor of its own, and registered under its key
 * in a unique registry named after the type. {@code init} receives the key. The starter only
 * reads this annotation: the workers run on core's {@link dev.procreg.worker.KeyedWorkers}, which
 * a plain Java application uses directly.
 *
 * <p>The class is a Spring bean of prototype scope (a component, found by component scanning or
 * imported): every start, and every restart after a crash, takes a new instance, so constructor
 * injection of other beans works.
 *
 * <pre>{@code
 * @RegisteredProcess(idleTimeout = "30m", metadata = "tier=standard")
 * class DonorSession extends GenServer<Basket> {
 *
 *     private final PaymentGateway payments;
 *
 *     DonorSession(PaymentGateway payments) {
 *         this.payments = payments;
 *     }
 *
 *     protected Init<Basket> init(Object donorId) {
 *         return ok(new Basket((String) donorId));
 *     }
 *     ...
 * }
 *
 * Receipt receipt = template.call(DonorSession.class, "donor-42", new Donate(100_000));
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
public @interface RegisteredProcess {

	/**
	 * The name of the unique registry the workers register in; by default the bean's name. A
	 * unique registry of that name declared in {@code process-registry.registries} is used when
	 * present (its partition count then applies).
	 * @return the registry name
	 */
	String registry() default "";

	/**
	 * When a worker is restarted after it exited. The default, {@link Restart#TRANSIENT},
	 * restarts it after a crash only, so that a worker that stops normally (or is passivated)
	 * stays stopped until its key is used again.
	 * @return the restart type
	 */
	Restart restart() default Restart.TRANSIENT;

	/**
	 * Passivation: a worker that receives no message of any kind for this long (a call, cast or
	 * send through {@link ProcessTemplate}, or any message sent to its pid) stops with
	 * {@code shutdown}, running {@code terminate}, and starts again on the next use of its key; a
	 * request in flight keeps it. A duration such as {@code 30m}, {@code 500ms} or {@code PT1H};
	 * placeholders are resolved. Empty (the default) for never.
	 * @return the idle timeout
	 */
	String idleTimeout() default "";

	/**
	 * The most workers of this type that may run at once; 0 (the default) for no limit. The limit
	 * counts the whole worker type, not each partition: whatever partitions the keys hash to,
	 * exactly this many workers can run, and a start beyond it fails with
	 * {@link dev.procreg.worker.WorkerStartException}. A worker's slot is free again as soon as its
	 * exit completes; restarts take a slot like first starts.
	 * @return the limit
	 */
	int maxInstances() default 0;

	/**
	 * How many dynamic supervisors share the starts of this type; 0 (the default) for
	 * {@code process-registry.workers.partitions}.
	 * @return the partition count
	 */
	int partitions() default 0;

	/**
	 * Metadata every worker registers with, as {@code key=value} pairs; it is the registry
	 * entry's value (a {@code Map<String, String>}) and the actuator endpoint shows it,
	 * sanitized. Placeholders are resolved.
	 * @return the metadata
	 */
	String[] metadata() default {};

}
