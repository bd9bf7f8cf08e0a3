package dev.procreg.cluster.hazelcast;

import java.io.IOException;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;

import dev.procreg.cluster.names.ClaimKey;

/**
 * A name in the arbiter map: the registry's name, then the key through Hazelcast's own
 * serializers (compact for strings and numbers, JDK serialization for other keys). The map finds
 * and partitions keys by these bytes.
 */
final class ClaimKeySerializer implements StreamSerializer<ClaimKey> {

	static final int TYPE_ID = 0x7072_0002;

	@Override
	public int getTypeId() {
		return TYPE_ID;
	}

	@Override
	public void write(ObjectDataOutput out, ClaimKey key) throws IOException {
		out.writeString(key.registry());
		out.writeObject(key.key());
	}

	@Override
	public ClaimKey read(ObjectDataInput in) throws IOException {
		String registry = in.readString();
		return new ClaimKey(registry, in.readObject());
	}

}
