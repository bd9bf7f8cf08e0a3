package dev.procreg.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The PostgreSQL server the tests may use, named by the environment: {@value #URL} (a JDBC URL
 * such as {@code jdbc:postgresql://127.0.0.1:5432/procreg_test}), {@value #USER} and
 * {@value #PASSWORD}; {@code .ci/run} starts one and sets them. Without {@value #URL} a test that
 * needs it is skipped on a developer's machine and fails in CI (where {@code CI} is set), so that
 * the PostgreSQL path cannot silently go untested there.
 *
 * @param url the JDBC URL of the database
 * @param user the role to connect as
 * @param password its password
 */
record TestPostgres(String url, String user, String password) {

	static final String URL = "PROCREG_TEST_POSTGRES_URL";

	static final String USER = "PROCREG_TEST_POSTGRES_USER";

	static final String PASSWORD = "PROCREG_TEST_POSTGRES_PASSWORD";

	/**
	 * @return the server the environment names; skips the calling test when it names none, or
	 * fails it when {@code CI} is set
	 */
	static TestPostgres require() {
		String url = System.getenv(URL);
		if (url == null || url.isBlank()) {
			String ci = System.getenv("CI");
			if (ci != null && !ci.isBlank()) {
				fail("PostgreSQL is required in CI (CI=" + ci + "): set " + URL + " (e.g. jdbc:postgresql://127.0.0.1:5432/"
						+ "procreg_test), " + USER + " and " + PASSWORD + "; .ci/run installs and starts one");
			}
			assumeTrue(false, "No PostgreSQL: set " + URL + " (e.g. jdbc:postgresql://127.0.0.1:5432/procreg_test), "
					+ USER + " and " + PASSWORD + " to run the PostgreSQL tests");
		}
		String user = System.getenv(USER);
		String password = System.getenv(PASSWORD);
		return new TestPostgres(url.strip(), (user != null) ? user : "", (password != null) ? password : "");
	}

	/**
	 * Creates a schema of a new name, so that one run sees nothing of another's rows.
	 * @param prefix the start of its name
	 * @return the schema, dropped with all it holds when closed
	 */
	Schema createSchema(String prefix) {
		String name = (prefix + "_" + UUID.randomUUID().toString().replace("-", "")).toLowerCase(Locale.ROOT);
		execute("create schema " + name);
		return new Schema(this, name);
	}

	/**
	 * @return the datasource user and password for a child JVM of the demo, as Spring Boot reads
	 * them from the environment (not on its command line, where any user of the machine sees it)
	 */
	Map<String, String> datasourceEnvironment() {
		return Map.of("SPRING_DATASOURCE_USERNAME", this.user, "SPRING_DATASOURCE_PASSWORD", this.password);
	}

	Connection connect(String url) throws SQLException {
		return DriverManager.getConnection(url, this.user, this.password);
	}

	private void execute(String sql) {
		try (Connection connection = connect(this.url); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "' on " + this.url + " as " + this.user + ": "
					+ ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return this.url + " as " + this.user; // not the password
	}

	/**
	 * A schema of its own in the test database.
	 *
	 * @param postgres the server
	 * @param name its name
	 */
	record Schema(TestPostgres postgres, String name) implements AutoCloseable {

		/** @return the JDBC URL whose connections work in this schema (their {@code search_path}) */
		String url() {
			String base = this.postgres.url();
			return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + this.name;
		}

		/** Drops the schema and everything in it. */
		@Override
		public void close() {
			this.postgres.execute("drop schema if exists " + this.name + " cascade");
		}

	}

}
