package dev.procreg.boot.worker;

import java.time.Duration;

import dev.procreg.worker.KeyedWorkers;

/**
 * One {@link RegisteredProcess} worker type: the bean that defines it and core's
 * {@link KeyedWorkers} that runs it. All process logic (one worker per key, partitioned
 * supervision, passivation, the instance limit, retries) is core's.
 */
public final class WorkerType {

	private final Class<?> type;

	private final String beanName;

	private final KeyedWorkers<Object> workers;

	WorkerType(Class<?> type, String beanName, KeyedWorkers<Object> workers) {
		this.type = type;
		this.beanName = beanName;
		this.workers = workers;
	}

	/** @return the worker class */
	public Class<?> type() {
		return this.type;
	}

	/** @return the prototype bean's name */
	public String beanName() {
		return this.beanName;
	}

	/** @return the name of the registry the workers register in, which names the type too */
	public String name() {
		return this.workers.name();
	}

	/** @return core's keyed workers behind this type */
	public KeyedWorkers<Object> workers() {
		return this.workers;
	}

	/** @return the name of the type's top-level supervisor in the runtime */
	public String supervisorName() {
		return this.workers.spec().supervisorName();
	}

	/** @return how many workers run now, as their partition supervisors count them */
	public int activeWorkers() {
		return this.workers.activeWorkers(Duration.ofSeconds(5));
	}

	/** @return how many times workers of this type were restarted, as its supervisors count them */
	public long restarts() {
		return this.workers.restarts();
	}

}
