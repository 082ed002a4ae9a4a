package io.github.gmailoauth;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.constructors;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The package rules of src/main, checked on the compiled classes (the test classes are not
 * analysed, only named as what src/main must not use). The package names are constants so that a
 * package move changes one line here.
 */
@AnalyzeClasses(
    packages = ArchitectureTest.ROOT,
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  static final String ROOT = "io.github.gmailoauth";
  static final String WEB = ROOT + ".web";
  static final String OAUTH = ROOT + ".oauth";
  static final String GMAIL = ROOT + ".gmail";
  static final String READER = ROOT + ".reader";
  static final String HEALTH = ROOT + ".health";
  static final String GOOGLE = ROOT + ".google";
  static final String STANDIN = ROOT + ".standin";
  static final String METRICS = ROOT + ".metrics";
  static final String RISC = ROOT + ".risc";

  /** The composition root: the only classes that know every package and put the app together. */
  static final Set<Class<?>> COMPOSITION_ROOT = Set.of(GmailApp.class, Main.class);

  /** Every class compiled from src/test, by name: src/main may name none of them. */
  private static final Set<String> TEST_CLASSES = testClassNames();

  @ArchTest
  static final ArchRule mainCodeUsesNoTestCode =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage(STANDIN + "..")
          .orShould()
          .dependOnClassesThat(
              describe("are compiled from src/test", c -> TEST_CLASSES.contains(c.getName())))
          .because(
              "the WAR carries src/main only; the stand-in Google and the test harness stay in test scope");

  @ArchTest
  static final ArchRule webKnowsNoFeature =
      noClasses()
          .that()
          .resideInAPackage(WEB + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(GMAIL + "..", OAUTH + "..", READER + "..", RISC + "..")
          .because(
              "web is what every page shares (pages, filters, sessions); the features build on it, not the other way");

  @ArchTest
  static final ArchRule healthStandsAlone =
      classes()
          .that()
          .resideInAPackage(HEALTH + "..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(HEALTH + "..", WEB + "..", "java..", "javax..", "jakarta.servlet..")
          .because(
              "the probes must answer whatever state Google, the sign-in or the mail code is in");

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule nothingDependsOnTheCompositionRoot =
      noClasses()
          .that(describe("are not the composition root", c -> !isCompositionRoot(c)))
          .should()
          .dependOnClassesThat(
              describe("are the composition root", ArchitectureTest::isCompositionRoot));

  @ArchTest
  static final ArchRule onlyTheCompositionRootCreatesServletsAndFilters =
      constructors()
          .that()
          .areDeclaredInClassesThat()
          .areAssignableTo(HttpServlet.class)
          .or()
          .areDeclaredInClassesThat()
          .areAssignableTo(Filter.class)
          .should()
          .onlyBeCalled()
          .byClassesThat(describe("are the composition root", ArchitectureTest::isCompositionRoot))
          .because(
              "servlets and filters get their collaborators through their constructors in one place");

  @ArchTest
  static final ArchRule servletsUseNoJavaSql =
      noClasses()
          .that()
          .areAssignableTo(HttpServlet.class)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.sql..", "javax.sql..")
          .because(
              "a servlet parses the request, calls one collaborator and renders; storage sits behind the"
                  + " collaborator, and what a storage failure means to a person is decided in web.Problems");

  @ArchTest
  static final ArchRule noReflectionInMain =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("java.lang.reflect..")
          .orShould()
          .callMethodWhere(
              describe(
                  "look a class or its members up by name",
                  call ->
                      call.getTarget().getOwner().isEquivalentTo(Class.class)
                          && Set.of(
                                  "forName",
                                  "getMethod",
                                  "getDeclaredMethod",
                                  "getField",
                                  "getDeclaredField",
                                  "getConstructor",
                                  "getDeclaredConstructor")
                              .contains(call.getTarget().getName())))
          .because(
              "a renamed method must break the build, not the demo at run time (the demo launcher lives in src/test)");

  @ArchTest
  static final ArchRule googleWireKnowsNoFeature =
      noClasses()
          .that()
          .resideInAPackage(GOOGLE + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              ROOT,
              WEB + "..",
              OAUTH + "..",
              GMAIL + "..",
              READER + "..",
              HEALTH + "..",
              RISC + "..")
          .because(
              "Google's wire protocol is a library for the features, with no idea of pages, sign-in or settings");

  // Issue 16, metrics.
  @ArchTest
  static final ArchRule metricsKnowsNoFeature =
      noClasses()
          .that()
          .resideInAPackage(METRICS + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              ROOT,
              WEB + "..",
              OAUTH + "..",
              GMAIL + "..",
              READER + "..",
              HEALTH + "..",
              GOOGLE + "..",
              RISC + "..")
          .because(
              "the features count through metrics.AppMetrics; it names what they report, never their classes");

  @ArchTest
  static final ArchRule featuresDoNotDependOnTheRootPackage =
      noClasses()
          .that()
          .resideInAnyPackage(
              WEB + "..",
              OAUTH + "..",
              GMAIL + "..",
              READER + "..",
              HEALTH + "..",
              GOOGLE + "..",
              RISC + "..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(ROOT)
          .because(
              "the root package is the composition root and the settings: it knows the features, they do not"
                  + " know it (sign-in gets its part of the settings as an oauth.ClientRegistration)");

  private static Set<String> testClassNames() {
    Set<String> names =
        new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages(ROOT)
                .stream()
                .map(JavaClass::getName)
                .collect(Collectors.toUnmodifiableSet());
    // An empty set would let mainCodeUsesNoTestCode pass whatever src/main names
    if (!names.contains(ArchitectureTest.class.getName())) {
      throw new IllegalStateException(
          "the test classes were not found on the class path: " + names.size());
    }
    return names;
  }

  private static boolean isCompositionRoot(JavaClass c) {
    JavaClass top = c;
    while (top.getEnclosingClass().isPresent()) {
      top = top.getEnclosingClass().get();
    }
    return COMPOSITION_ROOT.stream().anyMatch(top::isEquivalentTo);
  }
}
