package dev.procreg.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jspecify.annotations.Nullable;

/**
 * The spawned processes of this JVM by their own virtual thread's id, from their start until
 * their thread leaves their code: how a thread finds the process whose code it runs
 * ({@link dev.procreg.process.internal.Owner#current()}), once per operation a process makes.
 * Thread ids are handed out in order and never reused, so they are serials as the process table
 * takes them: the processes of one spawner sit eight to a cache line of keys, and an add
 * allocates nothing (a {@code ConcurrentHashMap<Thread, ...>} allocates a node per thread and
 * hashes the thread's identity).
 */
final class ThreadTable extends SerialTable<ThreadProcess> {

	private static final VarHandle MEMBERSHIP;

	static {
		try {
			MEMBERSHIP = MethodHandles.lookup().findVarHandle(ThreadProcess.class, "threadMembership", byte.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/**
	 * @param thread a thread
	 * @return the spawned process whose own thread it is, while it runs the process's code, or
	 * {@code null}
	 */
	@Nullable ThreadProcess ofThread(Thread thread) {
		// ids are unique, and find checks the id of what it finds: a process found is the thread's
		return find(thread.threadId());
	}

	@Override
	long serial(ThreadProcess process) {
		return process.thread.threadId();
	}

	@Override
	int membership(ThreadProcess process) {
		return (byte) MEMBERSHIP.getVolatile(process);
	}

	@Override
	boolean moveMembership(ThreadProcess process, int from, int to) {
		return MEMBERSHIP.compareAndSet(process, (byte) from, (byte) to);
	}

}
