package dev.procreg.introspect;

import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One page of an operator's process table: where it starts, how long it is, its order and what
 * it searches for.
 *
 * <pre>{@code
 * ProcessQuery query = ProcessQuery.of(0, 50, "mailbox", "desc", null);   // the 50 longest mailboxes
 * ProcessQuery search = ProcessQuery.of(0, 20, null, null, "donor-4");     // names or keys starting so
 * }</pre>
 *
 * @param offset rows to skip, at least 0
 * @param limit rows to return, from 1 to {@value #MAX_LIMIT}
 * @param sort the order
 * @param descending whether the order is reversed
 * @param search a pid, or the start of a registered name or registry key; {@code null} for every
 * process
 */
public record ProcessQuery(int offset, int limit, ProcessSort sort, boolean descending, @Nullable String search) {

	/** The longest page. */
	public static final int MAX_LIMIT = 500;

	/**
	 * @throws IllegalArgumentException for a negative offset or a limit outside 1 to
	 * {@value #MAX_LIMIT}
	 */
	public ProcessQuery {
		if (offset < 0) {
			throw new IllegalArgumentException("offset must be at least 0, was " + offset);
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", was " + limit);
		}
		Objects.requireNonNull(sort, "sort must not be null");
		if (search != null) {
			search = search.trim();
			if (search.isEmpty()) {
				search = null;
			}
		}
	}

	/**
	 * A query from text, as a request carries it.
	 * @param offset rows to skip
	 * @param limit rows to return
	 * @param sort a {@link ProcessSort#parse sort key}, or {@code null} for {@code pid}
	 * @param direction {@code asc} or {@code desc}, or {@code null}: ascending for {@code pid},
	 * descending for every other order (the biggest first)
	 * @param search a pid or the start of a name or key, or {@code null}
	 * @return the query
	 * @throws IllegalArgumentException naming the first bad parameter
	 */
	public static ProcessQuery of(int offset, int limit, @Nullable String sort, @Nullable String direction,
			@Nullable String search) {
		ProcessSort order = (sort == null || sort.isBlank()) ? ProcessSort.PID : ProcessSort.parse(sort);
		boolean descending;
		if (direction == null || direction.isBlank()) {
			descending = order != ProcessSort.PID;
		}
		else {
			descending = switch (direction.trim().toLowerCase(Locale.ROOT)) {
				case "asc" -> false;
				case "desc" -> true;
				default -> throw new IllegalArgumentException(
						"unknown sort direction '" + direction + "': use asc or desc");
			};
		}
		return new ProcessQuery(offset, limit, order, descending, search);
	}

}
