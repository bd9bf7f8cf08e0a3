package dev.procreg.demo.donation;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What a donation may be.
 *
 * @param defaultCurrency The currency of a submission that names none
 * @param currencies The accepted currencies (ISO 4217 codes), each with the largest amount
 * accepted in it
 */
@ConfigurationProperties("demo.donations")
public record DonationProperties(@DefaultValue("IDR") String defaultCurrency, Map<String, BigDecimal> currencies) {

	private static final Map<String, BigDecimal> DEFAULT_CURRENCIES = Map.of("IDR", new BigDecimal("100000000"),
			"USD", new BigDecimal("10000"), "SGD", new BigDecimal("10000"), "MYR", new BigDecimal("40000"), "SAR",
			new BigDecimal("40000"));

	public DonationProperties {
		currencies = new TreeMap<>((currencies == null || currencies.isEmpty()) ? DEFAULT_CURRENCIES : currencies);
		if (!currencies.containsKey(defaultCurrency)) {
			throw new IllegalArgumentException("demo.donations.default-currency " + defaultCurrency
					+ " is not one of demo.donations.currencies " + currencies.keySet());
		}
	}

}
