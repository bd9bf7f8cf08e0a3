package dev.procreg.boot.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The starter adapts core to Spring and holds no process logic: it reaches core through its
 * public API, never through the process internals a user must not touch either.
 */
class CoreBoundaryTests {

	private final JavaClasses starter = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.procreg.boot");

	@Test
	void theStarterUsesNoCoreInternals() {
		ArchRule rule = noClasses().that()
			.resideInAPackage("dev.procreg.boot..")
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName("dev.procreg.process.LocalProcess")
			.orShould()
			.dependOnClassesThat()
			.haveFullyQualifiedName("dev.procreg.process.ExitHook")
			.orShould()
			.callMethod("dev.procreg.process.ProcessRuntime", "process", "dev.procreg.process.Pid")
			.because("the starter hears of exits through ProcessRuntime.onExit, not by hooking process objects");
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
