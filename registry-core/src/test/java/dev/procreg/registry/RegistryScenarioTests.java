package dev.procreg.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.ExitReason;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.Name;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.registry.RegistryTestSupport.Agent;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The donation platform of the source document, told again with this library. */
@ExtendWith(RuntimeExtension.class)
class RegistryScenarioTests {

	private final ProcessRuntime runtime;

	RegistryScenarioTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	record SessionInfo(Instant connectedAt) {
	}

	record Donation(long amount, String currency) {
	}

	record Receipt(String donor, long amount, String currency, int number) {
	}

	/** One donor's session: numbers the donations it takes. */
	static final class UserSession extends GenServer<Integer> {

		private final String donor;

		UserSession(String donor) {
			this.donor = donor;
		}

		@Override
		protected Init<Integer> init(@Nullable Object arg) {
			return ok(0);
		}

		@Override
		protected Result<Integer> handleCall(Object request, From from, Integer donations) {
			if (request instanceof Donation(long amount, String currency)) {
				return reply(new Receipt(this.donor, amount, currency, donations + 1), donations + 1);
			}
			return reply("unknown", donations);
		}

		static ViaName<String, Object> via(String donor) {
			return ViaName.of("sessions", donor);
		}

		static StartResult start(ProcessRuntime runtime, String donor) {
			return GenServer.start(runtime, new UserSession(donor), null, via(donor));
		}

		static Receipt submitDonation(ProcessRuntime runtime, String donor, Donation donation) {
			return runtime.call(via(donor), donation);
		}

	}

