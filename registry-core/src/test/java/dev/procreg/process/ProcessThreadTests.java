package dev.procreg.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.procreg.process.internal.Owner;
import dev.procreg.testing.Await;
import dev.procreg.testing.RuntimeExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a thread finds the process whose code it runs ({@link Owner#current()}): a spawned process
 * on its own thread ({@link ThreadProcess#ofThread}), a server on the thread it is scheduled on
 * ({@link ServerProcess#ofThread}) while that thread runs it, nothing on any other thread, and
 * nothing once the thread has left the process's code.
 */
@ExtendWith(RuntimeExtension.class)
class ProcessThreadTests {

	private final ProcessRuntime runtime;

	ProcessThreadTests(ProcessRuntime runtime) {
		this.runtime = runtime;
	}

	@Test
	void aProcessFindsItselfOnItsOwnThreadAndAnotherThreadDoesNot() throws Exception {
		int count = 2_000;
		List<Pid> pids = new ArrayList<>();
		List<@Nullable Pid> found = new ArrayList<>();
		CountDownLatch done = new CountDownLatch(count);
		Object lock = new Object();
		for (int i = 0; i < count; i++) {
			pids.add(this.runtime.spawn((ctx) -> {
				Owner current = Owner.current();
				synchronized (lock) {
					found.add((current != null && current.pid().equals(ctx.self())) ? null : ctx.self());
				}
				done.countDown();
				ctx.receive();
			}));
		}
		Await.latch(done);
		AtomicReference<@Nullable Owner> onAPlainVirtualThread = new AtomicReference<>();
		Thread.ofVirtual().start(() -> onAPlainVirtualThread.set(Owner.current())).join();

		assertThat(found).as("processes that did not find themselves").hasSize(count).containsOnlyNulls();
		assertThat(onAPlainVirtualThread.get()).as("the process of a virtual thread that runs none").isNull();
	}

	@Test
	void aThreadThatLeftItsProcessFindsItNoMore() {
		int count = 2_000;
		List<ThreadProcess> processes = new ArrayList<>();
		CountDownLatch ran = new CountDownLatch(count);
		for (int i = 0; i < count; i++) {
			this.runtime.spawn((ctx) -> {
				synchronized (processes) {
					processes.add((ThreadProcess) Owner.current());
				}
				ran.countDown();
			});
		}
		Await.latch(ran);
		List<Pid> stillFound = new ArrayList<>();
		synchronized (processes) {
			for (ThreadProcess process : processes) {
				assertThat(this.runtime.awaitThreadLeft(process.pid(), Duration.ofSeconds(20))).isTrue();
				if (ThreadProcess.ofThread(process.thread) != null) {
					stillFound.add(process.pid());
				}
			}
		}
		assertThat(processes).hasSize(count);
		assertThat(stillFound).as("processes still found by their thread after it left their code").isEmpty();
	}

	/**
	 * Every idle process keeps its parked stack, so the frames under the park are its memory: a
	 * receive without timeout parks from its own small frame, with the receive loop's frame (and
	 * its many locals) off the stack, and still takes the next message.
	 */
	@Test
	void aProcessIdleInReceiveParksWithoutTheReceiveLoopOnItsStack() {
		AtomicReference<@Nullable Object> got = new AtomicReference<>();
		CountDownLatch received = new CountDownLatch(1);
		Pid pid = this.runtime.spawn((ctx) -> {
			got.set(ctx.receive());
			received.countDown();
			ctx.receive();
		});
		ThreadProcess process = (ThreadProcess) this.runtime.local(pid);
		String park = LockSupport.class.getName() + ".park";
		List<String> parked = await().atMost(Await.LONG)
			.until(() -> frames(process.thread), (frames) -> frames.contains(park));

		// the frame that called the park, and none of the receive loop's beneath it
		assertThat(parked.get(parked.indexOf(park) + 1)).as("the frame that parks, in %s", parked)
			.isEqualTo(ThreadProcess.class.getName() + ".receive");
		assertThat(parked).as("the parked stack of a process idle in receive")
			.doesNotContain(ThreadProcess.class.getName() + ".receive0");
		this.runtime.send(pid, "next");
		Await.latch(received);
		assertThat(got.get()).isEqualTo("next");
	}

	private static List<String> frames(Thread thread) {
		List<String> frames = new ArrayList<>();
		for (StackTraceElement frame : thread.getStackTrace()) {
			frames.add(frame.getClassName() + "." + frame.getMethodName());
		}
		return frames;
	}

	@Test
	void aServerFindsItselfOnTheThreadThatRunsItAndItsCallersDoNot() throws Exception {
		Pid server = GenServer.start(this.runtime, new WhoRuns(), null).orThrow();
		Seen fromPlatform = this.runtime.call(server, "who");
		AtomicReference<@Nullable Seen> fromVirtual = new AtomicReference<>();
		AtomicReference<@Nullable Owner> virtualCallersOwn = new AtomicReference<>(this.runtime.local(server));
		Thread.ofVirtual().start(() -> {
			fromVirtual.set(this.runtime.call(server, "who"));
			virtualCallersOwn.set(Owner.current());
		}).join();

		Seen seenFromVirtual = fromVirtual.get();
		assertThat(fromPlatform.current()).as("the process the server's thread runs").isEqualTo(server);
		assertThat(seenFromVirtual).isNotNull().extracting(Seen::current).isEqualTo(server);
		assertThat(Owner.current()).as("the process of the calling platform thread").isNull();
		assertThat(virtualCallersOwn.get()).as("the process of a calling virtual thread that runs none").isNull();

		ServerProcess process = (ServerProcess) this.runtime.local(server);
		await().until(() -> !process.holdsThread());
		assertThat(ServerProcess.ofThread(seenFromVirtual.thread())).as("the server of a thread that let go of it").isNull();
		// a live thread whose handler is the server, and which its runner word does not name
		AtomicReference<@Nullable Owner> notTheRunner = new AtomicReference<>(process);
		Thread other = Thread.ofVirtual().unstarted(() -> notTheRunner.set(Owner.current()));
		other.setUncaughtExceptionHandler(process);
		other.start();
		other.join();
		assertThat(notTheRunner.get()).as("the process of a thread that does not run the server").isNull();
	}

	record Seen(@Nullable Pid current, Thread thread) {
	}

	/** Answers which process its callback's thread runs, and the thread. */
	static final class WhoRuns extends GenServer<Boolean> {

		@Override
		protected Init<Boolean> init(@Nullable Object arg) {
			return ok(Boolean.TRUE);
		}

		@Override
		protected Result<Boolean> handleCall(Object request, From from, Boolean state) {
			Owner current = Owner.current();
			return reply(new Seen((current != null) ? current.pid() : null, Thread.currentThread()), state);
		}

	}

}
