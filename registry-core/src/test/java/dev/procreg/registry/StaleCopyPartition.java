package dev.procreg.registry;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.internal.Owner;

/**
 * A planted bug for the registry's suites to prove their power: the real partition, but its unique
 * entries keep their copy of "attached to a live owner" set when the owner dies, so a read in the
 * moment between the death and the entry's removal returns the dead owner.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class StaleCopyPartition<K, V> extends Partition<K, V> {

	StaleCopyPartition(ProcessRegistry<K, V> registry, int index) {
		super(registry, index);
	}

	@Override
	Registration<K, V> newUnique(K key, Owner owner, @Nullable V value) {
		return new Registration<>(this, key, owner, value) {

			@Override
			protected void ownerDying() {
				this.partition.countOut();
			}

		};
	}

}
