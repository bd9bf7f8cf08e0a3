package dev.procreg.cluster.transport;

import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** Captures what one logger writes, for tests that assert on an operator's log line. */
final class LogCapture implements AutoCloseable {

	private final Logger logger;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	LogCapture(Class<?> source) {
		this.logger = (Logger) LoggerFactory.getLogger(source);
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	List<String> messages() {
		synchronized (this.appender) {
			return this.appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
		}
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
	}

}
