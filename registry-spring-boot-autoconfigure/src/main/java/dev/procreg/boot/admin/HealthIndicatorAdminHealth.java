package dev.procreg.boot.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@link AdminHealth} over the application's {@link HealthIndicator} beans, the
 * {@code processRegistry} contributor among them, each asked with its details as the health
 * endpoint asks.
 */
public class HealthIndicatorAdminHealth implements AdminHealth {

	private static final List<String> ORDER = List.of(Status.DOWN.getCode(), Status.OUT_OF_SERVICE.getCode(),
			Status.UNKNOWN.getCode(), Status.UP.getCode());

	private final ListableBeanFactory beans;

	/**
	 * @param beans where the indicators are, looked up at each request (they may be lazy)
	 */
	public HealthIndicatorAdminHealth(ListableBeanFactory beans) {
		this.beans = beans;
	}

	@Override
	public Report health() {
		Map<String, Component> components = new TreeMap<>();
		String worst = Status.UP.getCode();
		for (Map.Entry<String, HealthIndicator> entry : this.beans.getBeansOfType(HealthIndicator.class).entrySet()) {
			String name = entry.getKey().endsWith("HealthIndicator")
					? entry.getKey().substring(0, entry.getKey().length() - "HealthIndicator".length())
					: entry.getKey().endsWith("HealthContributor")
							? entry.getKey().substring(0, entry.getKey().length() - "HealthContributor".length())
							: entry.getKey();
			Health health = entry.getValue().health(true);
			String status = (health != null) ? health.getStatus().getCode() : Status.UNKNOWN.getCode();
			Map<String, Object> details = (health != null && !health.getDetails().isEmpty())
					? new LinkedHashMap<>(health.getDetails()) : null;
			components.put(name, new Component(status, details));
			if (rank(status) < rank(worst)) {
				worst = status;
			}
		}
		return new Report(worst, components);
	}

	private static int rank(String status) {
		int index = ORDER.indexOf(status);
		return (index >= 0) ? index : ORDER.indexOf(Status.UNKNOWN.getCode());
	}

}
