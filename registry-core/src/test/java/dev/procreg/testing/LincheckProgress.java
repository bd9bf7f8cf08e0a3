package dev.procreg.testing;

import java.io.PrintStream;
import java.time.Duration;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Prints a line when each test of a Lincheck suite starts and when it ends, with its time: a
 * model-checking run is silent for tens of seconds, and the build's console shows a test class
 * only once all of it has run, so without these lines a long run looks hung.
 *
 * <pre>{@code
 * @ExtendWith(LincheckProgress.class)
 * public class SomethingLincheckTests { ... }
 * }</pre>
 */
public final class LincheckProgress implements BeforeTestExecutionCallback, AfterTestExecutionCallback {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(LincheckProgress.class);

	private static final PrintStream out = System.out;

	@Override
	public void beforeTestExecution(ExtensionContext context) {
		context.getStore(NAMESPACE).put("start", System.nanoTime());
		out.println("[lincheck] " + name(context) + " running");
	}

	@Override
	public void afterTestExecution(ExtensionContext context) {
		long start = context.getStore(NAMESPACE).get("start", Long.class);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		String outcome = context.getExecutionException().isPresent() ? "did not pass" : "passed";
		out.printf("[lincheck] %s %s in %.1f s%n", name(context), outcome, took.toMillis() / 1000.0);
	}

	private static String name(ExtensionContext context) {
		String method = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
		// a parameterized check says which of its classes runs
		String display = context.getDisplayName();
		return display.startsWith(context.getRequiredTestMethod().getName() + "(") ? method : method + " [" + display + "]";
	}

}
