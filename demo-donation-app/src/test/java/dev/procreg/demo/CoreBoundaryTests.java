package dev.procreg.demo;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The demo is written as any application would be: against the core's and the starter's public
 * API, never against the core's internal packages.
 */
class CoreBoundaryTests {

	@Test
	void theDemoUsesNoCoreInternals() {
		JavaClasses demo = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.procreg.demo");
		ArchRule rule = noClasses().should()
			.dependOnClassesThat()
			.resideInAPackage("dev.procreg..internal..")
			.because("an application reaches the core through its API packages only");
		rule.check(demo);
	}

}
