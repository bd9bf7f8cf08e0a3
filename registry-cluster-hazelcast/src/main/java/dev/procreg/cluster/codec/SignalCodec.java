package dev.procreg.cluster.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import dev.procreg.process.Signal;

/**
 * Turns the {@link Signal}s one node sends another into bytes and back. A transport frames the
 * bytes; the codec sees one signal per call. Both methods are called from many threads at once
 * ({@code encode} on the sending threads, {@code decode} on the transport's threads), so an
 * implementation keeps no per-call state in fields.
 *
 * <p>A codec decides which classes a peer may make this node instantiate. The default,
 * {@link JdkSerializationCodec}, accepts only an allow-list of packages; another codec (for
 * example Jackson with a strict polymorphic type validator) must be at least as strict.
 *
 * <pre>{@code
 * SignalCodec codec = new JdkSerializationCodec(List.of("com.example.messages"));
 * codec.encode(new Signal.Send(pid, new Donation(42)), out);
 * Signal back = codec.decode(in);
 * }</pre>
 */
public interface SignalCodec {

	/**
	 * Writes one signal.
	 * @param signal the signal
	 * @param out where to write it; not closed by the codec
	 * @throws IOException when the signal cannot be encoded, for example a message that is not
	 * serializable
	 */
	void encode(Signal signal, OutputStream out) throws IOException;

	/**
	 * Reads one signal, all of {@code in}.
	 * @param in the bytes of exactly one encoded signal
	 * @return the signal
	 * @throws RejectedClassException when the bytes name a class this codec does not accept
	 * @throws IOException when the bytes are no signal
	 */
	Signal decode(InputStream in) throws IOException;

	/** @return the classes this codec refused to decode so far, for operators */
	default CodecRejections rejections() {
		return CodecRejections.NONE;
	}

}
