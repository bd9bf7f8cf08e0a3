package dev.procreg.benchmarks;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedTransferQueue;

/**
 * The hand-rolled process that the registry benchmarks' baselines are made of, as an application
 * without this library writes one: a virtual thread with a {@code LinkedTransferQueue} for a
 * mailbox, which puts itself in a {@code ConcurrentHashMap} under its key, waits on its mailbox,
 * and removes its key in {@code finally} when interrupted.
 */
final class HandRolledProcess {

	private HandRolledProcess() {
	}

	/**
	 * @param map the hand-rolled registry
	 * @param key the thread's key
	 * @param registered counted down once the key is in the map
	 * @return the started thread; interrupting it ends it and removes its key
	 */
	static Thread start(ConcurrentHashMap<String, Thread> map, String key, CountDownLatch registered) {
		LinkedTransferQueue<Object> mailbox = new LinkedTransferQueue<>();
		return Thread.ofVirtual().start(() -> {
			map.put(key, Thread.currentThread());
			registered.countDown();
			try {
				mailbox.take();
			}
			catch (InterruptedException ex) {
				// ended
			}
			finally {
				map.remove(key);
			}
		});
	}


	/**
	 * The same process without its map: a virtual thread that counts down and waits on its
	 * mailbox ({@link SpawnCost}'s {@code parts}).
	 * @param started counted down once the thread runs
	 * @return the started thread; interrupting it ends it
	 */
	static Thread startUnregistered(CountDownLatch started) {
		LinkedTransferQueue<Object> mailbox = new LinkedTransferQueue<>();
		return Thread.ofVirtual().start(() -> {
			started.countDown();
			try {
				mailbox.take();
			}
			catch (InterruptedException ex) {
				// ended
			}
		});
	}

}
