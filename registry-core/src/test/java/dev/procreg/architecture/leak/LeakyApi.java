package dev.procreg.architecture.leak;

import java.util.List;

import dev.procreg.process.ExitReason;
import dev.procreg.process.internal.ExitHook;
import dev.procreg.process.internal.Owner;

/**
 * A planted leak for {@code ApiBoundaryTests}: a public type that shows internal types in a
 * return type, a parameter, a generic field and a public nested subtype. The boundary rule must
 * report every one of them.
 */
public class LeakyApi {

	public List<Owner> owners = List.of();

	public Owner owner() {
		throw new UnsupportedOperationException();
	}

	protected void watch(ExitHook hook) {
	}

	public static final class Hook extends ExitHook {

		@Override
		protected void processExited(Owner process, ExitReason reason) {
		}

	}

}
