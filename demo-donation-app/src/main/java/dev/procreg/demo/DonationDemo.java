package dev.procreg.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.procreg.process.ExitReason;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.Name;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.StartResult;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegisterResult;
import dev.procreg.registry.RegistryOptions;

/**
 * A console walk-through of the source document's donation platform: donor sessions found by
 * donor id through a unique registry and via names, several flows per donor in a duplicate
 * registry with a broadcast, a rate limiter as a named singleton, and what happens when a session
 * is killed.
 */
public final class DonationDemo {

	sealed interface SessionRequest permits Donate, Totals {
	}

	record Donate(long amount, String currency) implements SessionRequest {
	}

	record Totals() implements SessionRequest {
	}

	record Check(String donorId) {
	}

	record FlowUpdate(String text) {
	}

	/** One donor's session: keeps the donor's totals. */
	static final class DonorSession extends GenServer<Map<String, Long>> {

		private final String donorId;

		DonorSession(String donorId) {
			this.donorId = donorId;
		}

		@Override
		protected Init<Map<String, Long>> init(Object arg) {
			return ok(new HashMap<>(), Duration.ofMinutes(30));
		}

		@Override
		protected Result<Map<String, Long>> handleCall(Object request, From from, Map<String, Long> totals) {
			return switch ((SessionRequest) request) {
				case Donate(long amount, String currency) -> {
					if (!runtime().<Boolean>call(Name.of("rate-limiter"), new Check(this.donorId))) {
						yield reply("rate limited", totals);
					}
					totals.merge(currency, amount, Long::sum);
					yield reply("recorded " + amount + " " + currency, totals, Duration.ofMinutes(30));
				}
				case Totals() -> reply(Map.copyOf(totals), totals, Duration.ofMinutes(30));
			};
		}

		@Override
		protected Result<Map<String, Long>> handleInfo(Object message, Map<String, Long> totals) {
			if (message == Timeout.TIMEOUT) {
				return stop(ExitReason.NORMAL, totals);
			}
			return noReply(totals);
		}

	}

	/** At most three donations per donor: the document's named singleton. */
	static final class RateLimiter extends GenServer<Map<String, Integer>> {

		@Override
		protected Init<Map<String, Integer>> init(Object arg) {
			return ok(new HashMap<>());
		}

		@Override
		protected Result<Map<String, Integer>> handleCall(Object request, From from, Map<String, Integer> counts) {
			Check check = (Check) request;
			int used = counts.merge(check.donorId(), 1, Integer::sum);
			return reply(used <= 3, counts);
		}

	}

	private DonationDemo() {
	}

	public static void main(String[] args) throws Exception {
		try (ProcessRuntime runtime = ProcessRuntime.start()) {
			ProcessRegistry<String, Object> sessions = ProcessRegistry.start(runtime,
					RegistryOptions.unique("sessions").withPartitions(Runtime.getRuntime().availableProcessors()));
			ProcessRegistry<String, Map<String, String>> flows = ProcessRegistry.start(runtime,
					RegistryOptions.duplicate("flows"));

			GenServer.start(runtime, new RateLimiter(), null, Name.of("rate-limiter")).orThrow();
			say("rate limiter runs as %s, registered as 'rate-limiter'", runtime.whereis("rate-limiter").orElseThrow());

			Pid session = GenServer.start(runtime, new DonorSession("donor-123"), null, sessions.via("donor-123")).orThrow();
			say("session of donor-123 started as %s", session);
			StartResult again = GenServer.start(runtime, new DonorSession("donor-123"), null, sessions.via("donor-123"));
			say("starting it again gives %s: the second session never ran init", again);

			for (long amount : new long[] { 100_000, 250_000, 50_000, 75_000 }) {
				String outcome = runtime.call(sessions.via("donor-123"), new Donate(amount, "IDR"));
				say("donate %,d IDR by via name -> %s", amount, outcome);
			}
			say("totals: %s", runtime.<Map<String, Long>>call(sessions.via("donor-123"), new Totals()));

			List<String> received = new ArrayList<>();
			for (String flowId : List.of("flow-1", "flow-2")) {
				runtime.spawn((ctx) -> {
					RegisterResult result = flows.register("donor-123", Map.of("flow_id", flowId));
					say("%s registered %s under donor-123: %s", ctx.self(), flowId, result);
					if (ctx.receive() instanceof FlowUpdate(String text)) {
						synchronized (received) {
							received.add(flowId + " got '" + text + "'");
						}
					}
				});
			}
			while (flows.lookup("donor-123").size() < 2) {
				Thread.onSpinWait();
			}
			say("flows of donor-123: %s", flows.lookup("donor-123"));
			flows.dispatch("donor-123", (entries) -> entries.forEach((entry) -> runtime.send(entry.pid(),
					new FlowUpdate("campaign total updated"))));
			while (flows.count() > 0) {
				Thread.onSpinWait();
			}
			say("broadcast delivered: %s", received);

			runtime.exit(session, ExitReason.KILL);
			say("killed %s; lookup right after the kill: %s (never the dead pid)", session, sessions.lookup("donor-123"));
			Pid restarted = GenServer.start(runtime, new DonorSession("donor-123"), null, sessions.via("donor-123"))
				.orThrow();
			say("a new session %s holds donor-123; info: %s", restarted, runtime.processInfo(restarted).orElseThrow());
			say("registry stats: %s", sessions.partitionStats());
		}
		say("runtime closed: every process ended");
	}

	private static void say(String format, Object... args) {
		System.out.printf("[%s] %s%n", Instant.now(), String.format(format, args));
	}

}
