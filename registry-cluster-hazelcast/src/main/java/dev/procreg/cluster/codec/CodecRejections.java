package dev.procreg.cluster.codec;

import java.util.List;

/**
 * What a {@link SignalCodec} refused to decode: how many frames, and the latest distinct class
 * names, most recent last. A refused frame is dropped; the connection carries on.
 *
 * @param count frames refused since the codec was made
 * @param recentClasses the class names of the latest refusals, distinct, most recent last
 */
public record CodecRejections(long count, List<String> recentClasses) {

	/** Nothing refused. */
	public static final CodecRejections NONE = new CodecRejections(0, List.of());

	public CodecRejections {
		recentClasses = List.copyOf(recentClasses);
	}

}
