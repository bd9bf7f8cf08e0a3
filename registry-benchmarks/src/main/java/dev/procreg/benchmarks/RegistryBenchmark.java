package dev.procreg.benchmarks;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryEntry;
import dev.procreg.registry.RegistryOptions;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Steady-state registry operations against a raw {@code ConcurrentHashMap} holding the same keys
 * (the JVM's practical limit for a concurrent key lookup), all in one run.
 *
 * <ul>
 * <li>Unique lookups, hit and miss, from 1 and 2 threads: {@code whereis} (returns an
 * {@code Optional<Pid>}) and {@code lookup} (a list of entries) against {@code map.get} on a
 * {@code ConcurrentHashMap<String, Pid>} with the same {@value #KEYS} String keys, registered by
 * {@value #KEYS} live processes. Keys cycle through a pre-built array, so no benchmark pays for
 * building keys.</li>
 * <li>Register plus unregister from a process: a JMH thread is not a process, so a GenServer's
 * {@code handleCall} registers and unregisters; {@code bareCall} is the same call doing nothing
 * (the overhead to subtract) and {@code mapPutRemoveInCall} does {@code put} and {@code remove}
 * on the raw map inside the same call.</li>
 * <li>{@code dispatch} to {@value #DUPLICATES} processes registered under one duplicate key (one
 * partition, the default), with a consumer that touches every entry; baseline: iterating a
 * {@code Pid[]} held in the raw map under that key.</li>
 * <li>{@code count()} of a unique registry with {@value #KEYS} entries against
 * {@code map.size()}.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RegistryBenchmark {

	static final int KEYS = 10_000;

	static final int DUPLICATES = 1_000;

	private static final int MASK = 16_383;

	private static final String TOPIC = "topic";

	private ProcessRuntime runtime;

	private ProcessRegistry<String, Boolean> unique;

	private ProcessRegistry<String, Boolean> duplicate;

	private final ConcurrentHashMap<String, Pid> map = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Pid[]> topics = new ConcurrentHashMap<>();

	/** {@value #KEYS} registered keys repeated to a power of two, and as many absent keys. */
	private final String[] hits = new String[MASK + 1];

	private final String[] misses = new String[MASK + 1];

	private Pid registrar;

	/** Per thread position in the key arrays. */
	@State(Scope.Thread)
	public static class Cursor {

		int next;

		int advance() {
			return this.next++ & MASK;
		}

	}

	/** Registers and unregisters a key (or puts and removes it in the raw map) inside handleCall. */
	static final class Registrar extends GenServer<Object> {

		private final ProcessRegistry<String, Boolean> registry;

		private final ConcurrentHashMap<String, Pid> map;

		Registrar(ProcessRegistry<String, Boolean> registry, ConcurrentHashMap<String, Pid> map) {
			this.registry = registry;
			this.map = map;
		}

		@Override
		protected Init<Object> init(@Nullable Object arg) {
			return ok(Boolean.TRUE);
		}

		@Override
		protected Result<Object> handleCall(Object request, From from, Object state) {
			switch (request) {
				case Register(String key) -> {
					this.registry.register(key, Boolean.TRUE);
					this.registry.unregister(key);
				}
				case PutRemove(String key) -> {
					this.map.put(key, self());
					this.map.remove(key);
				}
				default -> {
				}
			}
			return reply(request, state);
		}

	}

	record Register(String key) {
	}

	record PutRemove(String key) {
	}

	private static final Register REGISTER = new Register("registrar-key");

	private static final PutRemove PUT_REMOVE = new PutRemove("registrar-key");

	private static final Object NOTHING = new Object();

	@Setup
	public void start() throws InterruptedException {
		this.runtime = ProcessRuntime.start();
		this.unique = ProcessRegistry.start(this.runtime, RegistryOptions.unique("bench-unique"));
		this.duplicate = ProcessRegistry.start(this.runtime, RegistryOptions.duplicate("bench-duplicate"));
		CountDownLatch registered = new CountDownLatch(KEYS + DUPLICATES);
		for (int i = 0; i < KEYS; i++) {
			String key = "key-" + i;
			Pid pid = this.runtime.spawn((ctx) -> {
				this.unique.register(key, Boolean.TRUE);
				registered.countDown();
				ctx.receive();
			});
			this.map.put(key, pid);
		}
		Pid[] subscribers = new Pid[DUPLICATES];
		for (int i = 0; i < DUPLICATES; i++) {
			subscribers[i] = this.runtime.spawn((ctx) -> {
				this.duplicate.register(TOPIC, Boolean.TRUE);
				registered.countDown();
				ctx.receive();
			});
		}
		this.topics.put(TOPIC, subscribers);
		if (!registered.await(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException("processes did not register");
		}
		for (int i = 0; i <= MASK; i++) {
			this.hits[i] = "key-" + (i % KEYS);
			this.misses[i] = "absent-" + i;
		}
		this.registrar = GenServer.start(this.runtime, new Registrar(this.unique, this.map), null).orThrow();
		if (this.unique.count() != KEYS || this.duplicate.count() != DUPLICATES) {
			throw new IllegalStateException("count: " + this.unique.count() + " and " + this.duplicate.count());
		}
	}

	@TearDown
	public void close() {
		this.runtime.close();
	}

	// ---- unique lookup

	@Benchmark
	@Threads(1)
	public Object whereisHit1(Cursor cursor) {
		return this.unique.whereis(this.hits[cursor.advance()]).orElseThrow();
	}

	@Benchmark
	@Threads(2)
	public Object whereisHit2(Cursor cursor) {
		return this.unique.whereis(this.hits[cursor.advance()]).orElseThrow();
	}

	@Benchmark
	@Threads(1)
	public Object lookupHit1(Cursor cursor) {
		return this.unique.lookup(this.hits[cursor.advance()]);
	}

	@Benchmark
	@Threads(1)
	public boolean whereisMiss1(Cursor cursor) {
		return this.unique.whereis(this.misses[cursor.advance()]).isPresent();
	}

	@Benchmark
	@Threads(2)
	public boolean whereisMiss2(Cursor cursor) {
		return this.unique.whereis(this.misses[cursor.advance()]).isPresent();
	}

	@Benchmark
	@Threads(1)
	public Object baselineMapHit1(Cursor cursor) {
		return this.map.get(this.hits[cursor.advance()]);
	}

	@Benchmark
	@Threads(2)
	public Object baselineMapHit2(Cursor cursor) {
		return this.map.get(this.hits[cursor.advance()]);
	}

	@Benchmark
	@Threads(1)
	public Object baselineMapMiss1(Cursor cursor) {
		return this.map.get(this.misses[cursor.advance()]);
	}

	@Benchmark
	@Threads(2)
	public Object baselineMapMiss2(Cursor cursor) {
		return this.map.get(this.misses[cursor.advance()]);
	}

	// ---- register plus unregister, inside a call

	@Benchmark
	@Threads(1)
	public Object registerUnregisterInCall() {
		return this.runtime.call(this.registrar, REGISTER);
	}

	@Benchmark
	@Threads(1)
	public Object baselineMapPutRemoveInCall() {
		return this.runtime.call(this.registrar, PUT_REMOVE);
	}

	@Benchmark
	@Threads(1)
	public Object baselineBareCall() {
		return this.runtime.call(this.registrar, NOTHING);
	}

	// ---- dispatch and count

	@Benchmark
	@Threads(1)
	public void dispatch1000(Blackhole blackhole) {
		this.duplicate.dispatch(TOPIC, (entries) -> {
			for (RegistryEntry<String, Boolean> entry : entries) {
				blackhole.consume(entry.pid());
			}
		});
	}

	@Benchmark
	@Threads(1)
	public void baselineMapDispatch1000(Blackhole blackhole) {
		for (Pid pid : this.topics.get(TOPIC)) {
			blackhole.consume(pid);
		}
	}

	@Benchmark
	@Threads(1)
	public long count() {
		return this.unique.count();
	}

	@Benchmark
	@Threads(1)
	public long baselineMapSize() {
		return this.map.size();
	}

}
