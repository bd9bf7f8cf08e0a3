package dev.procreg.cluster.transport;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TransportOptionsTests {

	private final TransportOptions defaults = TransportOptions.defaults("prod");

	@Test
	void defaultsArePlaintextOnLoopbackAtAnyPort() {
		assertThat(this.defaults.bindHost()).isEqualTo("127.0.0.1");
		assertThat(this.defaults.bindPort()).isZero();
		assertThat(this.defaults.sslContext()).isNull();
		assertThat(this.defaults.allowedPackages()).isEmpty();
		assertThat(this.defaults.withBind("0.0.0.0", 7800).bindPort()).isEqualTo(7800);
	}

	@Test
	void badValuesAreRefusedNamingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> TransportOptions.defaults(" "))
			.withMessageContaining("clusterName");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withBind("", 0))
			.withMessageContaining("bindHost");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withBind("127.0.0.1", 70000))
			.withMessageContaining("bindPort")
			.withMessageContaining("70000");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withMaxFrameSize(100))
			.withMessageContaining("maxFrameSize")
			.withMessageContaining("100");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withConnectTimeout(Duration.ZERO))
			.withMessageContaining("connectTimeout");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withConnectTimeout(null))
			.withMessageContaining("connectTimeout");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withWriteBufferWaterMarks(0, 10))
			.withMessageContaining("writeBufferLowWaterMark");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withWriteBufferWaterMarks(2048, 1024))
			.withMessageContaining("writeBufferHighWaterMark (1024)")
			.withMessageContaining("writeBufferLowWaterMark (2048)");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withPingInterval(Duration.ofMillis(1)))
			.withMessageContaining("pingInterval");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.withAllowedPackages(List.of("com.example", "com..bad")))
			.withMessageContaining("'com..bad'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.withAllowedPackages(Arrays.asList("com.example", null)))
			.withMessageContaining("'null'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.withAllowedPackages(null))
			.withMessageContaining("allowed packages");
	}

	@Test
	void pingsCanBeOnDemandOnly() {
		assertThat(this.defaults.withPingInterval(Duration.ZERO).pingInterval()).isZero();
	}

}
