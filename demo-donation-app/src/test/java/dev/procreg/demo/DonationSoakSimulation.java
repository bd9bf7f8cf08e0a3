package dev.procreg.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import tools.jackson.databind.JsonNode;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;
import static org.awaitility.Awaitility.await;

/**
 * The chaos soak: the demo in a child JVM on an H2 file, under a steady stream of donor visits
 * (start or find the session, sometimes open a flow, donate, often replay the same idempotency
 * key, look at the donor), while a chaos thread terminates random sessions, flows and payment
 * workers through the admin API, and the whole JVM is killed with SIGKILL once, mid-run, and
 * started again on the same file and port.
 *
 * <p>At the end the ledger is checked exactly against the restarted application: every 201 is
 * listed once, every replay of its key answers 200 with its id, every stored donation is
 * CONFIRMED, no 500 was answered outside the restart window, no replay answered 201, and heap
 * (after a full GC) and live threads are back near what they were after the first start. Any
 * violation fails the simulation, and so the build. The figures go to {@code soak.report}.
 *
 * <p>System properties: {@code soak.seconds} (length of load, default 75), {@code soak.rate} (new
 * donor visits per second, default 8), {@code soak.donors} (default 1000).
 */
public class DonationSoakSimulation extends Simulation {

	private static final int SECONDS = Integer.getInteger("soak.seconds", 75);

	private static final int RATE = Integer.getInteger("soak.rate", 8);

	private static final int DONORS = Integer.getInteger("soak.donors", 1000);

	/** After the restart, how long failed connections still count as the restart's. */
	private static final Duration GRACE = Duration.ofSeconds(5);

	private final Path directory;

	private final Path log;

	private final String url;

	private final int port = DemoProcess.freePort();

	private final List<String> arguments = List.of("--demo.sessions.idle-timeout=10s", "--demo.flows.idle-timeout=10s",
			"--demo.payments.recovery-age=5s", "--logging.level.dev.procreg=WARN");

	private final AtomicReference<DemoProcess> demo = new AtomicReference<>();

	private final Map<String, Acknowledged> ledger = new ConcurrentHashMap<>();

	private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<Long> serverErrors = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<Long> failedConnections = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

	private final Map<String, AtomicInteger> kills = new ConcurrentHashMap<>();

