package dev.procreg.process;

import java.io.Serial;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Why a process exited, Erlang's exit reason.
 *
 * <ul>
 * <li>{@link #NORMAL}: the body returned or the server stopped normally; linked processes that do
 * not trap exits ignore it.</li>
 * <li>{@link #SHUTDOWN}: asked to stop by its supervisor or by the runtime closing.</li>
 * <li>{@link #KILL}: sent with {@link ProcessRuntime#exit(Name, ExitReason)}, it cannot be trapped;
 * the process then exits with {@link #KILLED}, which is what links and monitors see.</li>
 * <li>{@link #NOPROC}: the reason in a {@link Down} for a process that was not alive when
 * monitored.</li>
 * <li>{@link #NOCONNECTION}: the node of a linked or monitored process, or of a called server,
 * went down or out of reach.</li>
 * <li>{@link Crash}: the process threw; carries the {@link Throwable}.</li>
 * <li>{@link Custom}: any other value, for example {@code ExitReason.of("payment-timeout")}.</li>
 * </ul>
 *
 * <pre>{@code
 * switch (down.reason()) {
 *     case ExitReason.Crash(var error) -> log.warn("worker crashed", error);
 *     case ExitReason r when r.isNormal() -> { }
 *     default -> restart();
 * }
 * }</pre>
 */
public sealed interface ExitReason extends Serializable permits ExitReason.Atom, ExitReason.Crash, ExitReason.Custom {

	/** The process finished its work. */
	Atom NORMAL = new Atom("normal");

	/** The process was asked to stop by its supervisor or its runtime. */
	Atom SHUTDOWN = new Atom("shutdown");

	/** An exit signal that cannot be trapped; the target exits with {@link #KILLED}. */
	Atom KILL = new Atom("kill");

	/** The reason of a process that was sent {@link #KILL}. */
	Atom KILLED = new Atom("killed");

	/** The process did not exist, or was already dead, when it was monitored or linked. */
	Atom NOPROC = new Atom("noproc");

	/**
	 * The connection to the node of a linked or monitored process, or of a called server, was
	 * lost: the process may still be alive there.
	 */
	Atom NOCONNECTION = new Atom("noconnection");

	/**
	 * A reason carrying any value.
	 * @param value the value
	 * @return the reason
	 */
	static ExitReason of(Object value) {
		Objects.requireNonNull(value, "an exit reason value must not be null");
		return (value instanceof ExitReason reason) ? reason : new Custom(value);
	}

	/**
	 * The reason of a process that threw.
	 * @param error what it threw
	 * @return the reason
	 */
	static Crash crash(Throwable error) {
		return new Crash(error);
	}

	/**
	 * Whether this reason is an orderly end: {@link #NORMAL} or {@link #SHUTDOWN}. Such exits are
	 * not logged as crashes, and transient children are not restarted after them.
	 * @return whether the exit was orderly
	 */
	default boolean isNormal() {
		return this == NORMAL || this == SHUTDOWN;
	}

	/**
	 * One of the reasons Erlang names with an atom.
	 *
	 * @param name the atom's name
	 */
	record Atom(String name) implements ExitReason {

		@Override
		public boolean isNormal() {
			return this.equals(NORMAL) || this.equals(SHUTDOWN);
		}

		@Override
		public String toString() {
			return this.name;
		}

		/** Read back from another node: the well-known atoms stay the constants compared with {@code ==}. */
		@Serial
		private Object readResolve() {
			for (Atom known : List.of(NORMAL, SHUTDOWN, KILL, KILLED, NOPROC, NOCONNECTION)) {
				if (known.name.equals(this.name)) {
					return known;
				}
			}
			return this;
		}

	}

	/**
	 * The process threw.
	 *
	 * @param error what it threw
	 */
	record Crash(Throwable error) implements ExitReason {

		public Crash {
			Objects.requireNonNull(error, "error");
		}

		@Override
		public String toString() {
			return "crash: " + this.error;
		}

	}

	/**
	 * A reason chosen by the application.
	 *
	 * @param value the value
	 */
	record Custom(Object value) implements ExitReason {

		public Custom {
			Objects.requireNonNull(value, "value");
		}

		@Override
		public String toString() {
			return String.valueOf(this.value);
		}

	}

}
