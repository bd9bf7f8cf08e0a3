package dev.procreg.demo.donor;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.procreg.demo.flow.FlowInfo;
import dev.procreg.demo.session.SessionInfo;

/**
 * Everything about a donor: {@code GET /api/donors/{donorId}}.
 *
 * @param donorId the donor
 * @param session the running session, or null
 * @param flows the running flows
 * @param totals confirmed donations summed per currency
 * @param donations how many donations the donor made
 * @param options what the donor may submit
 */
public record DonorView(String donorId, @Nullable SessionInfo session, List<FlowInfo> flows,
		Map<String, BigDecimal> totals, long donations, Options options) {

	/**
	 * What a donor may submit.
	 *
	 * @param defaultCurrency the currency of a submission that names none
	 * @param currencies the accepted currencies with their maximum amounts
	 * @param perMinute the most new donations per minute
	 */
	public record Options(String defaultCurrency, Map<String, BigDecimal> currencies, int perMinute) {
	}

}
