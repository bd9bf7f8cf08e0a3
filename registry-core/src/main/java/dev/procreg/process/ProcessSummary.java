package dev.procreg.process;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The cheap reading of one live process that an operator's process table shows and sorts by:
 * no message to the process, one short hold of its lock. Counters are read as they are at that
 * moment; a busy process moves on at once.
 *
 * @param pid the process
 * @param status what it is doing
 * @param mailboxLength messages waiting
 * @param messagesHandled messages it took from its mailbox since it started
 * @param startedAtMillis when it started, in epoch milliseconds
 * @param parent the process that started it linked (its supervisor), or {@code null}
 * @param registeredNames its runtime name and registry keys ({@code registry:key})
 * @param restarts how many times its supervisor had restarted its child slot when it started
 * this process; 0 when unsupervised
 */
public record ProcessSummary(Pid pid, ProcessInfo.Status status, int mailboxLength, long messagesHandled,
		long startedAtMillis, @Nullable Pid parent, List<String> registeredNames, int restarts) {

	/** @return when it started */
	public Instant startedAt() {
		return Instant.ofEpochMilli(this.startedAtMillis);
	}

}
