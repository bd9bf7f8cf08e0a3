package dev.procreg.testing;

import java.time.Duration;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import dev.procreg.process.ProcessRuntime;

/**
 * Gives each test its own {@link ProcessRuntime}, injected as a parameter of the test class's
 * constructor, of a lifecycle method or of the test method, and closed when the test ends: all
 * parameters of one test receive the same runtime. The runtime gives its processes
 * {@link #SHUTDOWN_TIMEOUT} to stop on close, so a test that leaves a stubborn process behind
 * does not hold the suite up.
 *
 * <pre>{@code
 * @ExtendWith(RuntimeExtension.class)
 * class SomethingTests {
 *     private final ProcessRuntime runtime;
 *
 *     SomethingTests(ProcessRuntime runtime) {
 *         this.runtime = runtime;
 *     }
 * }
 * }</pre>
 */
public final class RuntimeExtension implements ParameterResolver {

	/** How long a test's runtime waits for its processes to stop when it closes. */
	public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(RuntimeExtension.class);

	@Override
	public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
		// constructor parameters are resolved in the test method's context, so the runtime is
		// closed after each test, not after the class
		return ExtensionContextScope.TEST_METHOD;
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == ProcessRuntime.class;
	}

	@Override
	public ProcessRuntime resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		// the store closes the runtime (an AutoCloseable) when the test's context closes
		return extensionContext.getStore(NAMESPACE)
			.computeIfAbsent(ProcessRuntime.class,
					(key) -> ProcessRuntime.start(ProcessRuntime.Options.defaults().withShutdownTimeout(SHUTDOWN_TIMEOUT)),
					ProcessRuntime.class);
	}

}
