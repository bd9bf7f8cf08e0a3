package dev.procreg.boot.supervision;

import java.util.List;

import dev.procreg.supervisor.TopLevelSupervisors;

/**
 * A bean that contributes top-level supervisors to {@link ProcessSupervisors}, started after the
 * {@link SupervisorDefinition} beans: the worker types of {@code @RegisteredProcess} do.
 */
@FunctionalInterface
public interface SupervisorContributor {

	/** @return the supervisors to start, in start order */
	List<TopLevelSupervisors.Definition> supervisorDefinitions();

}
