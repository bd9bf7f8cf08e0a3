package dev.procreg.cluster.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.Serializable;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.procreg.process.ExitReason;
import dev.procreg.process.NodeId;
import dev.procreg.process.Pid;
import dev.procreg.process.Signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JdkSerializationCodecTests {

	private static final NodeId A = NodeId.newIncarnation("a");

	private static final NodeId B = NodeId.newIncarnation("b");

	private final JdkSerializationCodec codec = new JdkSerializationCodec(List.of());

	@Test
	void everySignalComesBackEqual() throws IOException {
		Pid caller = Pid.of(A, 3);
		Pid server = Pid.of(B, 4);
		List<Signal> signals = List.of(new Signal.Send(server, List.of("x", 1, Map.of("k", Instant.EPOCH))),
				new Signal.SendNamed("sessions", new BigDecimal("12.50")), new Signal.Cast(server, "cast"),
				new Signal.CallRequest(9, caller, server, "ask"), new Signal.CallRequest(10, null, server, "ask"),
				new Signal.CallReply(9, null), new Signal.CallReply(10, new int[] { 1, 2 }.length),
				new Signal.CallFailed(9, server, Signal.CallFailure.EXITED, ExitReason.KILLED),
				new Signal.ExitSignal(caller, server, ExitReason.of("payment-timeout"), true),
				new Signal.ExitSignal(null, server, ExitReason.KILL, false), new Signal.Link(caller, server),
				new Signal.Unlink(caller, server), new Signal.Monitor(5, caller, server),
				new Signal.Demonitor(5, server), new Signal.MonitorDown(5, caller, server, ExitReason.NOPROC));
		for (Signal signal : signals) {
			assertThat(roundTrip(signal)).isEqualTo(signal);
		}
	}

	@Test
	void exitReasonAtomsComeBackAsTheRuntimesConstants() throws IOException {
		Pid server = Pid.of(B, 4);
		for (ExitReason.Atom atom : List.of(ExitReason.NORMAL, ExitReason.SHUTDOWN, ExitReason.KILL, ExitReason.KILLED, ExitReason.NOCONNECTION,
				ExitReason.NOPROC)) {
			Signal.ExitSignal back = (Signal.ExitSignal) roundTrip(new Signal.ExitSignal(null, server, atom, true));
			assertThat(back.reason()).isSameAs(atom);
		}
		Signal.ExitSignal crash = (Signal.ExitSignal) roundTrip(
				new Signal.ExitSignal(null, server, ExitReason.crash(new IllegalStateException("boom")), true));
		assertThat(crash.reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
				(reason) -> assertThat(reason.error()).isInstanceOf(IllegalStateException.class).hasMessage("boom"));
	}

	@Test
	void pidsOfOneNodeShareItsNodeId() throws IOException {
		Signal.Link first = (Signal.Link) roundTrip(new Signal.Link(Pid.of(A, 1), Pid.of(B, 2)));
		Signal.Link second = (Signal.Link) roundTrip(new Signal.Link(Pid.of(A, 3), Pid.of(B, 4)));
		assertThat(first.from().nodeId()).isSameAs(second.from().nodeId());
	}

	@Test
	void aClassOutsideTheAllowListIsRefusedCountedAndLoggedOncePerClass() throws IOException {
		Logger logger = (Logger) LoggerFactory.getLogger(JdkSerializationCodec.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			byte[] bytes = encode(new Signal.SendNamed("x", new CodecMessage("no")));
			for (int i = 0; i < 3; i++) {
				assertThatExceptionOfType(RejectedClassException.class).isThrownBy(() -> decode(bytes))
					.withMessageContaining(CodecMessage.class.getName());
			}
			assertThat(this.codec.rejections().count()).isEqualTo(3);
			assertThat(this.codec.rejections().recentClasses()).containsExactly(CodecMessage.class.getName());
			assertThat(appender.list).singleElement()
				.satisfies((event) -> assertThat(event.getFormattedMessage()).contains(CodecMessage.class.getName())
					.contains("allow-list"));
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void aConfiguredPackageAndItsSubpackagesAreAccepted() throws IOException {
		JdkSerializationCodec parent = new JdkSerializationCodec(List.of("dev.procreg.cluster"));
		Signal signal = new Signal.SendNamed("x", new CodecMessage("yes"));
		assertThat(parent.decode(new ByteArrayInputStream(encode(signal)))).isEqualTo(signal);
		JdkSerializationCodec lookalike = new JdkSerializationCodec(List.of("dev.procreg.clus"));
		assertThatExceptionOfType(RejectedClassException.class)
			.isThrownBy(() -> lookalike.decode(new ByteArrayInputStream(encode(signal))));
	}

	@Test
	void onlyTheProtocolsPackagesThemselvesAreAcceptedNotTheirSubpackages() throws IOException {
		Supplier<String> lambda = (Supplier<String> & Serializable) () -> "code";
		byte[] serializedLambda = encode(new Signal.SendNamed("x", lambda));
		assertThatExceptionOfType(RejectedClassException.class).isThrownBy(() -> decode(serializedLambda))
			.withMessageContaining("java.lang.invoke.SerializedLambda");

		Object proxy = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Runnable.class },
				(Serializable & java.lang.reflect.InvocationHandler) (self, method, args) -> null);
		byte[] serializedProxy = encode(new Signal.SendNamed("x", proxy));
		assertThatExceptionOfType(InvalidClassException.class).isThrownBy(() -> decode(serializedProxy));
		assertThat(this.codec.rejections().count()).isEqualTo(2);
	}

	@Test
	void deepNestingIsRefused() throws IOException {
		List<Object> nested = new ArrayList<>();
		List<Object> inner = nested;
		for (int i = 0; i < 200; i++) {
			List<Object> next = new ArrayList<>();
			inner.add(next);
			inner = next;
		}
		byte[] bytes = encode(new Signal.SendNamed("x", nested));
		assertThatExceptionOfType(InvalidClassException.class).isThrownBy(() -> decode(bytes));
	}

	@Test
	void aClassWhoseShapeDiffersOnTheOtherNodeIsRefusedNotGuessed() throws IOException {
		JdkSerializationCodec withTests = new JdkSerializationCodec(List.of("dev.procreg.cluster.codec"));
		Signal signal = new Signal.Send(Pid.of(B, 4), new Shaped("x", 1));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		withTests.encode(signal, out);
		byte[] bytes = out.toByteArray();
		assertThat(withTests.decode(new ByteArrayInputStream(bytes))).isEqualTo(signal);

		// the class as described by a node whose Shaped has other fields: its name, then another shape
		byte[] name = Shaped.class.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8);
		int at = indexOf(bytes, name);
		assertThat(at).as("the class named in the frame").isPositive();
		bytes[at + name.length] ^= 1;
		assertThatExceptionOfType(InvalidClassException.class)
			.isThrownBy(() -> withTests.decode(new ByteArrayInputStream(bytes)))
			.withMessageContaining(Shaped.class.getName())
			.withMessageContaining("differs between the two nodes");
		assertThat(withTests.rejections().count()).as("not an allow-list rejection").isZero();
	}

	private static int indexOf(byte[] bytes, byte[] part) {
		for (int i = 0; i + part.length <= bytes.length; i++) {
			if (java.util.Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
				return i;
			}
		}
		return -1;
	}

	/** A message class of the application's. */
	record Shaped(String text, int count) implements Serializable {
	}

	@Test
	void bytesThatAreNoSignalAreRefused() throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (java.io.ObjectOutputStream stream = new java.io.ObjectOutputStream(out)) {
			stream.writeObject("just a string");
		}
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> decode(out.toByteArray()))
			.withMessageContaining("not a signal");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> decode(new byte[] { 1, 2, 3 }));
	}

	@Test
	void badPackageNamesAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new JdkSerializationCodec(List.of("com.example.")))
			.withMessageContaining("'com.example.'");
		assertThatIllegalArgumentException().isThrownBy(() -> new JdkSerializationCodec(List.of("1com")))
			.withMessageContaining("'1com'");
	}

	private Signal roundTrip(Signal signal) throws IOException {
		return decode(encode(signal));
	}

	private byte[] encode(Signal signal) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		this.codec.encode(signal, out);
		return out.toByteArray();
	}

	private Signal decode(byte[] bytes) throws IOException {
		return this.codec.decode(new ByteArrayInputStream(bytes));
	}

}