	@Test
	void sessionsAreFoundByDonorIdAndVanishWhenTheyDie() {
		ProcessRegistry<String, SessionInfo> sessions = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("sessions"));
		CountDownLatch registered = new CountDownLatch(1);
		Pid session = this.runtime.spawn((ctx) -> {
			sessions.register("donor-123", new SessionInfo(Instant.now()));
			registered.countDown();
			ctx.receive();
		});
		Await.latch(registered);
		assertThat(sessions.whereis("donor-123")).contains(session);
		assertThat(sessions.lookup("donor-123")).singleElement().extracting(RegistryEntry::pid).isEqualTo(session);
		assertThat(sessions.whereis("donor-456")).isEmpty();
		this.runtime.exit(session, ExitReason.KILL);
		assertThat(sessions.whereis("donor-123")).as("gone at once, no stale pid").isEmpty();
		assertThat(sessions.lookup("donor-123")).isEmpty();
	}

	@Test
	void severalFlowsPerDonorReceiveABroadcastThroughDispatch() {
		ProcessRegistry<String, Map<String, String>> flows = ProcessRegistry.start(this.runtime,
				RegistryOptions.duplicate("flows").withPartitions(4));
		CountDownLatch registered = new CountDownLatch(2);
		CompletableFuture<Object> flow1Got = new CompletableFuture<>();
		CompletableFuture<Object> flow2Got = new CompletableFuture<>();
		Pid flow1 = this.runtime.spawn((ctx) -> {
			flows.register("donor-123", Map.of("flow_id", "flow-1"));
			registered.countDown();
			flow1Got.complete(ctx.receive());
		});
		Pid flow2 = this.runtime.spawn((ctx) -> {
			flows.register("donor-123", Map.of("flow_id", "flow-2"));
			registered.countDown();
			flow2Got.complete(ctx.receive());
		});
		Pid otherDonor = this.runtime.spawn((ctx) -> {
			flows.register("donor-999", Map.of("flow_id", "flow-9"));
			ctx.receive();
		});
		Await.latch(registered);
		assertThat(flows.lookup("donor-123")).extracting(RegistryEntry::pid, (e) -> e.value().get("flow_id"))
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(flow1, "flow-1"),
					org.assertj.core.groups.Tuple.tuple(flow2, "flow-2"));
		record Update(String data) {
		}
		flows.dispatch("donor-123", (entries) -> entries.forEach((e) -> this.runtime.send(e.pid(), new Update("new"))));
		assertThat(Await.result(flow1Got)).isEqualTo(new Update("new"));
		assertThat(Await.result(flow2Got)).isEqualTo(new Update("new"));
		assertThat(this.runtime.isAlive(otherDonor)).isTrue();
		assertThat(flows.lookup("donor-999")).hasSize(1);
	}

	@Test
	void theViaNameSessionTakesDonationsByName() {
		ProcessRegistry.start(this.runtime, RegistryOptions.unique("sessions"));
		Pid session = UserSession.start(this.runtime, "donor-123").orThrow();
		Receipt first = UserSession.submitDonation(this.runtime, "donor-123", new Donation(100_000, "IDR"));
		Receipt second = UserSession.submitDonation(this.runtime, "donor-123", new Donation(50_000, "IDR"));
		assertThat(first).isEqualTo(new Receipt("donor-123", 100_000, "IDR", 1));
		assertThat(second.number()).isEqualTo(2);
		assertThat(UserSession.start(this.runtime, "donor-123")).isEqualTo(new StartResult.AlreadyStarted(session));
		this.runtime.exit(session, ExitReason.KILL);
		assertThatExceptionOfType(NoProcessException.class)
			.isThrownBy(() -> UserSession.submitDonation(this.runtime, "donor-123", new Donation(1, "IDR")));
	}

	@Test
	void mistake1RegistrationFailureIsAResultYouMustHandle() {
		ProcessRegistry<String, SessionInfo> sessions = ProcessRegistry.start(this.runtime,
				RegistryOptions.unique("sessions"));
		Agent first = new Agent(this.runtime);
		Agent second = new Agent(this.runtime);
		first.call(() -> sessions.register("donor-123", new SessionInfo(Instant.now())));
		String outcome = second.call(() -> switch (sessions.register("donor-123", new SessionInfo(Instant.now()))) {
			case RegisterResult.Registered() -> "do work";
			case RegisterResult.AlreadyRegistered(Pid owner) -> "session exists: " + owner;
		});
		assertThat(outcome).isEqualTo("session exists: " + first.pid);
		assertThat(sessions.whereis("donor-123")).contains(first.pid);
	}

	static final class RateLimiter extends GenServer<Integer> {

		@Override
		protected Init<Integer> init(@Nullable Object arg) {
			return ok(0);
		}

		@Override
		protected Result<Integer> handleCall(Object request, From from, Integer checks) {
			return reply(checks + 1 <= 2, checks + 1);
		}

	}

	@Test
	void mistake2ASingletonIsANamedProcessNotARegistryEntry() {
		Pid limiter = GenServer.start(this.runtime, new RateLimiter(), null, Name.of("rate-limiter")).orThrow();
		assertThat(this.runtime.whereis("rate-limiter")).contains(limiter);
		assertThat(this.runtime.<Boolean>call(Name.of("rate-limiter"), "check_limit")).isTrue();
		assertThat(this.runtime.<Boolean>call(Name.of("rate-limiter"), "check_limit")).isTrue();
		assertThat(this.runtime.<Boolean>call(Name.of("rate-limiter"), "check_limit")).isFalse();
		assertThat(GenServer.start(this.runtime, new RateLimiter(), null, Name.of("rate-limiter")))
			.isEqualTo(new StartResult.AlreadyStarted(limiter));
		assertThat(ProcessRegistry.all(this.runtime)).as("no registry needed").isEmpty();
	}

	@Test
	void mistake3AChildStartedWithoutViaCannotBeFoundByKey() {
		ProcessRegistry<String, Object> sessions = ProcessRegistry.start(this.runtime, RegistryOptions.unique("sessions"));
		Pid unnamed = GenServer.start(this.runtime, new UserSession("donor-1"), null).orThrow();
		assertThat(this.runtime.isAlive(unnamed)).isTrue();
		assertThat(sessions.whereis("donor-1")).isEmpty();
		assertThatExceptionOfType(NoProcessException.class)
			.isThrownBy(() -> UserSession.submitDonation(this.runtime, "donor-1", new Donation(1, "IDR")));
		Pid named = UserSession.start(this.runtime, "donor-1").orThrow();
		assertThat(sessions.whereis("donor-1")).contains(named);
		assertThat(UserSession.submitDonation(this.runtime, "donor-1", new Donation(1, "IDR")).number()).isEqualTo(1);
	}

	record Meta(String userId) {
	}

	@Test
	void mistake4LookupIsByKeyWhileSelectCanStillQueryValues() {
		ProcessRegistry<String, Meta> wrong = ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("wrong"));
		ProcessRegistry<String, Meta> right = ProcessRegistry.start(this.runtime, RegistryOptions.unique("right"));
		Agent a = new Agent(this.runtime);
		Agent b = new Agent(this.runtime);
		a.run(() -> {
			wrong.register("all_users", new Meta("donor-123"));
			right.register("donor-123", new Meta("donor-123"));
		});
		b.run(() -> {
			wrong.register("all_users", new Meta("donor-456"));
			right.register("donor-456", new Meta("donor-456"));
		});
		assertThat(wrong.lookup("donor-123")).as("metadata is not a key").isEmpty();
		assertThat(right.whereis("donor-123")).contains(a.pid);
		List<Pid> byValue = wrong.select((e) -> e.value().userId().equals("donor-123"), RegistryEntry::pid);
		assertThat(byValue).containsExactly(a.pid);
		assertThat(wrong.match("all_users", (m) -> m.userId().equals("donor-456"))).extracting(RegistryEntry::pid)
			.containsExactly(b.pid);
	}

}
