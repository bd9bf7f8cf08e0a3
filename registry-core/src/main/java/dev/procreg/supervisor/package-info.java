/**
 * OTP supervision: {@link dev.procreg.supervisor.Supervisor} (one-for-one, one-for-all,
 * rest-for-one, restart intensity), {@link dev.procreg.supervisor.DynamicSupervisor},
 * {@link dev.procreg.supervisor.PartitionSupervisor}, {@link dev.procreg.supervisor.ChildSpec},
 * and {@link dev.procreg.supervisor.SupervisionTree} to show a tree on an admin page.
 *
 * <pre>{@code
 * Pid sup = Supervisor.start(runtime, Strategy.ONE_FOR_ONE, List.of(
 *         ChildSpec.worker("rate-limiter", RateLimiter::new, null, Name.of("rate-limiter")),
 *         DynamicSupervisor.childSpec("sessions", DynamicSupervisor.Options.defaults())),
 *     Supervisor.Options.defaults()).orThrow();
 * }</pre>
 */
@NullMarked
package dev.procreg.supervisor;

import org.jspecify.annotations.NullMarked;