	private final AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);

	private final AtomicLong restartedAt = new AtomicLong(Long.MAX_VALUE);

	private volatile boolean running = true;

	private Thread chaos;

	private Baseline baseline;

	public DonationSoakSimulation() {
		try {
			this.directory = Files.createTempDirectory("donation-soak-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.log = this.directory.resolve("demo.log");
		this.url = TempDatabase.url(this.directory);
		this.demo.set(DemoProcess.start(this.port, this.url, this.log, this.arguments));

		HttpProtocolBuilder protocol = http.baseUrl("http://127.0.0.1:" + this.port)
			.acceptHeader("application/json")
			.contentTypeHeader("application/json")
			.shareConnections();
		setUp(visits().injectOpen(constantUsersPerSec(RATE).during(Duration.ofSeconds(SECONDS))))
			.protocols(protocol);
	}

	private ScenarioBuilder visits() {
		ChainBuilder start = exec((session) -> session.set("donor", "soak-donor-" + ThreadLocalRandom.current().nextInt(DONORS))
			.set("key", UUID.randomUUID().toString())
			.set("amount", 1000 + ThreadLocalRandom.current().nextInt(1_000_000)))
			.exec(http("session").post("/api/donors/#{donor}/session").body(StringBody("{}")).check(status().saveAs("status")))
			.exec(this::count);
		ChainBuilder flow = doIf((session) -> ThreadLocalRandom.current().nextInt(100) < 30)
			.then(exec(http("flow").post("/api/donors/#{donor}/flows")
				.body(StringBody("{\"campaign\": \"soak\"}"))
				.check(status().saveAs("status"))).exec(this::count));
		ChainBuilder donate = exec(http("donate").post("/api/donors/#{donor}/donations")
			.body(StringBody("{\"amount\": #{amount}, \"currency\": \"IDR\", \"idempotencyKey\": \"#{key}\"}"))
			.check(status().saveAs("status"), jsonPath("$.id").optional().saveAs("id")))
			.exec(this::donated);
		ChainBuilder replay = doIf((session) -> ThreadLocalRandom.current().nextInt(100) < 60)
			.then(exec(http("replay").post("/api/donors/#{donor}/donations")
				.body(StringBody("{\"amount\": #{amount}, \"currency\": \"IDR\", \"idempotencyKey\": \"#{key}\"}"))
				.check(status().saveAs("status"), jsonPath("$.id").optional().saveAs("replayId")))
				.exec(this::replayed));
		ChainBuilder look = exec(http("donor").get("/api/donors/#{donor}").check(status().saveAs("status")))
			.exec(this::count);
		return scenario("donor visits").exec(start, flow, donate, replay, look);
	}

	private Session count(Session session) {
		if (!session.contains("status")) {
			this.failedConnections.add(System.nanoTime());
			return session;
		}
		int status = session.getInt("status");
		this.statuses.computeIfAbsent(status, (s) -> new AtomicInteger()).incrementAndGet();
		if (status >= 500 && status != 503) {
			this.serverErrors.add(System.nanoTime());
		}
		return session.remove("status");
	}

	private Session donated(Session session) {
		boolean answered = session.contains("status");
		Session counted = count(session);
		if (answered && session.getInt("status") == 201) {
			String key = session.getString("key");
			this.ledger.put(key, new Acknowledged(session.getString("donor"), key, session.getString("id"),
					session.getInt("amount")));
			return counted.set("acknowledged", true);
		}
		return counted.set("acknowledged", false);
	}

	private Session replayed(Session session) {
		boolean answered = session.contains("status");
		int status = answered ? session.getInt("status") : -1;
		Session counted = count(session);
		if (answered && status != 503 && session.getBoolean("acknowledged")) {
			if (status != 200 || !session.getString("id").equals(session.getString("replayId"))) {
				this.violations.add("replay of acknowledged key " + session.getString("key") + " answered " + status);
			}
		}
		else if (status == 201) {
			// the first attempt's outcome was unknown (no answer, or 503): it was not recorded then
			this.ledger.put(session.getString("key"), new Acknowledged(session.getString("donor"),
					session.getString("key"), session.getString("replayId"), session.getInt("amount")));
		}
		return counted;
	}

	@Override
	public void before() {
		this.baseline = measure(this.demo.get());
		this.chaos = Thread.ofPlatform().name("soak-chaos").daemon().start(this::chaos);
	}

	/** Random kills through the admin API, and one SIGKILL of the whole JVM with a restart. */
	private void chaos() {
		long started = System.nanoTime();
		long sigkillAt = started + Duration.ofSeconds(SECONDS).toNanos() * 45 / 100;
		boolean sigkilled = false;
		while (this.running) {
			try {
				Thread.sleep(ThreadLocalRandom.current().nextLong(700, 1500));
				if (!sigkilled && System.nanoTime() >= sigkillAt) {
					sigkilled = true;
					restart();
					continue;
				}
				AdminClient admin = new AdminClient(this.port, "admin", "admin");
				switch (ThreadLocalRandom.current().nextInt(3)) {
					case 0 -> killOne(admin, "session", admin.pids("sessions", 500), "shutdown");
					case 1 -> killOne(admin, "flow", admin.pids("flows", 500), "shutdown");
					default -> killOne(admin, "payment worker", admin.members("payment-workers"), "kill");
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				// the application is being restarted, or a process went away meanwhile
			}
		}
	}

	private void killOne(AdminClient admin, String what, List<String> pids, String reason) {
		if (!pids.isEmpty() && admin.terminate(pids.get(ThreadLocalRandom.current().nextInt(pids.size())), reason) == 200) {
			this.kills.computeIfAbsent(what, (w) -> new AtomicInteger()).incrementAndGet();
		}
	}

	private void restart() {
		this.killedAt.set(System.nanoTime());
		int exit = this.demo.get().kill();
		if (exit != DemoProcess.SIGKILL_STATUS) {
			this.violations.add("the demo exited with " + exit + " on SIGKILL, not " + DemoProcess.SIGKILL_STATUS);
		}
		this.demo.set(DemoProcess.start(this.port, this.url, this.log, this.arguments));
		this.restartedAt.set(System.nanoTime());
	}

	@Override
	public void after() {
		this.running = false;
		this.chaos.interrupt();
		try {
			this.chaos.join(30_000);
			verify();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.demo.get().close();
			TempDatabase.delete(this.directory);
		}
	}

	private void verify() throws InterruptedException {
		DemoProcess app = this.demo.get();
		Api api = new Api(app.port());
		Map<String, List<Acknowledged>> byDonor = new HashMap<>();
		this.ledger.values().forEach((ack) -> byDonor.computeIfAbsent(ack.donor(), (d) -> new ArrayList<>()).add(ack));

		// every stored donation is confirmed (recovery takes up what a killed worker or JVM left)
		AtomicInteger stored = new AtomicInteger();
		AtomicInteger pending = new AtomicInteger();
		try {
			await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).until(() -> {
				List<String> donors = Stream.concat(byDonor.keySet().stream(),
						Stream.iterate(0, (i) -> i + 1).limit(DONORS).map((i) -> "soak-donor-" + i)).distinct().toList();
				int all = 0;
				int notConfirmed = 0;
				for (String donor : donors) {
					for (JsonNode donation : api.get("/api/donations?donorId=" + donor).json()) {
						all++;
						notConfirmed += "CONFIRMED".equals(donation.path("status").asString()) ? 0 : 1;
					}
				}
				stored.set(all);
				pending.set(notConfirmed);
				return notConfirmed == 0;
			});
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			this.violations.add(pending.get() + " of " + stored.get() + " stored donations are not confirmed");
		}

		// every 201 listed exactly once, one donation per key
		for (Map.Entry<String, List<Acknowledged>> donor : byDonor.entrySet()) {
			JsonNode listed = api.get("/api/donations?donorId=" + donor.getKey()).json();
			if (listed.size() >= 100) {
				this.violations.add("donor " + donor.getKey() + " has a full page of donations: use more donors");
			}
			Map<String, Integer> ids = new HashMap<>();
			Map<String, Integer> keys = new HashMap<>();
			for (JsonNode donation : listed) {
				ids.merge(donation.path("id").asString(), 1, Integer::sum);
				keys.merge(donation.path("idempotencyKey").asString(), 1, Integer::sum);
			}
			keys.forEach((key, n) -> {
				if (n != 1) {
					this.violations.add("key " + key + " of " + donor.getKey() + " stored " + n + " times");
				}
			});
			for (Acknowledged ack : donor.getValue()) {
				if (ids.getOrDefault(ack.id(), 0) != 1) {
					this.violations.add("201 " + ack.id() + " (key " + ack.key() + ") listed "
							+ ids.getOrDefault(ack.id(), 0) + " times");
				}
			}
		}

		// every replay of a 201's key answers 200 with its id
		AtomicInteger replays = new AtomicInteger();
		try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
			List<Future<?>> done = new ArrayList<>();
			for (Acknowledged ack : this.ledger.values()) {
				done.add(clients.submit(() -> {
					Api.Response replay = api.donate(ack.donor(), ack.amount(), "IDR", ack.key());
					replays.incrementAndGet();
					if (replay.status() != 200 || !ack.id().equals(replay.text("id"))) {
						this.violations.add("final replay of " + ack.key() + " answered " + replay);
					}
				}));
			}
			for (Future<?> future : done) {
				try {
					future.get();
				}
				catch (java.util.concurrent.ExecutionException ex) {
					this.violations.add("final replay failed: " + ex.getCause());
				}
			}
		}

		// no 500 outside the restart window; failed connections only inside it
		long windowStart = this.killedAt.get();
		long windowEnd = (this.restartedAt.get() == Long.MAX_VALUE) ? Long.MAX_VALUE
				: this.restartedAt.get() + GRACE.toNanos();
		long errorsOutside = this.serverErrors.stream().filter((t) -> t < windowStart || t > windowEnd).count();
		long failuresOutside = this.failedConnections.stream().filter((t) -> t < windowStart || t > windowEnd).count();
		if (errorsOutside > 0) {
			this.violations.add(errorsOutside + " answers 5xx (not 503) outside the restart window");
		}
		if (failuresOutside > 0) {
			this.violations.add(failuresOutside + " requests without an answer outside the restart window");
		}
		if (this.restartedAt.get() == Long.MAX_VALUE) {
			this.violations.add("the SIGKILL and restart did not happen");
		}

		// heap and threads back near the start once the sessions and flows passivated
		AdminClient admin = new AdminClient(app.port(), "admin", "admin");
		try {
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
				.until(() -> admin.pids("sessions", 10).isEmpty() && admin.pids("flows", 10).isEmpty());
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			this.violations.add("sessions or flows did not passivate within 60 s");
		}
		Baseline end = measure(app);
		if (end.heapBytes() > this.baseline.heapBytes() * 1.5 + 16 * 1024 * 1024) {
			this.violations.add("heap after GC " + mb(end.heapBytes()) + " MB, at the start " + mb(this.baseline.heapBytes()) + " MB");
		}
		if (end.threads() > this.baseline.threads() + 10) {
			this.violations.add("live threads " + end.threads() + ", at the start " + this.baseline.threads());
		}

		String report = report(stored.get(), replays.get(), end, windowEnd == Long.MAX_VALUE ? -1
				: Duration.ofNanos(windowEnd - windowStart).toMillis());
		System.out.println(report);
		String file = System.getProperty("soak.report");
		if (file != null) {
			try {
				Files.writeString(Path.of(file), report);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		if (!this.violations.isEmpty()) {
			throw new AssertionError("The soak's ledger is wrong:\n" + String.join("\n", first(this.violations, 50))
					+ "\nsee the demo's log, " + this.log);
		}
	}

	private String report(int stored, int replays, Baseline end, long windowMillis) {
		StringBuilder text = new StringBuilder("=== chaos soak ledger ===\n");
		text.append("load: ").append(SECONDS).append(" s, ").append(RATE).append(" donor visits/s, ")
			.append(DONORS).append(" donors\n");
		text.append("answers by status: ").append(new java.util.TreeMap<>(this.statuses)).append('\n');
		text.append("requests without an answer: ").append(this.failedConnections.size())
			.append(" (all within the restart window of ").append(windowMillis).append(" ms)\n");
		text.append("kills through the admin API: ").append(this.kills).append(", SIGKILLs of the JVM: 1\n");
		text.append("201s: ").append(this.ledger.size()).append(", stored donations of the soak's donors: ")
			.append(stored).append(", all confirmed; final replays: ").append(replays).append(", all 200 with the same id\n");
		text.append("5xx other than 503 outside the restart window: 0\n");
		text.append("heap after GC: start ").append(mb(this.baseline.heapBytes())).append(" MB, end ")
			.append(mb(end.heapBytes())).append(" MB; live threads: start ").append(this.baseline.threads())
			.append(", end ").append(end.threads()).append('\n');
		text.append("violations: ").append(this.violations.size()).append('\n');
		return text.toString();
	}

	private static List<String> first(Iterable<String> items, int n) {
		List<String> list = new ArrayList<>();
		for (Iterator<String> it = items.iterator(); it.hasNext() && list.size() < n;) {
			list.add(it.next());
		}
		return list;
	}

	private static long mb(double bytes) {
		return Math.round(bytes / (1024 * 1024));
	}

	private static Baseline measure(DemoProcess app) {
		app.collectGarbage();
		AdminClient admin = new AdminClient(app.port(), "admin", "admin");
		return new Baseline(admin.metric("jvm.memory.used", "area:heap"), (int) admin.metric("jvm.threads.live", null));
	}

	record Acknowledged(String donor, String key, String id, int amount) {
	}

	record Baseline(double heapBytes, int threads) {
	}

}
