package dev.procreg.demo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The application refuses to start where it could not keep its promises: with the default admin
 * password beyond loopback, on an in-memory database, on an H2 URL with a write delay; and it
 * sets H2's write delay to 0 on a database file that had another.
 */
class StartupRefusalTests {

	private final Path directory = TempDatabase.createDirectory();

	@AfterEach
	void deleteDatabase() {
		TempDatabase.delete(this.directory);
	}

	@Test
	void theDefaultPasswordBeyondLoopbackIsRefused() {
		assertThatThrownBy(() -> start("--server.address=0.0.0.0").close()).rootCause()
			.hasMessageContaining("default")
			.hasMessageContaining("SPRING_SECURITY_USER_PASSWORD");
		assertThatThrownBy(() -> start("--server.address=").close()).rootCause()
			.hasMessageContaining("every interface");
	}

	@Test
	void anOwnPasswordBeyondLoopbackStarts() {
		try (ConfigurableApplicationContext context = start("--server.address=0.0.0.0",
				"--spring.security.user.password=correct-horse-battery")) {
			assertThat(context.isActive()).isTrue();
		}
	}

	@Test
	void anInMemoryDatabaseIsRefused() {
		assertThatThrownBy(() -> start("--spring.datasource.url=jdbc:h2:mem:donations").close()).rootCause()
			.hasMessageContaining("in-memory");
	}

	@Test
	void anH2UrlWithAWriteDelayIsRefused() {
		assertThatThrownBy(() -> start("--spring.datasource.url=" + TempDatabase.url(this.directory) + ";WRITE_DELAY=500")
			.close()).rootCause().hasMessageContaining("WRITE_DELAY=500");
	}

	@Test
	void aDatabaseFileWithAWriteDelayGetsZero() throws Exception {
		try (Connection connection = DriverManager.getConnection(TempDatabase.url(this.directory), "sa", "");
				Statement statement = connection.createStatement()) {
			statement.execute("SET WRITE_DELAY 2000");
		}
		try (ConfigurableApplicationContext context = start()) {
			java.util.List<String> delay = context.getBean(JdbcClient.class)
				.sql("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")
				.query(String.class)
				.list();
			assertThat(delay).isNotEmpty().containsOnly("0");
		}
	}

	private ConfigurableApplicationContext start(String... arguments) {
		Map<String, String> all = new LinkedHashMap<>();
		all.put("server.port", "0");
		all.put("spring.datasource.url", TempDatabase.url(this.directory));
		all.put("logging.level.dev.procreg", "WARN");
		// the refusals are the point: Spring Boot's report of each failed start stays out of the build log
		all.put("logging.level.org.springframework.boot", "OFF");
		all.put("spring.main.banner-mode", "off");
		for (String argument : arguments) {
			int equals = argument.indexOf('=');
			all.put(argument.substring(2, equals), argument.substring(equals + 1));
		}
		return new SpringApplicationBuilder(DonationDemoApplication.class)
			.run(all.entrySet().stream().map((e) -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
	}

}
