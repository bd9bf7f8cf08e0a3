package dev.procreg.registry;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.Pid;

/**
 * A planted bug for the registry's suites to prove their power: the real partition, but its unique
 * reads skip the owner's liveness, so a lookup may return a dead owner.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class StaleReadPartition<K, V> extends Partition<K, V> {

	StaleReadPartition(ProcessRegistry<K, V> registry, int index) {
		super(registry, index);
	}

	@Override
	@Nullable Registration<K, V> unique(K key) {
		return this.uniques.get(key);
	}

	@Override
	@Nullable Pid uniquePid(K key, int hashCode) {
		Registration<K, V> entry = this.uniques.get(key);
		return (entry != null) ? entry.pid : null;
	}

}
