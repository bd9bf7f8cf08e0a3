package dev.procreg.demo.donation;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores donations in the {@code donation} table (schema by Flyway, H2 or PostgreSQL).
 */
@Repository
public class DonationRepository {

	private static final String COLUMNS = "id, donor_id, amount, currency, idempotency_key, status, "
			+ "payment_reference, created_at, confirmed_at";

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final boolean postgres;

	public DonationRepository(JdbcClient jdbc, PlatformTransactionManager transactionManager,
			StorageDurability durability) {
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.postgres = durability.database() == StorageDurability.Database.POSTGRESQL;
	}

	/**
	 * Inserts a new donation; when this returns, the donation is on disk (see
	 * {@link StorageDurability}): on PostgreSQL the transaction commits with
	 * {@code synchronous_commit} on whatever the server's or the role's setting.
	 * @param donation the donation
	 * @throws org.springframework.dao.DuplicateKeyException when the donor already used its
	 * idempotency key
	 */
	public void insert(Donation donation) {
		this.transactions.executeWithoutResult((status) -> {
			if (this.postgres) {
				this.jdbc.sql("set local synchronous_commit to on").update();
			}
			this.jdbc.sql("insert into donation (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
				.params(donation.id(), donation.donorId(), donation.amount(), donation.currency(),
						donation.idempotencyKey(), donation.status().name(), donation.paymentReference(),
						toTimestamp(donation.createdAt()), toTimestamp(donation.confirmedAt()))
				.update();
		});
	}

	/**
	 * Confirms a pending donation; does nothing to one already confirmed, so a retried payment
	 * never confirms twice.
	 * @param id the donation
	 * @param paymentReference the payment's reference
	 * @param at when the payment was taken
	 * @return whether this call confirmed it
	 */
	public boolean confirm(String id, String paymentReference, Instant at) {
		return this.jdbc
			.sql("update donation set status = ?, payment_reference = ?, confirmed_at = ? where id = ? and status = ?")
			.params(DonationStatus.CONFIRMED.name(), paymentReference, toTimestamp(at), id, DonationStatus.PENDING.name())
			.update() == 1;
	}

	public Optional<Donation> findById(String id) {
		return this.jdbc.sql("select " + COLUMNS + " from donation where id = ?")
			.param(id)
			.query(DonationRepository::map)
			.optional();
	}

	public Optional<Donation> findByIdempotencyKey(String donorId, String idempotencyKey) {
		return this.jdbc.sql("select " + COLUMNS + " from donation where donor_id = ? and idempotency_key = ?")
			.params(donorId, idempotencyKey)
			.query(DonationRepository::map)
			.optional();
	}

	/**
	 * @param donorId the donor
	 * @param limit how many at most
	 * @return the donor's donations, newest first
	 */
	public List<Donation> findByDonor(String donorId, int limit) {
		return this.jdbc
			.sql("select " + COLUMNS + " from donation where donor_id = ? order by created_at desc, id limit ?")
			.params(donorId, limit)
			.query(DonationRepository::map)
			.list();
	}

	/**
	 * One page of the pending donations, oldest first, in (created_at, id) order: pass the last
	 * donation of a page as {@code after} to get the next one.
	 * @param before only donations recorded before this
	 * @param after only donations after this one in that order, or null for the first page
	 * @param limit how many at most
	 * @return pending donations, oldest first
	 */
	public List<Donation> findPending(Instant before, @Nullable Donation after, int limit) {
		if (after == null) {
			return this.jdbc
				.sql("select " + COLUMNS + " from donation where status = ? and created_at < ? "
						+ "order by created_at, id limit ?")
				.params(DonationStatus.PENDING.name(), toTimestamp(before), limit)
				.query(DonationRepository::map)
				.list();
		}
		OffsetDateTime afterTime = toTimestamp(after.createdAt());
		return this.jdbc
			.sql("select " + COLUMNS + " from donation where status = ? and created_at < ? "
					+ "and (created_at > ? or (created_at = ? and id > ?)) order by created_at, id limit ?")
			.params(DonationStatus.PENDING.name(), toTimestamp(before), afterTime, afterTime, after.id(), limit)
			.query(DonationRepository::map)
			.list();
	}

	/**
	 * @param donorId the donor
	 * @return the donor's confirmed donations summed per currency
	 */
	public Map<String, BigDecimal> confirmedTotals(String donorId) {
		Map<String, BigDecimal> totals = new LinkedHashMap<>();
		this.jdbc
			.sql("select currency, sum(amount) as total from donation where donor_id = ? and status = ? "
					+ "group by currency order by currency")
			.params(donorId, DonationStatus.CONFIRMED.name())
			.query((rs) -> {
				totals.put(rs.getString("currency"), plain(rs.getBigDecimal("total")));
			});
		return totals;
	}

	/**
	 * @param donorId the donor
	 * @return how many donations the donor made
	 */
	public long countByDonor(String donorId) {
		return this.jdbc.sql("select count(*) from donation where donor_id = ?")
			.param(donorId)
			.query(Long.class)
			.single();
	}

	private static Donation map(ResultSet rs, int row) throws SQLException {
		return new Donation(rs.getString("id"), rs.getString("donor_id"), plain(rs.getBigDecimal("amount")),
				rs.getString("currency"), rs.getString("idempotency_key"),
				DonationStatus.valueOf(rs.getString("status")), rs.getString("payment_reference"),
				toInstant(rs.getObject("created_at", OffsetDateTime.class)),
				toInstantOrNull(rs.getObject("confirmed_at", OffsetDateTime.class)));
	}

	private static BigDecimal plain(BigDecimal amount) {
		BigDecimal stripped = amount.stripTrailingZeros();
		return (stripped.scale() < 0) ? stripped.setScale(0) : stripped;
	}

	private static @Nullable OffsetDateTime toTimestamp(@Nullable Instant instant) {
		return (instant != null) ? instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC) : null;
	}

	private static Instant toInstant(OffsetDateTime time) {
		return time.toInstant();
	}

	private static @Nullable Instant toInstantOrNull(@Nullable OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

}
