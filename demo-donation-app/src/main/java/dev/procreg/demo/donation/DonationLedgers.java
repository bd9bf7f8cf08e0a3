package dev.procreg.demo.donation;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.procreg.group.ProcessGroups;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessException;
import dev.procreg.process.ProcessRuntime;

import org.springframework.stereotype.Service;

/**
 * A donor's stored donations as every node's database holds them: this node's read directly, the
 * other nodes' asked of their {@link DonationLedger}s at once, each within
 * {@value #TIMEOUT_MILLIS} ms, and merged. A node that does not answer in time (it died, or is
 * busy) is left out of the answer. On a single node (no ledger of another node) it is this node's
 * database alone, read as before.
 */
@Service
public class DonationLedgers {

	private static final long TIMEOUT_MILLIS = 1000;

	private static final Duration TIMEOUT = Duration.ofMillis(TIMEOUT_MILLIS);

	private final ProcessRuntime runtime;

	private final ProcessGroups groups;

	private final DonationRepository donations;

	public DonationLedgers(ProcessRuntime runtime, ProcessGroups groups, DonationRepository donations) {
		this.runtime = runtime;
		this.groups = groups;
		this.donations = donations;
	}

	/**
	 * @param donorId the donor
	 * @return the donor's confirmed donations summed per currency, and how many donations the
	 * donor made, on every node that answered
	 */
	public DonationLedger.Totals totals(String donorId) {
		Map<String, BigDecimal> totals = new TreeMap<>(this.donations.confirmedTotals(donorId));
		long count = this.donations.countByDonor(donorId);
		for (DonationLedger.Totals other : askOthers(new DonationLedger.TotalsOf(donorId),
				DonationLedger.Totals.class)) {
			other.totals().forEach((currency, total) -> totals.merge(currency, total, BigDecimal::add));
			count += other.count();
		}
		return new DonationLedger.Totals(totals, count);
	}

	/**
	 * @param donorId the donor
	 * @param limit how many at most
	 * @return the donor's latest donations on every node that answered, newest first
	 */
	public List<Donation> latest(String donorId, int limit) {
		List<Donation> latest = new ArrayList<>(this.donations.findByDonor(donorId, limit));
		List<DonationLedger.Latest> others = askOthers(new DonationLedger.LatestOf(donorId, limit),
				DonationLedger.Latest.class);
		if (others.isEmpty()) {
			return latest;
		}
		others.forEach((other) -> latest.addAll(other.donations()));
		latest.sort(Comparator.comparing(Donation::createdAt).thenComparing(Donation::id).reversed());
		return List.copyOf(latest.subList(0, Math.min(limit, latest.size())));
	}

	private <R> List<R> askOthers(DonationLedger.Query query, Class<R> answer) {
		List<Pid> others = this.groups.members(DonationLedger.GROUP)
			.stream()
			.filter((pid) -> !pid.node().equals(this.runtime.node()))
			.toList();
		if (others.isEmpty()) {
			return List.of();
		}
		List<R> answers = new ArrayList<>(others.size());
		try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<Object>> asked = new ArrayList<>(others.size());
			for (Pid ledger : others) {
				asked.add(executor.submit(() -> this.runtime.call(ledger, query, TIMEOUT)));
			}
			for (Future<Object> reply : asked) {
				try {
					answers.add(answer.cast(reply.get()));
				}
				catch (ExecutionException ex) {
					if (!(ex.getCause() instanceof ProcessException)) {
						throw new IllegalStateException("A ledger of another node failed: " + ex.getCause(), ex.getCause());
					}
					// that node is left out: it died, is being restarted, or did not answer in time
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return answers;
	}

}
