package dev.procreg.boot.admin;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The meters the console shows, read from whatever metrics library is present: the starter
 * gives one over Micrometer's {@code MeterRegistry} when Micrometer is on the classpath. Free of
 * any metrics type, so the console loads without one.
 */
@FunctionalInterface
public interface AdminMeters {

	/** @return the selected meters, by name */
	List<Meter> meters();

	/**
	 * One meter.
	 *
	 * @param name its name
	 * @param type gauge, counter, timer, distribution_summary, long_task_timer or other
	 * @param tags its tags
	 * @param value its main figure: a gauge's value, a counter's count, a timer's count
	 * @param measurements every statistic it measures (count, total_time, max, value ...)
	 * @param baseUnit its unit, or {@code null}
	 * @param description what it measures, or {@code null}
	 */
	record Meter(String name, String type, Map<String, String> tags, double value, Map<String, Double> measurements,
			@Nullable String baseUnit, @Nullable String description) {
	}

}
