package dev.procreg.demo.donation;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import dev.procreg.group.ProcessGroups;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;

/**
 * In a cluster, one per node: answers other nodes what this node's database holds about a donor
 * (each node stores what the sessions that ran on it recorded). Joins the
 * {@code donation-ledgers} process group, through which {@link DonationLedgers} finds the ledgers
 * of the other nodes. It holds nothing in memory; a query that fails crashes it, its supervisor
 * starts another, and the asking node leaves this node out of that answer.
 */
public class DonationLedger extends GenServer<Integer> {

	/** The process group the ledgers join. */
	public static final String GROUP = "donation-ledgers";

	private final ProcessGroups groups;

	private final DonationRepository donations;

	public DonationLedger(ProcessGroups groups, DonationRepository donations) {
		this.groups = groups;
		this.donations = donations;
	}

	@Override
	protected Init<Integer> init(@Nullable Object arg) {
		this.groups.join(GROUP, self());
		return ok(0);
	}

	@Override
	protected Result<Integer> handleCall(Object request, From from, Integer answered) {
		Object reply = switch ((Query) request) {
			case TotalsOf(String donorId) -> new Totals(new TreeMap<>(this.donations.confirmedTotals(donorId)),
					this.donations.countByDonor(donorId));
			case LatestOf(String donorId, int limit) -> new Latest(new ArrayList<>(this.donations.findByDonor(donorId,
					limit)));
		};
		return reply(reply, answered + 1);
	}

	/** What a ledger is asked. */
	public sealed interface Query extends Serializable permits TotalsOf, LatestOf {
	}

	/**
	 * The donor's confirmed totals and count here; answers {@link Totals}.
	 *
	 * @param donorId the donor
	 */
	public record TotalsOf(String donorId) implements Query {
	}

	/**
	 * The donor's latest donations here; answers {@link Latest}.
	 *
	 * @param donorId the donor
	 * @param limit how many at most
	 */
	public record LatestOf(String donorId, int limit) implements Query {
	}

	/**
	 * A donor's confirmed donations summed per currency, and how many donations the donor made.
	 *
	 * @param totals per currency
	 * @param count how many donations
	 */
	public record Totals(Map<String, BigDecimal> totals, long count) implements Serializable {
	}

	/**
	 * A donor's latest donations, newest first.
	 *
	 * @param donations the donations
	 */
	public record Latest(List<Donation> donations) implements Serializable {
	}

}
