package dev.underway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The workflows module is replayed by Temporal: its code must be deterministic and must not do
 * I/O. These rules make that a build failure rather than a hope.
 */
class WorkflowDeterminismTest {

  /** Everything the workflows module ships (not its tests). */
  static final JavaClasses PRODUCTION = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.underway");

  static final List<ArchRule> RULES = List.of(
      noClasses().should().dependOnClassesThat().resideInAnyPackage(
              "io.fabric8..", "java.sql..", "javax.sql..", "org.postgresql..", "java.net..",
              "java.io..", "java.nio..", "java.util.concurrent..", "java.lang.reflect..")
          .because("workflow code does no I/O and starts no threads: that is the activities'"
              + " job"),
      noClasses().should().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
          .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
          .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
          .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
          .because("use Workflow.sleep, Workflow.newRandom and Workflow.currentTimeMillis"),
      noClasses().should().callMethod(System.class, "currentTimeMillis")
          .orShould().callMethod(System.class, "nanoTime")
          .orShould().callMethod(Instant.class, "now")
          .orShould().callMethod(java.time.LocalDateTime.class, "now")
          .orShould().callMethod(java.time.OffsetDateTime.class, "now")
          .orShould().callMethod(java.time.ZonedDateTime.class, "now")
          .orShould().callMethod(java.util.UUID.class, "randomUUID")
          .orShould().callMethod(Math.class, "random")
          .orShould().callMethod(System.class, "getenv", String.class)
          .orShould().callMethod(System.class, "getProperty", String.class)
          .because("a replay must see the same values: use Workflow.* instead"),
      fields().that().areStatic().should().beFinal()
          .because("static mutable state is shared between workflow executions"),
      noClasses().should().dependOnClassesThat().resideOutsideOfPackages(
              "dev.underway..", "java.lang..", "java.util..", "java.time..", "java.math..",
              "io.temporal..", "com.fasterxml.jackson.annotation..", "org.slf4j..")
          .because("the workflows module depends on the Temporal SDK only"));

  @Test
  void workflowsModuleIsDeterministicAndDoesNoIo() {
    assertThat(PRODUCTION.size()).as("classes analysed").isGreaterThan(20);
    for (ArchRule rule : RULES) {
      rule.check(PRODUCTION);
    }
  }

  /** The rules would catch a violation: they are checked against a class that breaks them. */
  @Test
  void rulesCatchAClassThatBreaksThem() {
    JavaClasses bad = new ClassFileImporter().importClasses(NonDeterministicExample.class);
    long broken = RULES.stream().map(r -> r.evaluate(bad)).filter(EvaluationResult::hasViolation)
        .count();
    assertThat(broken).isEqualTo(RULES.size());
  }

  /** Breaks every rule above. Never used outside this test. */
  @SuppressWarnings("unused")
  static class NonDeterministicExample {
    static int counter;

    long now() throws Exception {
      new Thread(() -> { }).start();
      java.nio.file.Files.size(java.nio.file.Path.of("/"));
      return System.currentTimeMillis() + Instant.now().getEpochSecond();
    }
  }
}
