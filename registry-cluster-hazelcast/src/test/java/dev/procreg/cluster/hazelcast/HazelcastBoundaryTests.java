package dev.procreg.cluster.hazelcast;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import dev.procreg.cluster.boundaryfixture.LeaksHazelcast;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every Hazelcast import of the module lives in {@code dev.procreg.cluster.hazelcast}, so the
 * transport, the codec, and the membership and names types the runtime sees could sit on another
 * membership engine.
 */
class HazelcastBoundaryTests {

	static final ArchRule HAZELCAST_STAYS_IN_ITS_PACKAGE = noClasses().that()
		.resideOutsideOfPackage("dev.procreg.cluster.hazelcast")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("com.hazelcast..")
		.because("another membership engine must be able to replace Hazelcast (CLUSTER.md)");

	@Test
	void onlyTheHazelcastPackageUsesHazelcast() {
		JavaClasses production = new ClassFileImporter()
			// the main classes wherever the build puts them (Predefined.DO_NOT_INCLUDE_TESTS knows only target/)
			.withImportOption((location) -> !location.contains("/test-classes/"))
			.importPackages("dev.procreg");
		HAZELCAST_STAYS_IN_ITS_PACKAGE.check(production);
	}

	@Test
	void theRuleCatchesAClassOutsideThePackageThatUsesHazelcast() {
		JavaClasses leaking = new ClassFileImporter().importClasses(LeaksHazelcast.class);
		assertThatThrownBy(() -> HAZELCAST_STAYS_IN_ITS_PACKAGE.check(leaking)).isInstanceOf(AssertionError.class)
			.hasMessageContaining(LeaksHazelcast.class.getName())
			.hasMessageContaining("com.hazelcast.core.HazelcastInstance");
	}

}
