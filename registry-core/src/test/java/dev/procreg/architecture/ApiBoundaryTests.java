package dev.procreg.architecture;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core's public API is what a user needs and nothing more: public types live only in the API
 * packages (and the internal one, which no API signature mentions), and no public or protected
 * member, supertype or thrown exception of an API type exposes an internal type. A user, and the
 * starter, can therefore reach the process internals ({@code Owner}, {@code ExitHook}, the
 * registrars) only by naming an internal package, which {@code CoreBoundaryTests} in the starter
 * forbids.
 */
class ApiBoundaryTests {

	/** The packages a user may name; the README's module table lists the same. */
	static final Set<String> API_PACKAGES = Set.of("dev.procreg.process", "dev.procreg.registry",
			"dev.procreg.group", "dev.procreg.supervisor", "dev.procreg.partition", "dev.procreg.worker", "dev.procreg.distribution",
			"dev.procreg.introspect");

	/** Cross-package internals of the core: public for the core's own packages only. */
	static final String INTERNAL = "dev.procreg..internal..";

	/** The main classes only, wherever the build puts them (not only under {@code target/}). */
	private final JavaClasses core = new ClassFileImporter()
		.withImportOption((location) -> !location.contains("/test-classes/"))
		.importPackages("dev.procreg");

	@Test
	void publicTypesLiveOnlyInTheApiPackagesOrAnInternalOne() {
		ArchRule rule = classes().that()
			.arePublic()
			.should()
			.resideInAnyPackage(Stream.concat(API_PACKAGES.stream(), Stream.of(INTERNAL)).toArray(String[]::new))
			.because("a new package is either API (add it to the list and the README) or internal");
		rule.check(this.core);
	}

	@Test
	void noApiTypeExposesAnInternalType() {
		apiTypesExposeNoInternalType().check(this.core);
	}

	@Test
	void theApiPackagesAreNamedInThePackageList() {
		Set<String> packages = new java.util.TreeSet<>();
		this.core.stream()
			.filter((type) -> type.getModifiers().contains(JavaModifier.PUBLIC))
			.map(JavaClass::getPackageName)
			.filter((name) -> !name.contains(".internal"))
			.forEach(packages::add);
		assertThat(packages).as("packages holding public types").isEqualTo(new java.util.TreeSet<>(API_PACKAGES));
	}

	@Test
	void theRuleCatchesALeak() {
		JavaClasses leaky = new ClassFileImporter().importClasses(dev.procreg.architecture.leak.LeakyApi.class,
				dev.procreg.architecture.leak.LeakyApi.Hook.class);
		EvaluationResult result = apiTypesExposeNoInternalType("dev.procreg.architecture.leak").evaluate(leaky);
		assertThat(result.hasViolation()).isTrue();
		assertThat(result.getFailureReport().getDetails()).anySatisfy(
				(detail) -> assertThat(detail).contains("LeakyApi.owner()").contains("dev.procreg.process.internal.Owner"))
			.anySatisfy((detail) -> assertThat(detail).contains("LeakyApi$Hook").contains("ExitHook"))
			.anySatisfy((detail) -> assertThat(detail).contains("LeakyApi.watch(")
				.contains("dev.procreg.process.internal.ExitHook"))
			.anySatisfy((detail) -> assertThat(detail).contains("LeakyApi.owners"));
	}

	private static ArchRule apiTypesExposeNoInternalType(String... apiPackages) {
		String[] packages = (apiPackages.length > 0) ? apiPackages : API_PACKAGES.toArray(String[]::new);
		return classes().that()
			.arePublic()
			.and()
			.resideInAnyPackage(packages)
			.should(exposeNoInternalType())
			.because("internal types are for the core's own packages: a user must not see them in any signature");
	}

	private static ArchRule apiTypesExposeNoInternalType() {
		return apiTypesExposeNoInternalType(new String[0]);
	}

	private static ArchCondition<JavaClass> exposeNoInternalType() {
		return new ArchCondition<>("expose no internal type") {

			@Override
			public void check(JavaClass type, ConditionEvents events) {
				List<String> leaks = new ArrayList<>();
				type.getAllRawSuperclasses().stream().filter(ApiBoundaryTests::internal)
					.forEach((superclass) -> leaks.add(type.getName() + " extends " + superclass.getName()));
				type.getAllRawInterfaces().stream().filter(ApiBoundaryTests::internal)
					.forEach((iface) -> leaks.add(type.getName() + " implements " + iface.getName()));
				for (JavaMember member : type.getMembers()) {
					if (!visible(member)) {
						continue;
					}
					List<JavaClass> involved = new ArrayList<>();
					if (member instanceof JavaField field) {
						involved.addAll(field.getType().getAllInvolvedRawTypes());
					}
					else if (member instanceof JavaCodeUnit code) {
						involved.addAll(code.getReturnType().getAllInvolvedRawTypes());
						code.getParameterTypes().forEach((parameter) -> involved.addAll(parameter.getAllInvolvedRawTypes()));
						code.getThrowsClause().getTypes().forEach(involved::add);
					}
					involved.stream().filter(ApiBoundaryTests::internal).distinct()
						.forEach((leak) -> leaks.add(member.getFullName() + " exposes " + leak.getName()));
				}
				if (leaks.isEmpty()) {
					events.add(SimpleConditionEvent.satisfied(type, type.getName() + " exposes no internal type"));
				}
				leaks.forEach((leak) -> events.add(SimpleConditionEvent.violated(type, leak)));
			}

		};
	}

	private static boolean visible(JavaMember member) {
		Set<JavaModifier> modifiers = member.getModifiers();
		return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
	}

	private static boolean internal(JavaClass type) {
		return type.getPackageName().contains(".internal");
	}

}
