package dev.procreg.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Points the application at an H2 file in a new temporary directory, removed when the context
 * closes.
 */
public class TempDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		Path directory = createDirectory();
		TestPropertyValues.of("spring.datasource.url=" + url(directory)).applyTo(context);
		context.addApplicationListener((event) -> {
			if (event instanceof ContextClosedEvent) {
				delete(directory);
			}
		});
	}

	static Path createDirectory() {
		try {
			return Files.createTempDirectory("donations-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String url(Path directory) {
		return "jdbc:h2:retry:" + directory.resolve("donations").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
	}

	static void delete(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// best effort: it is a temporary directory
		}
	}

}
