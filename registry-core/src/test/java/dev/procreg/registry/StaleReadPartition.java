package dev.procreg.registry;

import org.jspecify.annotations.Nullable;

/**
 * A planted bug for the registry's suites to prove their power: the real partition, but its unique
 * read skips the owner's liveness, so a lookup may return a dead owner.
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

}
