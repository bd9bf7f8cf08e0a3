package dev.procreg.demo;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.LoggerFactory;

/**
 * What the application logged under {@code dev.procreg} during one test, whichever appender the
 * test logging sends it to (a green build keeps it off the console): a JUnit extension that
 * attaches its own appender before each test, detaches it after, and injects itself as a test
 * method parameter.
 */
final class LogCapture extends AppenderBase<ILoggingEvent>
		implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

	private static final String LOGGER = "dev.procreg";

	private final List<String> lines = new ArrayList<>();

	@Override
	public void beforeEach(ExtensionContext context) {
		synchronized (this) {
			this.lines.clear();
		}
		setContext(logger().getLoggerContext());
		start();
		logger().addAppender(this);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		logger().detachAppender(this);
		stop();
	}

	@Override
	protected void append(ILoggingEvent event) {
		// AppenderBase.doAppend holds this object's monitor
		this.lines.add(event.getFormattedMessage());
	}

	/** @return every message logged so far in this test, one a line */
	synchronized String text() {
		return String.join("\n", this.lines);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == LogCapture.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return this;
	}

	private static Logger logger() {
		return (Logger) LoggerFactory.getLogger(LOGGER);
	}

}
