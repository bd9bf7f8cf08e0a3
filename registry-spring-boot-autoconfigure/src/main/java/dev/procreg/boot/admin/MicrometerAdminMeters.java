package dev.procreg.boot.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

/**
 * {@link AdminMeters} over a Micrometer {@link MeterRegistry}: every {@code procreg.*} meter and
 * a few of the JVM's (memory, threads, CPU, garbage collection, uptime).
 */
public class MicrometerAdminMeters implements AdminMeters {

	private static final Set<String> JVM = Set.of("jvm.memory.used", "jvm.memory.max", "jvm.threads.live",
			"jvm.threads.peak", "jvm.gc.pause", "jvm.gc.memory.allocated", "process.cpu.usage", "system.cpu.usage",
			"process.uptime", "jvm.classes.loaded");

	private final MeterRegistry registry;

	/**
	 * @param registry where the meters are
	 */
	public MicrometerAdminMeters(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public List<AdminMeters.Meter> meters() {
		List<AdminMeters.Meter> meters = new ArrayList<>();
		// Micrometer's Meter, spelled out: AdminMeters.Meter is the console's
		for (io.micrometer.core.instrument.Meter meter : this.registry.getMeters()) {
			io.micrometer.core.instrument.Meter.Id id = meter.getId();
			if (!id.getName().startsWith("procreg.") && !JVM.contains(id.getName())) {
				continue;
			}
			Map<String, String> tags = new LinkedHashMap<>();
			for (Tag tag : id.getTagsAsIterable()) {
				tags.put(tag.getKey(), tag.getValue());
			}
			Map<String, Double> measurements = new LinkedHashMap<>();
			for (Measurement measurement : meter.measure()) {
				measurements.put(measurement.getStatistic().name().toLowerCase(Locale.ROOT), measurement.getValue());
			}
			double value = measurements.isEmpty() ? Double.NaN : measurements.values().iterator().next();
			meters.add(new AdminMeters.Meter(id.getName(), id.getType().name().toLowerCase(Locale.ROOT), tags,
					finite(value), finiteAll(measurements), id.getBaseUnit(), id.getDescription()));
		}
		meters.sort(Comparator.comparing(AdminMeters.Meter::name).thenComparing((meter) -> meter.tags().toString()));
		return meters;
	}

	/** JSON has no NaN: a gauge whose object is gone reads 0. */
	private static double finite(double value) {
		return Double.isFinite(value) ? value : 0.0;
	}

	private static Map<String, Double> finiteAll(Map<String, Double> measurements) {
		measurements.replaceAll((statistic, value) -> finite(value));
		return measurements;
	}

}
