package dev.procreg.demo.donation;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Makes "201 means on disk" the application's business, whatever datasource URL the user gives:
 * checked once when the application starts, before the web server takes a request, and refused
 * with a message naming the setting when it cannot be guaranteed.
 *
 * <ul>
 * <li>H2 (file): the write delay (default 500 ms) is set to 0, so that a commit is written to the
 * file before the insert returns; a SIGKILL right after a 201 then loses nothing. A URL that sets
 * another {@code WRITE_DELAY} is refused (H2 applies it to every new connection of the pool), and so
 * is an in-memory database: it keeps nothing across a restart. H2 writes without {@code fsync}: the
 * promise covers a crash of the process, not of the machine.</li>
 * <li>PostgreSQL: {@code fsync} must be on (a server setting); {@code synchronous_commit} is set to
 * {@code on} by {@link DonationRepository#insert} in the inserting transaction itself, so that
 * neither the server's, the role's nor the pool's setting can make a commit return before its
 * WAL is flushed.</li>
 * <li>Any other database is refused: the schema and these guarantees exist for these two.</li>
 * </ul>
 */
@Component
public class StorageDurability {

	private static final Logger logger = LoggerFactory.getLogger(StorageDurability.class);

	private static final Pattern URL_WRITE_DELAY = Pattern.compile("(?i);\\s*WRITE_DELAY\\s*=\\s*(\\d+)");

	private final Database database;

	public StorageDurability(DataSource dataSource, Environment environment) {
		this.database = enforce(dataSource, environment.getProperty("spring.datasource.url", ""));
	}

	/** @return the kind of database the donations are stored in */
	public Database database() {
		return this.database;
	}

	private static Database enforce(DataSource dataSource, String configuredUrl) {
		try (Connection connection = dataSource.getConnection()) {
			DatabaseMetaData meta = connection.getMetaData();
			String product = meta.getDatabaseProductName();
			String url = String.valueOf(meta.getURL());
			if ("H2".equals(product)) {
				enforceH2(connection, configuredUrl.isBlank() ? url : configuredUrl, url + " " + configuredUrl);
				return Database.H2;
			}
			if ("PostgreSQL".equals(product)) {
				checkPostgres(connection);
				return Database.POSTGRESQL;
			}
			throw new IllegalStateException("Donations are stored in H2 or PostgreSQL only, not in " + product
					+ " (spring.datasource.url=" + url + ")");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not check the durability of the donation database: "
					+ ex.getMessage(), ex);
		}
	}

	private static void enforceH2(Connection connection, String url, String urls) throws SQLException {
		String lower = urls.toLowerCase(Locale.ROOT);
		if (lower.startsWith("jdbc:h2:mem:") || lower.contains(":mem:")) {
			throw new IllegalStateException("spring.datasource.url " + url
					+ " is an in-memory H2 database: donations would not survive a restart; use a file "
					+ "(jdbc:h2:./data/donations) or PostgreSQL");
		}
		Matcher urlDelay = URL_WRITE_DELAY.matcher(urls);
		if (urlDelay.find() && Integer.parseInt(urlDelay.group(1)) != 0) {
			// H2 applies a URL's settings to every connection it opens: the pool would undo the 0 below
			throw new IllegalStateException("spring.datasource.url " + url + " sets WRITE_DELAY="
					+ urlDelay.group(1) + ": a commit would reach the file that long after its 201, and a crash "
					+ "would lose it; remove the setting (the application sets WRITE_DELAY 0)");
		}
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET WRITE_DELAY 0");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not set H2's WRITE_DELAY to 0 (the datasource user must be an "
					+ "admin of the database): without it a commit reaches the file up to half a second after "
					+ "the 201, and a crash loses it. " + ex.getMessage(), ex);
		}
		String delay = settings(connection,
				"SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'");
		if (!"0".equals(delay)) {
			throw new IllegalStateException("H2's WRITE_DELAY is " + delay + " after setting it to 0 (" + url + ")");
		}
		logger.info("Donations are stored in the H2 file of {} with WRITE_DELAY 0: committed before answered", url);
	}

	private static void checkPostgres(Connection connection) throws SQLException {
		String fsync = setting(connection, "SHOW fsync");
		if (!"on".equalsIgnoreCase(fsync)) {
			throw new IllegalStateException("PostgreSQL runs with fsync=" + fsync
					+ ": a commit is not on disk when it returns; turn fsync on in postgresql.conf");
		}
		logger.info("Donations are stored in PostgreSQL with fsync on and synchronous_commit on for each insert "
				+ "(server default: {})", setting(connection, "SHOW synchronous_commit"));
	}

	/** @return the distinct values of the query's first column, joined by commas */
	private static String settings(Connection connection, String sql) throws SQLException {
		java.util.Set<String> values = new java.util.TreeSet<>();
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			while (rs.next()) {
				values.add(String.valueOf(rs.getString(1)));
			}
		}
		return values.isEmpty() ? "unknown" : String.join(",", values);
	}

	private static String setting(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			return rs.next() ? String.valueOf(rs.getString(1)) : "unknown";
		}
	}

	/** The databases donations can be stored in. */
	public enum Database {

		/** H2 in a file. */
		H2,

		/** PostgreSQL. */
		POSTGRESQL

	}

}
