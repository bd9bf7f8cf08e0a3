package dev.procreg.benchmarks;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Lookups of keys made of two numbers, {@value #TENANTS} tenants × {@value #USERS} users held by
 * as many live processes, against {@code map.get} on a {@code ConcurrentHashMap} holding the same
 * keys: the case the entry table's runs of 16 neighbouring hash codes handle worst, which its
 * rebuilds detect and scramble (benchmark README, "Keys whose hash codes repeat: a scrambled
 * table"). {@code shape} is the key: {@code record}, a
 * {@code TenantUser(int, int)} record, whose hash code {@code 31 * tenant + user} repeats about
 * ten times within a dense range; or {@code string}, the same pair as {@code "tenant:user"}. The
 * keys looked up are equal copies of the registered ones, in a fixed shuffle.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CompositeKeyBenchmark {

	static final int TENANTS = 10;

	static final int USERS = 10_000;

	static final int COUNT = TENANTS * USERS;

	/** A power of two above {@link #COUNT}, so the lookup order wraps with a mask. */
	private static final int MASK = 131_071;

	/** A key of two numbers, as a {@code {tenant, user}} tuple is in Elixir. */
	record TenantUser(int tenant, int user) {
	}

	@Param({ "record", "string" })
	public String shape;

	private ProcessRuntime runtime;

	private ProcessRegistry<Object, Boolean> registry;

	private final ConcurrentHashMap<Object, Pid> map = new ConcurrentHashMap<>();

	private final Object[] lookups = new Object[MASK + 1];

	/** Per thread position in the lookup order. */
	@State(Scope.Thread)
	public static class Cursor {

		int next;

		int advance() {
			return this.next++ & MASK;
		}

	}

	private Object key(int tenant, int user) {
		return "record".equals(this.shape) ? new TenantUser(tenant, user) : tenant + ":" + user;
	}

	@Setup
	public void start() throws InterruptedException {
		if (!"record".equals(this.shape) && !"string".equals(this.shape)) {
			throw new IllegalArgumentException("shape must be record or string: " + this.shape);
		}
		this.runtime = ProcessRuntime.start();
		this.registry = ProcessRegistry.start(this.runtime, RegistryOptions.unique("composite"));
		CountDownLatch registered = new CountDownLatch(COUNT);
		ProcessRegistry<Object, Boolean> registry = this.registry;
		for (int i = 0; i < COUNT; i++) {
			Object key = key(i / USERS, i % USERS);
			Pid pid = this.runtime.spawn((ctx) -> {
				registry.register(key, Boolean.TRUE);
				registered.countDown();
				ctx.receive();
			});
			this.map.put(key, pid);
		}
		if (!registered.await(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException(registered.getCount() + " did not register");
		}
		if (this.registry.count() != COUNT || this.map.size() != COUNT) {
			throw new IllegalStateException("count " + this.registry.count() + ", map " + this.map.size());
		}
		int[] permutation = LookupOrder.of(COUNT, true);
		for (int i = 0; i <= MASK; i++) {
			int n = permutation[i % COUNT];
			this.lookups[i] = key(n / USERS, n % USERS);
		}
	}

	@TearDown
	public void close() {
		this.runtime.close();
	}

	@Benchmark
	@Threads(1)
	public Object lookupHit(Cursor cursor) {
		return this.registry.whereis(this.lookups[cursor.advance()]).orElseThrow();
	}

	@Benchmark
	@Threads(1)
	public Object baselineMapGet(Cursor cursor) {
		return this.map.get(this.lookups[cursor.advance()]);
	}

}
