package dev.procreg.boot.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The starter adapts core to Spring and holds no process logic: it reaches core through its
 * public API, never through the process internals a user must not touch either. (Core's own
 * {@code ApiBoundaryTests} checks that no API signature mentions an internal type, so naming an
 * internal package is the only way in.) Of the cluster module, only its API packages, never its
 * Hazelcast adapter.
 */
class CoreBoundaryTests {

	private final JavaClasses starter = new ClassFileImporter()
		// the main classes wherever the build puts them (Predefined.DO_NOT_INCLUDE_TESTS knows only target/)
		.withImportOption((location) -> !location.contains("/test-classes/"))
		.importPackages("dev.procreg.boot");

	@Test
	void theStarterUsesNoCoreInternals() {
		ArchRule rule = noClasses().that()
			.resideInAPackage("dev.procreg.boot..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.procreg..internal..")
			.because("the starter hears of exits through ProcessRuntime.onExit, not by hooking process objects");
		rule.check(this.starter);
	}

	@Test
	void theStarterReachesCoreOnlyThroughItsApiPackages() {
		ArchRule rule = classes().that()
			.resideInAPackage("dev.procreg.boot..")
			.should()
			.onlyDependOnClassesThat(resideOutsideOfPackage("dev.procreg..")
				.or(resideInAnyPackage("dev.procreg.boot..", "dev.procreg.process", "dev.procreg.registry",
						"dev.procreg.group", "dev.procreg.supervisor", "dev.procreg.partition", "dev.procreg.worker",
						"dev.procreg.introspect", "dev.procreg.cluster", "dev.procreg.cluster.membership",
						"dev.procreg.cluster.transport", "dev.procreg.cluster.codec")))
			.because("core's API packages are the whole of what the starter may use");
		rule.check(this.starter);
	}

	@Test
	void theStarterDescribesNoSupervisorItself() {
		ArchRule rule = noClasses().that()
			.resideInAPackage("dev.procreg.boot..")
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName("dev.procreg.supervisor.SupervisionTree")
			.orShould()
			.callMethodWhere(com.tngtech.archunit.base.DescribedPredicate.describe("an unbounded supervisor call",
					(call) -> call.getTarget().getOwner().getName().equals("dev.procreg.supervisor.Supervisor")
							&& call.getTarget().getName().equals("whichChildren")))
			.because("operators' views come from core's Introspection, which bounds every supervisor call");
		rule.check(this.starter);
	}

}
