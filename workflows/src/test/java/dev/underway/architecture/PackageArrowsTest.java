package dev.underway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.underway.architecture.arrows.kernel.KernelImportsARunbook;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * The arrows between the workflows module's packages point one way: runbooks to the kernel,
 * never back; inside a runbook, its workflow package to its lower packages ({@code contract},
 * {@code model}), never back; and no runbook into another's workflow package (another's
 * contract and model are allowed: the drift check reads the evolution's). Each rule is checked
 * against the code and against a small tree shaped like it ({@code arrows}) where one class
 * breaks it, so a rule that stopped firing fails here.
 */
class PackageArrowsTest {

  /**
   * Arrows the code still has that the rules forbid, each to remove: {@code origin -> target}
   * class names. The drift check's rules compare with the evolution's {@code Planner} and
   * validate with its {@code RequestValidation}, which belong in the evolution's model.
   */
  static final Set<String> KNOWN = Set.of(
      "dev.underway.workflows.drift.DriftRules -> dev.underway.workflows.evolution.Planner",
      "dev.underway.workflows.drift.DriftRules"
          + " -> dev.underway.workflows.evolution.RequestValidation");

  /** The kernel imports no runbook. */
  static ArchRule kernelImportsNoRunbook(String kernel, String runbooks) {
    return noClasses().that().resideInAPackage(kernel + "..").should().dependOnClassesThat()
        .resideInAPackage(runbooks + "..")
        .because("runbooks build on the kernel; a kernel that knew one would change with it");
  }

  /** A runbook's lower packages ({@code contract}, {@code model}) import nothing above them. */
  static ArchRule lowerPackagesImportNothingAbove(String runbooks, Set<String> known) {
    return classes().that().resideInAPackage(runbooks + "..").should(dependOnNo(
        "package above their own in the same runbook", known, (from, to) ->
            runbook(runbooks, from) != null && runbook(runbooks, from).equals(runbook(runbooks, to))
                && from.startsWith(to + ".")))
        .because("a runbook's contract and model are what its workflow and activities share;"
            + " they do not depend on the workflow");
  }

  /** A runbook imports no other runbook's workflow package (its contract and model: allowed). */
  static ArchRule runbooksImportNoOtherWorkflowPackage(String runbooks, Set<String> known) {
    return classes().that().resideInAPackage(runbooks + "..").should(dependOnNo(
        "other runbook's workflow package", known, (from, to) -> runbook(runbooks, to) != null
            && to.equals(runbooks + "." + runbook(runbooks, to))
            && !runbook(runbooks, to).equals(runbook(runbooks, from))))
        .because("a runbook changes without the others; what they share is a contract or a"
            + " model, or the kernel");
  }

  static List<ArchRule> rules(String kernel, String runbooks, Set<String> known) {
    return List.of(kernelImportsNoRunbook(kernel, runbooks),
        lowerPackagesImportNothingAbove(runbooks, known),
        runbooksImportNoOtherWorkflowPackage(runbooks, known));
  }

  static final String ARROWS = "dev.underway.architecture.arrows";
  static final JavaClasses TREE = new ClassFileImporter().importPackages(ARROWS);

  @Test
  void theCodesArrowsPointOneWay() {
    assertThat(WorkflowDeterminismTest.PRODUCTION.contain(
        dev.underway.workflows.drift.DriftRules.class)).as("runbooks analysed").isTrue();
    assertThat(rules("dev.underway.kernel", "dev.underway.workflows", KNOWN).stream()
        .map(rule -> rule.evaluate(WorkflowDeterminismTest.PRODUCTION))
        .filter(EvaluationResult::hasViolation).map(r -> r.getFailureReport().toString()))
        .as("every rule's violations at once").isEmpty();
  }

  @Test
  void everyKnownExceptionIsStillThereToRemove() {
    List<String> arrows = WorkflowDeterminismTest.PRODUCTION.stream()
        .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
        .map(d -> d.getOriginClass().getName() + " -> " + d.getTargetClass().getName())
        .distinct().toList();
    assertThat(arrows).as("a known exception that is gone comes off the list")
        .containsAll(KNOWN);
  }

  @Test
  void theKernelRuleFlagsAKernelThatImportsARunbook() {
    assertFlags(kernelImportsNoRunbook(ARROWS + ".kernel", ARROWS + ".workflows"),
        KernelImportsARunbook.class.getName(), "KernelPart");
  }

  @Test
  void theLowerPackageRuleFlagsAModelThatImportsItsWorkflow() {
    assertFlags(lowerPackagesImportNothingAbove(ARROWS + ".workflows", Set.of()),
        ARROWS + ".workflows.alpha.model.ModelImportsItsWorkflow", "AlphaActivities");
  }

  @Test
  void theRunbookRuleFlagsARunbookThatImportsAnothersWorkflowNotItsContractOrModel() {
    EvaluationResult result = assertFlags(
        runbooksImportNoOtherWorkflowPackage(ARROWS + ".workflows", Set.of()),
        ARROWS + ".workflows.beta.BetaWorkflow", "ModelImportsItsWorkflow");
    assertThat(result.getFailureReport().getDetails()).allMatch(d -> d.contains(
        ARROWS + ".workflows.alpha.AlphaWorkflow"));
  }

  @Test
  void aKnownExceptionIsNotFlagged() {
    String arrow = ARROWS + ".workflows.beta.BetaWorkflow -> " + ARROWS
        + ".workflows.alpha.AlphaWorkflow";
    assertThat(runbooksImportNoOtherWorkflowPackage(ARROWS + ".workflows", Set.of(arrow))
        .evaluate(TREE).hasViolation()).isFalse();
  }

  /** {@code rule} flags {@code offender} in the tree, and nothing of {@code innocent}. */
  private static EvaluationResult assertFlags(ArchRule rule, String offender, String innocent) {
    assertThat(TREE.size()).as("the tree's classes").isGreaterThanOrEqualTo(7);
    EvaluationResult result = rule.evaluate(TREE);
    assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
    assertThat(result.getFailureReport().getDetails()).as(rule.getDescription())
        .allMatch(d -> d.contains(offender))
        .noneMatch(d -> d.contains(innocent));
    return result;
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** The runbook a package belongs to ({@code evolution} for {@code ...evolution.model}). */
  private static String runbook(String runbooks, String pkg) {
    if (!pkg.startsWith(runbooks + ".")) {
      return null;
    }
    String rest = pkg.substring(runbooks.length() + 1);
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  /** No dependency whose origin and target packages {@code forbidden} matches, but the known. */
  private static ArchCondition<JavaClass> dependOnNo(String what, Set<String> known,
      BiPredicate<String, String> forbidden) {
    return new ArchCondition<>("depend on no " + what) {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        for (Dependency d : c.getDirectDependenciesFromSelf()) {
          JavaClass target = d.getTargetClass().getBaseComponentType();
          String arrow = d.getOriginClass().getName() + " -> " + target.getName();
          if (forbidden.test(c.getPackageName(), target.getPackageName())
              && !known.contains(arrow)) {
            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
          }
        }
      }
    };
  }
}
