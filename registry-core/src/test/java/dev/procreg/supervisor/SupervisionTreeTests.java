package dev.procreg.supervisor;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import dev.procreg.process.ExitReason;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.supervisor.TestServers.Events;
import dev.procreg.supervisor.TestServers.Worker;
import dev.procreg.testing.RuntimeExtension;

import static dev.procreg.supervisor.TestServers.awaitRestarted;
import static dev.procreg.supervisor.TestServers.pidOf;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(RuntimeExtension.class)
class SupervisionTreeTests {

	private final ProcessRuntime runtime;

	private final Events events = new Events();

	/** The runtime's loggers: the test configuration keeps them off the console, not from appenders here. */
	private final Logger procreg = (Logger) LoggerFactory.getLogger("dev.procreg");

	private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

	SupervisionTreeTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@AfterEach
	void close() {
		this.procreg.detachAppender(this.logs);
	}

	private ChildSpec worker(String id) {
		return ChildSpec.worker(id, () -> new Worker(this.events), id);
	}

	@Test
	void describesTheTreeSupervisorBySupervisor() {
		Pid top = Supervisor.start(this.runtime, Strategy.REST_FOR_ONE,
				List.of(worker("db"), DynamicSupervisor.childSpec("sessions", DynamicSupervisor.Options.defaults())),
				Supervisor.Options.defaults()).orThrow();
		Pid sessions = pidOf(this.runtime, top, "sessions");
		Pid session = DynamicSupervisor.startChild(this.runtime, sessions, worker("session")).orThrow();
		Pid db = pidOf(this.runtime, top, "db");
		this.runtime.exit(db, ExitReason.of("disk-full"));
		awaitRestarted(this.runtime, top, "db", db);
		Pid sessions2 = awaitRestarted(this.runtime, top, "sessions", sessions);
		DynamicSupervisor.startChild(this.runtime, sessions2, worker("session")).orThrow();

		SupervisorInfo tree = SupervisionTree.describe(this.runtime, top);
		assertThat(tree.pid()).isEqualTo(top);
		assertThat(tree.kind()).isEqualTo(SupervisorInfo.Kind.SUPERVISOR);
		assertThat(tree.strategy()).isEqualTo(Strategy.REST_FOR_ONE);
		assertThat(tree.restartsInWindow()).isEqualTo(1);
		assertThat(tree.children()).extracting(ChildInfo::id).containsExactly("db", "sessions");
		ChildInfo dbInfo = tree.children().get(0);
		assertThat(dbInfo.restartCount()).isEqualTo(1);
		assertThat(dbInfo.lastExitReason()).isEqualTo(ExitReason.of("disk-full"));
		assertThat(dbInfo.restart()).isEqualTo(Restart.PERMANENT);
		assertThat(dbInfo.subtree()).isNull();
		SupervisorInfo inner = tree.children().get(1).subtree();
		assertThat(inner).isNotNull();
		assertThat(inner.kind()).isEqualTo(SupervisorInfo.Kind.DYNAMIC_SUPERVISOR);
		assertThat(inner.children()).hasSize(1);
		assertThat(inner.children().get(0).pid()).isNotEqualTo(session);

		assertThat(SupervisionTree.roots(this.runtime, java.time.Duration.ofSeconds(5))).extracting(SupervisorInfo::pid).containsExactly(top);
		assertThat(SupervisionTree.supervisors(this.runtime)).containsExactly(top, sessions2);
	}

	@Test
	void eachCrashIsLoggedOnceWithChildIdAndSupervisor() {
		this.logs.start();
		this.procreg.addAppender(this.logs);
		Pid sup = Supervisor.start(this.runtime, Strategy.ONE_FOR_ONE, List.of(worker("crasher"), worker("exiter")),
				Supervisor.Options.defaults()).orThrow();
		Pid crasher = pidOf(this.runtime, sup, "crasher");
		Pid exiter = pidOf(this.runtime, sup, "exiter");

		this.runtime.cast(crasher, "crash");
		awaitRestarted(this.runtime, sup, "crasher", crasher);
		this.runtime.exit(exiter, ExitReason.of("lost-connection"));
		awaitRestarted(this.runtime, sup, "exiter", exiter);

		List<String> aboutCrasher = errorsMentioning("crasher");
		assertThat(aboutCrasher).hasSize(1);
		assertThat(aboutCrasher.get(0)).contains(crasher.toString()).contains("child 'crasher'").contains(sup.toString());
		assertThat(errorsMentioning(crasher.toString())).hasSize(1);
		assertThat(errorsMentioning("'exiter'")).hasSize(1);
		assertThat(errorsMentioning("'exiter'").get(0)).contains(sup.toString()).contains("lost-connection");
	}

	private List<String> errorsMentioning(String text) {
		return this.logs.list.stream()
			.filter((e) -> e.getLevel().isGreaterOrEqual(Level.ERROR))
			.map(ILoggingEvent::getFormattedMessage)
			.filter((m) -> m.contains(text))
			.toList();
	}

}
